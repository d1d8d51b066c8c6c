import type { EnvironmentSnapshot } from '../../domain/snapshot';
import { hops, isKubernetesVersion } from '../../domain/version';
import type { UpdateState } from '../../ports';
import type { ClusterWorld, SimUpdate } from './state';

/** EKS's Update object, as UpdateClusterVersion, UpdateAddon, ... and DescribeUpdate return it. */
export interface EksUpdate {
  readonly id: string;
  readonly status: UpdateState;
  readonly type: SimUpdate['type'];
  readonly params: readonly { readonly type: string; readonly value: string }[];
  readonly createdAt: Date;
  readonly errors: readonly {
    readonly errorCode: string;
    readonly errorMessage: string;
    readonly resourceIds: string[];
  }[];
}

/** The Update EKS shows for a recorded update: errors only once it has failed. */
export function toEksUpdate(update: SimUpdate): EksUpdate {
  const status: UpdateState = update.settled ? update.result : 'InProgress';
  return {
    id: update.id,
    status,
    type: update.type,
    params: update.params.map((p) => ({ ...p })),
    createdAt: new Date(update.createdAt),
    errors:
      status === 'Failed' || status === 'Cancelled'
        ? update.errors.map((e) => ({
            errorCode: e.code,
            errorMessage: e.message,
            resourceIds: [...e.resourceIds],
          }))
        : [],
  };
}

/**
 * The cluster as the AWS snapshot reader would capture it now: installed add-ons
 * only, their compatibility data trimmed to the current version and each hop to
 * `targetVersion` (the current version alone without one), insights of every
 * category, support dates for those versions only. The world itself keeps
 * everything, since its rules need the full catalogue.
 */
export function snapshotView(world: ClusterWorld, now: Date, targetVersion?: string): EnvironmentSnapshot {
  const snapshot = structuredClone(world.snapshot);
  const current = snapshot.cluster.version;
  const versions = new Set(
    targetVersion !== undefined && isKubernetesVersion(targetVersion)
      ? [current, ...hops(current, targetVersion)]
      : [current],
  );
  const catalogue = new Map(snapshot.addonVersions.map((info) => [info.addonName, info]));
  const addonVersions = snapshot.addons.map((addon) => {
    const info = catalogue.get(addon.addonName) ?? { addonName: addon.addonName, addonVersions: [] };
    return {
      ...info,
      addonVersions: info.addonVersions
        .map((v) => ({
          ...v,
          compatibilities: v.compatibilities.filter((c) => versions.has(c.clusterVersion)),
        }))
        .filter((v) => v.compatibilities.length > 0),
    };
  });
  const view: EnvironmentSnapshot = {
    ...snapshot,
    capturedAt: now.toISOString(),
    addonVersions,
  };
  if (snapshot.clusterVersions) {
    view.clusterVersions = snapshot.clusterVersions.filter((v) => versions.has(v.clusterVersion));
  }
  return view;
}
