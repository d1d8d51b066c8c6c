import fc from 'fast-check';
import type { EnvironmentSnapshot } from '../../lib/domain/snapshot';
import { addon, addonInfo, minors, nodegroup, snapshot } from './snapshot-builder';

/** A node group of a generated cluster: how many minors behind the control plane, and its size. */
export interface GeneratedGroup {
  behind: number;
  size: number;
}

/** Generated node groups 0-2 minors behind, 1-9 nodes, at most `maxLength` of them. */
export const groupsArb = (maxLength: number) =>
  fc.array(fc.record({ behind: fc.integer({ min: 0, max: 2 }), size: fc.integer({ min: 1, max: 9 }) }), {
    maxLength,
  });

/**
 * A cluster at 1.`minor` with the given node groups (ng0, ng1, …), kube-proxy (one build
 * per minor, from three below to three above) and coredns (one build for every minor):
 * the shape the gated-plan properties upgrade one to three hops.
 */
export function gatedCluster(minor: number, groups: readonly GeneratedGroup[]): EnvironmentSnapshot {
  const version = `1.${minor}`;
  return snapshot({
    version,
    nodegroups: groups.map((g, i) =>
      nodegroup(`ng${i}`, `1.${minor - g.behind}`, { scalingConfig: { desiredSize: g.size } }),
    ),
    addons: [addon('kube-proxy', `v${version}.0-eksbuild.1`), addon('coredns', 'v1.11.1-eksbuild.1')],
    addonVersions: [
      addonInfo(
        'kube-proxy',
        minors(minor - 3, minor + 3).map((k) => ({ v: `v${k}.0-eksbuild.1`, on: [k], defaultOn: [k] })),
      ),
      addonInfo('coredns', [{ v: 'v1.11.1-eksbuild.1', on: minors(20, 35), defaultOn: minors(20, 35) }]),
    ],
  });
}
