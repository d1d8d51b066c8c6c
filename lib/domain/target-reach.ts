import type { Finding, UpgradePlan, UpgradeRequest } from './plan-types';
import { knownVersions } from './preflight';
import type { EnvironmentSnapshot } from './snapshot';
import { compareVersions, minorsBehind, parseVersion } from './version';

/**
 * How far past the newest Kubernetes version the snapshot knows a target may be
 * and still be planned (and reported as unknown to EKS, TARGET_UNKNOWN). EKS
 * releases about three minors a year; a target further out is a typo or a
 * stale snapshot, and planning it would only build hops for versions that do
 * not exist.
 */
export const MAX_MINORS_PAST_NEWEST_KNOWN = 3;

/**
 * The refusal of a target too far past what the snapshot knows, decided before
 * any hop is built; undefined when the target is within reach. The newest known
 * version is the newest in the add-on compatibility data, or the cluster's own
 * version when that is newer (or there is no data).
 * @throws InvalidRequestError when the target is not a valid version.
 */
export function refuseTargetOutOfReach(
  snapshot: EnvironmentSnapshot,
  request: UpgradeRequest,
): UpgradePlan | undefined {
  const target = request.targetVersion;
  parseVersion(target);
  const current = snapshot.cluster.version;
  const newest = [...knownVersions(snapshot), current].sort(compareVersions).at(-1) ?? current;
  const past = minorsBehind(newest, target);
  if (past <= MAX_MINORS_PAST_NEWEST_KNOWN) return undefined;
  const finding: Finding = {
    code: 'TARGET_OUT_OF_REACH',
    severity: 'block',
    message: `Target ${target} is ${past} minor versions past ${newest}, the newest Kubernetes version this snapshot knows (add-on compatibility data and the cluster itself); more than ${MAX_MINORS_PAST_NEWEST_KNOWN} past is not planned. Choose a version EKS offers (up to ${newest} here) or capture a fresh snapshot.`,
    resource: snapshot.cluster.name,
  };
  return {
    cluster: snapshot.cluster.name,
    currentVersion: current,
    targetVersion: target,
    strategy: request.strategy,
    verdict: 'blocked',
    findings: [finding],
    steps: [],
    estimatedMinutes: 0,
  };
}
