import { AddonCatalog } from './addon-catalog';
import type { UpgradeStep } from './plan-types';
import type { EnvironmentSnapshot } from './snapshot';
import { compareVersions } from './version';

/** EKS keeps a control-plane version rollback possible for 7 days after an in-place upgrade. */
export const ROLLBACK_WINDOW_MS = 7 * 24 * 3600 * 1000;

export type RollbackAction =
  | { readonly action: 'halt'; readonly resource: string; readonly reason: string }
  | {
      readonly action: 'revert-control-plane';
      readonly resource: string;
      readonly from: string;
      readonly to: string;
    }
  | { readonly action: 'keep'; readonly resource: string; readonly reason: string };

export interface RollbackDecision {
  readonly actions: RollbackAction[];
}

export interface RollbackInput {
  /** The plan's steps and the ids of those completed. */
  readonly steps: readonly UpgradeStep[];
  readonly completed: readonly string[];
  /** The cluster as it is now. */
  readonly snapshot: EnvironmentSnapshot;
  /** When the last control-plane hop finished (ISO), if known; and the current time. */
  readonly lastHopCompletedAt?: string;
  readonly now: string;
  readonly revertControlPlane: boolean;
}

/**
 * What a rollback does for an in-place upgrade. Always: halt further steps.
 * The control plane goes back one minor (EKS version rollback) only when this
 * upgrade moved it, within the 7-day window, and when nothing left behind would
 * be newer than the API server after it: node groups and every installed add-on
 * must run on the previous version. Add-ons and node groups are never
 * downgraded (EKS does not support it): they are recorded as kept, with why.
 */
export function decideRollback(input: RollbackInput, upgradeResource: string): RollbackDecision {
  const done = new Set(input.completed);
  const completedSteps = input.steps.filter((s) => done.has(s.id));
  const actions: RollbackAction[] = [
    { action: 'halt', resource: upgradeResource, reason: 'no further step is started' },
  ];
  const lastHop = [...completedSteps].reverse().find((s) => s.kind === 'control-plane');
  for (const step of completedSteps) {
    if (step.kind === 'addon' || step.kind === 'nodegroup') {
      actions.push({
        action: 'keep',
        resource: `${step.kind}/${step.name}`,
        reason: `moved ${step.from} -> ${step.to}; EKS does not downgrade ${step.kind === 'addon' ? 'add-ons' : 'managed node groups'}`,
      });
    }
  }
  if (!lastHop) return { actions };
  const cluster = input.snapshot.cluster.name;
  const blocker = revertBlocker(input, lastHop.from);
  if (blocker) {
    actions.push({
      action: 'keep',
      resource: `cluster/${cluster}`,
      reason: `control plane stays at ${lastHop.to}: ${blocker}`,
    });
  } else {
    actions.push({
      action: 'revert-control-plane',
      resource: `cluster/${cluster}`,
      from: lastHop.to,
      to: lastHop.from,
    });
  }
  return { actions };
}

function revertBlocker(input: RollbackInput, previous: string): string | undefined {
  if (!input.revertControlPlane) return 'control-plane rollback is disabled by configuration';
  if (input.snapshot.cluster.version === previous) return 'it is already at that version';
  if (
    input.lastHopCompletedAt !== undefined &&
    Date.parse(input.now) - Date.parse(input.lastHopCompletedAt) > ROLLBACK_WINDOW_MS
  ) {
    return 'the 7-day rollback window has passed';
  }
  const newer = input.snapshot.nodegroups.filter((ng) => compareVersions(ng.version, previous) > 0);
  if (newer.length > 0) {
    return `node group(s) ${newer.map((ng) => ng.nodegroupName).join(', ')} run kubelets newer than ${previous}`;
  }
  const catalogs = new Map(
    input.snapshot.addonVersions.map((info) => [info.addonName, new AddonCatalog(info)]),
  );
  const incompatible = input.snapshot.addons.filter(
    (a) => !(catalogs.get(a.addonName)?.isCompatible(a.addonVersion, previous) ?? false),
  );
  if (incompatible.length > 0) {
    return `add-on(s) ${incompatible.map((a) => `${a.addonName} ${a.addonVersion}`).join(', ')} do not run on ${previous}`;
  }
  return undefined;
}
