import { AddonCatalog } from './addon-catalog';
import {
  type CreateNodegroupInput,
  type PreviousNodegroupState,
  planNodegroupReplacement,
} from './nodegroup-replacement';
import { ROLLBACK_WINDOW_MS } from './rollback';
import type { AddonInfo, EnvironmentSnapshot } from './snapshot';
import { compareVersions } from './version';

/**
 * Rollback, version 2: what a failed gate reverts. Only the current hop (the hop
 * of the last completed step) is reverted; hops whose gates passed are kept.
 * Order matters: node groups that moved to the hop's version are replaced back
 * first (kubelets must not be newer than the API server they will talk to), then
 * the control plane goes back with EKS's version rollback, if this hop moved it and
 * EKS's prerequisites hold. Each action says why. Time and data come in as values.
 */

/** The parts of a plan step the decision reads (every step kind has them; gates have no name). */
export interface RollbackStepView {
  readonly id: string;
  readonly kind: string;
  readonly hop: string;
  readonly from: string;
  readonly to: string;
  readonly name?: string;
}

export type RevertAction =
  | {
      readonly kind: 'replace-nodegroup';
      readonly resource: string;
      /** The upgraded group, deleted once its replacement is ACTIVE. */
      readonly nodegroup: string;
      readonly from: string;
      readonly to: string;
      readonly request: CreateNodegroupInput;
      readonly notCarried: readonly { readonly field: string; readonly why: string }[];
      readonly why: string;
    }
  | {
      readonly kind: 'rollback-control-plane';
      readonly resource: string;
      readonly from: string;
      readonly to: string;
      readonly why: string;
    }
  | {
      readonly kind: 'keep';
      readonly resource: string;
      readonly why: string;
      /** True when this hop changed the resource and it cannot go back: the outcome is at best partial. */
      readonly blocking?: boolean;
    };

export type RollbackOutcomeV2 = 'reverted' | 'partially-reverted' | 'stopped';

export interface RollbackPlan {
  /** The hop being reverted; undefined when nothing of the upgrade has completed. */
  readonly hop?: string;
  /** In order: every replacement, then the control plane; `keep` entries say what stays and why. */
  readonly actions: readonly RevertAction[];
  /** The outcome if every revert action succeeds. */
  readonly expected: RollbackOutcomeV2;
}

export interface RollbackPlanInput {
  readonly upgradeId: string;
  readonly steps: readonly RollbackStepView[];
  readonly completed: readonly string[];
  /** The cluster now. */
  readonly snapshot: EnvironmentSnapshot;
  /**
   * Compatibility data that covers the versions of the upgrade (the perception
   * snapshot's: a live read is trimmed to the current version).
   */
  readonly addonVersions: readonly AddonInfo[];
  /** Each node group as it was before this hop moved it (version, AMI release, template version). */
  readonly previousNodegroups: Readonly<Record<string, PreviousNodegroupState>>;
  /** When this hop's control-plane update finished (ISO), if known. */
  readonly hopCompletedAt?: string;
  readonly now: string;
  /** Configuration `rollback/revertControlPlane`. */
  readonly revertControlPlane: boolean;
}

/**
 * The revert actions for the current hop.
 * A node group is replaced when a completed step of this hop moved it to the
 * hop's version and it still runs it; it is kept (with why) when no replacement
 * can be built. The control plane is rolled back when this hop's control-plane
 * step completed, the cluster still runs the hop's version, configuration allows
 * it, the 7-day window is open, and after the replacements no node group and no
 * add-on would be newer than the previous version. Add-ons are never downgraded
 * (EKS does not support it): those moved in this hop are kept.
 */
export function planRollback(input: RollbackPlanInput): RollbackPlan {
  const done = new Set(input.completed);
  const completed = input.steps.filter((s) => done.has(s.id));
  const last = completed.at(-1);
  if (!last) return { actions: [], expected: 'stopped' };
  const hop = last.hop;
  const actions: RevertAction[] = [];
  for (const step of completed) {
    if (step.hop !== hop && step.kind !== 'gate') {
      actions.push({
        kind: 'keep',
        resource: resourceOf(step, input.snapshot.cluster.name),
        why: `moved ${step.from} -> ${step.to} in hop ${step.hop}, whose gates passed`,
      });
    }
  }
  const current = completed.filter((s) => s.hop === hop);
  const replaced = new Set<string>();
  for (const step of current) {
    if (step.kind !== 'nodegroup' || step.name === undefined) continue;
    if (step.to !== hop) {
      actions.push({
        kind: 'keep',
        resource: `nodegroup/${step.name}`,
        why: `moved ${step.from} -> ${step.to} to match the control plane before the hop; it runs on ${step.to}`,
      });
      continue;
    }
    const action = replaceAction(input, step.name, step.from, hop);
    if (action.kind === 'replace-nodegroup') replaced.add(step.name);
    actions.push(action);
  }
  for (const step of current) {
    if (step.kind === 'addon' && step.name !== undefined) {
      actions.push({
        kind: 'keep',
        resource: `addon/${step.name}`,
        why: `moved ${step.from} -> ${step.to}; EKS does not downgrade add-ons`,
      });
    }
  }
  const controlPlane = current.find((s) => s.kind === 'control-plane');
  if (controlPlane) actions.push(controlPlaneAction(input, controlPlane, replaced));
  const keeps = actions.flatMap((a) => (a.kind === 'keep' ? [a] : []));
  const reverts = actions.length - keeps.length;
  const blocked = keeps.some((a) => a.blocking === true);
  const expected: RollbackOutcomeV2 = reverts === 0 ? 'stopped' : blocked ? 'partially-reverted' : 'reverted';
  return { hop, actions, expected };
}

