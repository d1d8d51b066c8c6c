import {
  compareVersions,
  isKubernetesVersion,
  maxKubeletSkew,
  minorsBehind,
  previousMinor,
} from '../../domain/version';
import { MAX_PAYLOAD_BYTES } from '../local-sfn/runner';
import type { SimHistory } from './history';

/**
 * The invariants a run must keep, whatever the faults, checked against the recorded
 * history (lib/sandbox/sim/history.ts), never against the report. Each violation
 * names its group (the issue's five) and the history lines that show it.
 */

/** EventBridge: an entry (and a PutEvents call) is at most 256 KB, a call at most 10 entries. */
export const MAX_EVENT_BYTES = 256 * 1024;
export const MAX_PUT_ENTRIES = 10;

export interface Violation {
  readonly invariant: string;
  readonly message: string;
  /** History lines that show it, oldest first. */
  readonly trail: readonly string[];
}

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
const updateLine = (u: SimHistory['updates'][number]) =>
  `${u.createdAt}..${u.endsAt} update ${u.type} ${u.target} ${u.fingerprint} ${u.result}${u.token ? '' : ' (no token)'}`;

/** 1: never two EKS updates in flight on one cluster. */
function oneUpdateAtATime(h: SimHistory): Violation[] {
  const sorted = [...h.updates].sort((a, b) => ms(a.createdAt) - ms(b.createdAt));
  const out: Violation[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev && cur && ms(cur.createdAt) < ms(prev.endsAt)) {
      out.push({
        invariant: '1 one update at a time',
        message: `update ${cur.id} started at ${cur.createdAt} while ${prev.id} was in flight until ${prev.endsAt}`,
        trail: [updateLine(prev), updateLine(cur)],
      });
    }
  }
  return out;
}

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

/** 3: one terminal state and one terminal event (re-sends of the same fact aside), lock released. */
function terminalStates(h: SimHistory): Violation[] {
  const out: Violation[] = [];
  for (const [name, status] of Object.entries(h.executions)) {
    const terminal = h.events.filter(
      (e) =>
        e.upgradeId === name && (e.detailType === 'upgrade.completed' || e.detailType === 'upgrade.failed'),
    );
    const trail = terminal.map((e) => `event #${e.index} ${e.detailType} ${e.fact}`);
    if (status === 'RUNNING') {
      out.push({
        invariant: '3 one terminal state',
        message: `execution ${name} never ended (still RUNNING)`,
        trail,
      });
    }
    const kinds = new Set(terminal.map((e) => e.detailType));
    const facts = new Set(terminal.map((e) => `${e.detailType} ${e.fact}`));
    // The simulator never asks for a dry run: every execution that ends has a terminal event.
    if (terminal.length === 0 && status !== 'RUNNING') {
      out.push({
        invariant: '3 one terminal event',
        message: `execution ${name} ended ${status} with no upgrade.completed or upgrade.failed`,
        trail: [],
      });
    } else if (kinds.size > 1 || facts.size > 1) {
      out.push({
        invariant: '3 one terminal event',
        message: `execution ${name} has ${terminal.length} different terminal events`,
        trail,
      });
    } else if ((status === 'SUCCEEDED') !== kinds.has('upgrade.completed') && terminal.length > 0) {
      out.push({
        invariant: '3 terminal event matches the state',
        message: `execution ${name} ended ${status} but published ${[...kinds].join(', ')}`,
        trail,
      });
    }
    const holder = h.locks[h.cluster];
    if (holder === name && status !== 'RUNNING') {
      out.push({
        invariant: '3 lock released',
        message: `execution ${name} ended ${status} and still holds the lock on ${h.cluster}`,
        trail: lockTrail(h),
      });
    }
  }
  return out;
}

function lockTrail(h: SimHistory): string[] {
  return h.log
    .filter((e) => e.kind === 'lock')
    .map((e) => `${e.at} lock ${e.kind === 'lock' ? `${e.op} ${e.holder} -> ${e.outcome}` : ''}`);
}

