import { isKubernetesVersion, nextMinor } from '../../domain/version';
import type { ClusterWorld } from './state';

/**
 * How EKS's upgrade insights follow the control plane: ERROR concerns the next minor
 * and WARNING a later one, so once the cluster is at `version`, a WARNING for the
 * minor after it becomes an ERROR (its cause is still there: nothing in the sandbox
 * fixes a deprecated API call). Run when a control-plane version change settles.
 */
export function escalateInsights(world: ClusterWorld, at: string): void {
  const { version } = world.snapshot.cluster;
  if (!isKubernetesVersion(version)) return;
  const next = nextMinor(version);
  for (const insight of world.snapshot.insights) {
    if (
      insight.category === 'UPGRADE_READINESS' &&
      insight.kubernetesVersion === next &&
      insight.insightStatus.status === 'WARNING'
    ) {
      insight.insightStatus = {
        ...insight.insightStatus,
        status: 'ERROR',
        reason: `${insight.insightStatus.reason ?? 'The check warned'} The cluster is now at ${version}, one minor below ${next}.`,
      };
      insight.lastTransitionTime = at;
      insight.lastRefreshTime = at;
    }
  }
}

/**
 * StartInsightsRefresh: EKS re-runs its checks; the sandbox's insights are already
 * current (escalateInsights runs as versions change), so a refresh only stamps them.
 */
export function refreshInsights(world: ClusterWorld, at: string): void {
  for (const insight of world.snapshot.insights) insight.lastRefreshTime = at;
}
