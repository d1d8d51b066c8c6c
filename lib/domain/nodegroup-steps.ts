import { nodegroupMinutes } from './estimates';
import type { PlanningPolicy, UpgradeStep } from './plan-types';
import type { Nodegroup } from './snapshot';
import type { KubernetesVersion } from './version';

/** Builds node-group steps for one plan, remembering where each step leaves its group. */
export interface NodegroupStepper {
  /** The group's version once the steps built so far have run. */
  versionOf(ng: Nodegroup): string;
  /** A step moving `ng` from where the plan has left it to `to`, in hop `hop`. */
  move(ng: Nodegroup, hop: KubernetesVersion, to: string): UpgradeStep;
}

/**
 * Each step starts where the previous one left the group, so a group moved before a
 * hop and again after it never has two steps from its snapshot version.
 */
export function nodegroupStepper(nodegroups: readonly Nodegroup[], policy: PlanningPolicy): NodegroupStepper {
  const versions = new Map(nodegroups.map((ng) => [ng.nodegroupName, ng.version]));
  const versionOf = (ng: Nodegroup) => versions.get(ng.nodegroupName) ?? ng.version;
  return {
    versionOf,
    move(ng, hop, to) {
      const from = versionOf(ng);
      versions.set(ng.nodegroupName, to);
      return {
        kind: 'nodegroup',
        id: `nodegroup:${ng.nodegroupName}:${to}`,
        name: ng.nodegroupName,
        hop,
        from,
        to,
        estimatedMinutes: nodegroupMinutes(ng, policy),
      };
    },
  };
}
