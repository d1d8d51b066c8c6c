import {
  assertNever,
  DEFAULT_POLICY,
  type Finding,
  type PlanningPolicy,
  type UpgradePlan,
  type UpgradeRequest,
  type UpgradeStep,
} from './plan-types';
import { planBlueGreen, planInPlace } from './planner';
import { checkAddons, checkCluster, checkTarget } from './preflight';
import { checkFargate, checkNodegroups, checkSupportAndCost } from './preflight-compute';
import { checkInsights } from './preflight-insights';
import { checkLaunchTemplates } from './preflight-launch-templates';
import { checkSubnets } from './preflight-network';
import type { EnvironmentSnapshot } from './snapshot';
import { refuseTargetOutOfReach } from './target-reach';
import { hops, type KubernetesVersion } from './version';

const SEVERITY_ORDER = { block: 0, warn: 1, info: 2 } as const;

/**
 * The reasoning phase: preflight findings and a plan of steps for one request.
 * Pure: the same snapshot, request and policy always give the same plan.
 * @throws InvalidRequestError when the target is not a MAJOR.MINOR version.
 */
export function reason(
  snapshot: EnvironmentSnapshot,
  request: UpgradeRequest,
  policy: PlanningPolicy = DEFAULT_POLICY,
): UpgradePlan {
  const refused = refuseTargetOutOfReach(snapshot, request);
  if (refused) return refused;
  const target = request.targetVersion as KubernetesVersion;
  const current = snapshot.cluster.version;
  const targetFindings = checkTarget(snapshot, target);
  // Another major version never gets here: parseVersion (refuseTargetOutOfReach) takes 1.MINOR only.
  const reachable = !targetFindings.some((f) => f.code === 'TARGET_BELOW_CURRENT');
  const passesThrough: string[] = hops(current, target);

  const findings: Finding[] = [
    ...checkCluster(snapshot),
    ...targetFindings,
    ...checkInsights(snapshot, request.strategy === 'blue_green' ? [target] : passesThrough, request, policy),
    ...checkSubnets(snapshot, policy),
    ...checkAddons(snapshot),
    ...checkNodegroups(snapshot, target),
    ...checkLaunchTemplates(snapshot),
    ...checkFargate(snapshot, request.strategy === 'blue_green' ? [] : passesThrough),
    ...checkSupportAndCost(snapshot, request),
  ];

  let steps: UpgradeStep[] = [];
  if (reachable) {
    const planned =
      request.strategy === 'in_place'
        ? planInPlace(snapshot, target, policy)
        : request.strategy === 'blue_green'
          ? planBlueGreen(snapshot, target, policy)
          : assertNever(request.strategy, 'strategy');
    steps = planned.steps;
    findings.push(...planned.findings);
  }

  // Array.prototype.sort is stable (ES2019): within a severity, the order the checks found them.
  const sorted = findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return {
    cluster: snapshot.cluster.name,
    currentVersion: current,
    targetVersion: target,
    strategy: request.strategy,
    verdict: sorted.some((f) => f.severity === 'block') ? 'blocked' : 'ready',
    findings: sorted,
    steps,
    estimatedMinutes: steps.reduce((sum, s) => sum + s.estimatedMinutes, 0),
  };
}