/** 4: duplicate requests start nothing new; no update started twice under different tokens. */
function duplicatesStartNothing(h: SimHistory): Violation[] {
  const out: Violation[] = [];
  const fresh = new Map<string, number>();
  for (const e of h.log)
    if (e.kind === 'execution' && !e.resumed) fresh.set(e.name, (fresh.get(e.name) ?? 0) + 1);
  for (const [name, count] of fresh) {
    if (count > 1)
      out.push({
        invariant: '4 duplicates start nothing',
        message: `execution ${name} was started ${count} times`,
        trail: [],
      });
  }
  const byFingerprint = new Map<string, Set<string>>();
  for (const u of h.updates) {
    if (u.fingerprint === 'platform-update') continue;
    const key = `${u.type} ${u.fingerprint}`;
    const tokens = byFingerprint.get(key) ?? new Set();
    tokens.add(u.token ?? '(none)');
    byFingerprint.set(key, tokens);
  }
  for (const [fingerprint, tokens] of byFingerprint) {
    if (tokens.size > 1 || tokens.has('(none)')) {
      out.push({
        invariant: '4 one update per request token',
        message: `${fingerprint} was started ${tokens.size} time(s) under different or missing client request tokens`,
        trail: h.updates.filter((u) => `${u.type} ${u.fingerprint}` === fingerprint).map(updateLine),
      });
    }
  }
  return out;
}

/** 5: no payload over Step Functions' or EventBridge's limits; every delivery delivered or dead-lettered. */
function limitsAndDelivery(h: SimHistory): Violation[] {
  const out: Violation[] = [];
  for (const e of h.log) {
    if (e.kind === 'state' && e.bytes > MAX_PAYLOAD_BYTES) {
      out.push({
        invariant: '5 state payload limit',
        message: `state ${e.state} of ${e.execution} carried ${e.bytes} bytes (limit ${MAX_PAYLOAD_BYTES})`,
        trail: [],
      });
    }
    if (e.kind === 'put') {
      const total = e.bytes.reduce((a, b) => a + b, 0);
      if (e.entries > MAX_PUT_ENTRIES || total > MAX_EVENT_BYTES) {
        out.push({
          invariant: '5 PutEvents limits',
          message: `a PutEvents call of ${e.entries} entries, ${total} bytes`,
          trail: [],
        });
      }
      if (e.accepted < e.entries && e.fn !== undefined) {
        const inv = h.log.find((x) => x.kind === 'invoke' && x.fn === e.fn && x.nth === e.nth);
        if (inv?.kind === 'invoke' && inv.outcome === 'ok') {
          out.push({
            invariant: '5 no event silently lost',
            message: `${e.entries - e.accepted} event(s) refused by PutEvents in ${e.fn} #${e.nth}, which still succeeded`,
            trail: [
              `${e.at} put ${e.entries} entries, ${e.accepted} accepted`,
              `${inv.at} invoke ${inv.fn} #${inv.nth} ok`,
            ],
          });
        }
      }
    }
  }
  const reports = new Map<string, number>();
  for (const d of h.deliveries)
    reports.set(`${d.rule}#${d.event}`, (reports.get(`${d.rule}#${d.event}`) ?? 0) + 1);
  h.matched.forEach((rules, index) => {
    for (const rule of rules) {
      const n = reports.get(`${rule}#${index}`) ?? 0;
      if (n !== 1) {
        const e = h.events[index];
        out.push({
          invariant: '5 every delivery delivered or dead-lettered',
          message: `event #${index} ${e?.detailType} has ${n} delivery records for rule ${rule}`,
          trail: [],
        });
      }
    }
  });
  const held = h.log.filter((e) => e.kind === 'held');
  for (const e of held) {
    if (e.kind !== 'held') continue;
    if (!h.log.some((r) => r.kind === 'released' && r.rule === e.rule && r.event === e.event)) {
      out.push({
        invariant: '5 no delivery silently lost',
        message: `event #${e.event} held for ${e.rule} was never delivered`,
        trail: [],
      });
    }
  }
  return out;
}
