import type { EnvironmentSnapshot } from '../domain/snapshot';

/** The cluster after a sandbox run, by version: what was reverted and what was kept. */
export interface FinalState {
  readonly controlPlane: string;
  /** Node group name -> Kubernetes version (replacement groups under their own names). */
  readonly nodegroups: Readonly<Record<string, string>>;
  /** Add-on name -> add-on version. */
  readonly addons: Readonly<Record<string, string>>;
}

/** The report's finalState from the world's snapshot of the cluster. */
export function finalState(after: EnvironmentSnapshot): FinalState {
  return {
    controlPlane: after.cluster.version,
    nodegroups: Object.fromEntries(after.nodegroups.map((ng) => [ng.nodegroupName, ng.version])),
    addons: Object.fromEntries(after.addons.map((a) => [a.addonName, a.addonVersion])),
  };
}