function replaceAction(input: RollbackPlanInput, name: string, from: string, hop: string): RevertAction {
  const resource = `nodegroup/${name}`;
  const now = input.snapshot.nodegroups.find((ng) => ng.nodegroupName === name);
  if (!now) return { kind: 'keep', resource, why: 'the node group no longer exists' };
  if (compareVersions(now.version, hop) < 0) {
    return { kind: 'keep', resource, why: `it already runs ${now.version}` };
  }
  const plan = planNodegroupReplacement({
    upgradeId: input.upgradeId,
    clusterName: input.snapshot.cluster.name,
    upgraded: now,
    previous: previousState(input.previousNodegroups[name], from),
  });
  if (plan.kind === 'impossible') {
    return { kind: 'keep', resource, why: `cannot be replaced: ${plan.reason}`, blocking: true };
  }
  return {
    kind: 'replace-nodegroup',
    resource,
    nodegroup: name,
    from: hop,
    to: from,
    request: plan.request,
    notCarried: plan.notCarried,
    why: `moved ${from} -> ${hop} in the failed hop; EKS does not downgrade node groups, so ${plan.request.nodegroupName} is created at ${from} and ${name} deleted once it is ACTIVE`,
  };
}

/**
 * The node group as it was before the failed hop: the recorded state (the upgrade's
 * perception) only when it ran the hop's `from` then. A group an earlier hop moved ran
 * another version at perception, and that version's AMI release and template version
 * would take it back further than this hop (and past the kubelet skew rule).
 */
function previousState(recorded: PreviousNodegroupState | undefined, from: string): PreviousNodegroupState {
  return recorded?.version === from ? recorded : { version: from };
}

function controlPlaneAction(
  input: RollbackPlanInput,
  step: RollbackStepView,
  replaced: ReadonlySet<string>,
): RevertAction {
  const resource = `cluster/${input.snapshot.cluster.name}`;
  const previous = step.from;
  const keep = (why: string): RevertAction => ({
    kind: 'keep',
    resource,
    why: `control plane stays at ${step.to}: ${why}`,
    blocking: true,
  });
  if (!input.revertControlPlane) return keep('control-plane rollback is disabled by configuration');
  if (input.snapshot.cluster.version === previous) {
    return { kind: 'keep', resource, why: `the control plane already runs ${previous}` };
  }
  if (input.snapshot.cluster.version !== step.to) {
    return keep(`the cluster runs ${input.snapshot.cluster.version}, not ${step.to}`);
  }
  // An unknown completion time counts as now: the window is not judged.
  if (Date.parse(input.now) - Date.parse(input.hopCompletedAt ?? input.now) > ROLLBACK_WINDOW_MS) {
    return keep('the 7-day rollback window has passed');
  }
  const newer = input.snapshot.nodegroups.filter(
    (ng) => !replaced.has(ng.nodegroupName) && compareVersions(ng.version, previous) > 0,
  );
  if (newer.length > 0) {
    return keep(
      `node group(s) ${newer.map((ng) => `${ng.nodegroupName} (${ng.version})`).join(', ')} would run kubelets newer than ${previous}`,
    );
  }
  const catalogs = new Map(input.addonVersions.map((info) => [info.addonName, new AddonCatalog(info)]));
  const incompatible = input.snapshot.addons.filter(
    (a) => !(catalogs.get(a.addonName)?.isCompatible(a.addonVersion, previous) ?? false),
  );
  if (incompatible.length > 0) {
    return keep(
      `add-on(s) ${incompatible.map((a) => `${a.addonName} ${a.addonVersion}`).join(', ')} do not run on ${previous}, and EKS does not downgrade add-ons`,
    );
  }
  return {
    kind: 'rollback-control-plane',
    resource,
    from: step.to,
    to: previous,
    why: `this hop moved it ${previous} -> ${step.to}; EKS's version rollback returns it within 7 days`,
  };
}

function resourceOf(step: RollbackStepView, cluster: string): string {
  return step.kind === 'control-plane' ? `cluster/${cluster}` : `${step.kind}/${step.name ?? step.id}`;
}
