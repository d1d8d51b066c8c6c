import type { EnvironmentSnapshot } from '../domain/snapshot';
import type { SandboxState } from './eks/state';

/** The cluster after a sandbox run, by version: what was reverted and what was kept. */
export interface FinalState {
  readonly controlPlane: string;
  /** Node group name -> Kubernetes version (replacement groups under their own names). */
  readonly nodegroups: Readonly<Record<string, string>>;
  /** Add-on name -> add-on version. */
  readonly addons: Readonly<Record<string, string>>;
  /** Blue/green: every cluster of the world (deleted ones too) with its version and status. */
  readonly clusters?: Readonly<Record<string, { readonly version: string; readonly status: string }>>;
  /** Blue/green: the weighted record's weights, by set identifier (cluster name). */
  readonly trafficWeights?: Readonly<Record<string, number>>;
}

/** The clusters and the weighted record of a blue/green run, from the world's state. */
export function blueGreenFinalState(
  state: SandboxState,
  recordName: string,
): Pick<FinalState, 'clusters' | 'trafficWeights'> {
  const clusters: Record<string, { version: string; status: string }> = {};
  for (const [name, world] of Object.entries(state.clusters)) {
    clusters[name] = { version: world.snapshot.cluster.version, status: world.snapshot.cluster.status };
  }
  for (const [name, gone] of Object.entries(state.deletedClusters))
    clusters[name] = { version: gone.version, status: 'DELETED' };
  const trafficWeights: Record<string, number> = {};
  for (const zone of Object.values(state.hostedZones)) {
    for (const r of zone.records) {
      if (r.name === recordName && r.setIdentifier !== undefined)
        trafficWeights[r.setIdentifier] = r.weight ?? 0;
    }
  }
  return { clusters, trafficWeights };
}

/** The report's finalState from the world's snapshot of the cluster. */
export function finalState(after: EnvironmentSnapshot): FinalState {
  return {
    controlPlane: after.cluster.version,
    nodegroups: Object.fromEntries(after.nodegroups.map((ng) => [ng.nodegroupName, ng.version])),
    addons: Object.fromEntries(after.addons.map((a) => [a.addonName, a.addonVersion])),
  };
}
