import {
  compareVersions,
  isKubernetesVersion,
  maxKubeletSkew,
  minorsBehind,
  previousMinor,
} from '../../domain/version';
import type { SimHistory, UpdateRecord } from './history';
import { duplicatesStartNothing, limitsAndDelivery, terminalStates } from './invariants-flow';
import { updateLine, type Violation } from './violation';

export { MAX_EVENT_BYTES, MAX_PUT_ENTRIES, type Violation } from './violation';

/**
 * The invariants a run must keep, whatever the faults, checked against the recorded
 * history (lib/sandbox/sim/history.ts), never against the report. Each violation
 * names its group (the issue's five) and the history lines that show it.
 */

export function checkInvariants(h: SimHistory): Violation[] {
  return [
    ...oneUpdateAtATime(h),
    ...versionsOverTime(h),
    ...rollbackOnce(h),
    ...terminalStates(h),
    ...duplicatesStartNothing(h),
    ...limitsAndDelivery(h),
  ];
}

const ms = (iso: string) => Date.parse(iso);

/**
 * 1: never two EKS updates in flight on one resource, and the control plane and
 * add-ons always alone: only updates of different node groups may overlap (EKS
 * allows it, and the execution phase runs them up to `maxParallelNodegroups`).
 */
function oneUpdateAtATime(h: SimHistory): Violation[] {
  const sorted = [...h.updates].sort((a, b) => ms(a.createdAt) - ms(b.createdAt));
  const out: Violation[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const cur = sorted[i];
    if (!cur) continue;
    for (let j = 0; j < i; j++) {
      const prev = sorted[j];
      if (!prev || ms(cur.createdAt) >= ms(prev.endsAt) || mayOverlap(prev, cur)) continue;
      out.push({
        invariant: '1 one update at a time',
        message: `update ${cur.id} started at ${cur.createdAt} while ${prev.id} was in flight until ${prev.endsAt}`,
        trail: [updateLine(prev), updateLine(cur)],
      });
    }
  }
  return out;
}

const mayOverlap = (a: UpdateRecord, b: UpdateRecord) =>
  a.target.startsWith('nodegroup:') && b.target.startsWith('nodegroup:') && a.target !== b.target;

interface Versions {
  cluster: string;
  nodegroups: Map<string, string>;
  addons: Map<string, string>;
}

/** 1: kubelets never newer than the API server nor further behind than the skew rule; add-ons compatible. */
function versionsOverTime(h: SimHistory): Violation[] {
  const world: Versions = {
    cluster: h.initial.version,
    nodegroups: new Map(Object.entries(h.initial.nodegroups)),
    addons: new Map(Object.entries(h.initial.addons)),
  };
  type Change = { at: string; line: string; apply: () => void };
  const changes: Change[] = [];
  for (const u of h.updates) {
    if (u.result !== 'Successful') continue;
    const [kind, name] = u.target.split(':');
    changes.push({
      at: u.endsAt,
      line: updateLine(u),
      apply: () => {
        if (kind === 'cluster' && u.effect.version) world.cluster = u.effect.version;
        if (kind === 'nodegroup' && name && u.effect.version) world.nodegroups.set(name, u.effect.version);
        if (kind === 'addon' && name && u.effect.addonVersion) world.addons.set(name, u.effect.addonVersion);
      },
    });
  }
  for (const op of h.nodegroupOps) {
    changes.push({
      at: op.endsAt,
      line: `${op.startedAt}..${op.endsAt} nodegroup ${op.kind} ${op.name}${op.version ? ` at ${op.version}` : ''}`,
      apply: () => {
        if (op.kind === 'delete') world.nodegroups.delete(op.name);
        else if (op.version) world.nodegroups.set(op.name, op.version);
      },
    });
  }
  changes.sort((a, b) => ms(a.at) - ms(b.at));
  const out: Violation[] = [];
  const seen = new Set<string>();
  const wasIncompatible = new Set(
    [...world.addons].filter(([n, v]) => !compatible(h, n, v, world.cluster)).map(([n]) => n),
  );
  const lines: string[] = [];
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i] as Change;
    change.apply();
    lines.push(change.line);
    if (changes[i + 1]?.at === change.at) continue;
    const report = (invariant: string, message: string) => {
      if (seen.has(message)) return;
      seen.add(message);
      out.push({ invariant, message: `at ${change.at}: ${message}`, trail: lines.slice(-6) });
    };
    for (const [ng, v] of world.nodegroups) {
      if (compareVersions(v, world.cluster) > 0) {
        report(
          '1 kubelet not newer than the API server',
          `node group ${ng} runs ${v} above the control plane's ${world.cluster}`,
        );
      } else if (
        minorsBehind(v, world.cluster) > maxKubeletSkew(world.cluster) &&
        minorsBehind(h.initial.nodegroups[ng] ?? v, h.initial.version) <= maxKubeletSkew(h.initial.version)
      ) {
        report(
          '1 version skew',
          `node group ${ng} runs ${v}, more than ${maxKubeletSkew(world.cluster)} minors behind ${world.cluster}`,
        );
      }
    }
    for (const [addon, v] of world.addons) {
      if (wasIncompatible.has(addon) || compatible(h, addon, v, world.cluster)) continue;
      // EKS offers no version of some add-ons (kube-proxy) that runs on two minors: those follow the hop.
      if (
        isKubernetesVersion(world.cluster) &&
        !bridgeExists(h, addon, previousMinor(world.cluster), world.cluster)
      )
        continue;
      report(
        '1 add-on compatible with the control plane',
        `add-on ${addon} ${v} does not run on ${world.cluster}`,
      );
    }
  }
  return out;
}

