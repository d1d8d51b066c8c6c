import type { PlanningPolicy } from './plan-types';
import type { Nodegroup } from './snapshot';

/**
 * Minutes a managed node-group update takes: about 5 minutes per batch of
 * `maxUnavailable` nodes (eks-upgrade-facts.md), at least one batch.
 */
export function nodegroupMinutes(nodegroup: Nodegroup, policy: PlanningPolicy): number {
  const nodes = Math.max(1, nodegroup.scalingConfig?.desiredSize ?? 1);
  const percentage = nodegroup.updateConfig?.maxUnavailablePercentage;
  const batch =
    nodegroup.updateConfig?.maxUnavailable ??
    (percentage !== undefined ? Math.max(1, Math.floor((nodes * percentage) / 100)) : 1);
  return policy.durations.minutesPerNode * Math.ceil(nodes / batch);
}