function compatible(h: SimHistory, addon: string, version: string, cluster: string): boolean {
  return h.compatibility[addon]?.[version]?.includes(cluster) ?? false;
}

function bridgeExists(h: SimHistory, addon: string, from: string, to: string): boolean {
  return Object.values(h.compatibility[addon] ?? {}).some(
    (runsOn) => runsOn.includes(from) && runsOn.includes(to),
  );
}

/** 2: at most one rollback per upgrade, never while an update it reverts is in flight. */
function rollbackOnce(h: SimHistory): Violation[] {
  const out: Violation[] = [];
  const rollbacks = h.updates.filter((u) => u.type === 'VersionRollback');
  if (rollbacks.length > 1) {
    out.push({
      invariant: '2 one rollback per upgrade',
      message: `${rollbacks.length} control-plane version rollbacks`,
      trail: rollbacks.map(updateLine),
    });
  }
  const completions = new Map<string, Set<string>>();
  for (const e of h.events) {
    if (e.detailType !== 'rollback.completed' || e.upgradeId === undefined) continue;
    const facts = completions.get(e.upgradeId) ?? new Set();
    facts.add(e.fact);
    completions.set(e.upgradeId, facts);
  }
  for (const [id, facts] of completions) {
    if (facts.size > 1)
      out.push({
        invariant: '2 one rollback per upgrade',
        message: `upgrade ${id} reported ${facts.size} different rollbacks`,
        trail: [...facts],
      });
  }
  const starts = [
    ...rollbacks.map((u) => ({ at: u.createdAt, what: updateLine(u), self: u.id })),
    ...h.nodegroupOps.map((op) => ({
      at: op.startedAt,
      what: `${op.startedAt} nodegroup ${op.kind} ${op.name}`,
      self: '',
    })),
  ];
  for (const s of starts) {
    const inFlight = h.updates.find(
      (u) =>
        u.id !== s.self &&
        u.type !== 'VersionRollback' &&
        ms(u.createdAt) <= ms(s.at) &&
        ms(s.at) < ms(u.endsAt),
    );
    if (inFlight) {
      out.push({
        invariant: '2 no rollback while its update is in flight',
        message: `a rollback action started at ${s.at} while update ${inFlight.id} was in flight`,
        trail: [updateLine(inFlight), s.what],
      });
    }
  }
  return out;
}
