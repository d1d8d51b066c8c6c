import {
  type AddonInfo,
  type AddonVersionInfo,
  type Compatibility,
  type EKSClient,
  paginateDescribeAddonVersions,
} from '@aws-sdk/client-eks';
import { hops, isKubernetesVersion } from '../../domain/version';
import type { Limiter } from '../concurrency';

/**
 * The Kubernetes versions whose add-on compatibility the plan needs: the current
 * one and each hop to the target. Without a target (or with one at or below the
 * current version) only the current version.
 */
export function versionsBetween(current: string, target?: string): string[] {
  if (!isKubernetesVersion(current)) return [];
  if (target === undefined || !isKubernetesVersion(target)) return [current];
  return [current, ...hops(current, target)];
}

/**
 * Reads DescribeAddonVersions for the installed add-ons only, one query per add-on
 * and Kubernetes version (the API filters by one of each), then trims the answer
 * to `clusterVersions`: the unfiltered catalogue is megabytes, this is kilobytes.
 */
export async function readAddonVersions(
  eks: EKSClient,
  addonNames: readonly string[],
  clusterVersions: readonly string[],
  limit: Limiter,
): Promise<AddonInfo[]> {
  const queries = addonNames.flatMap((addonName) =>
    clusterVersions.map((kubernetesVersion) => ({ addonName, kubernetesVersion })),
  );
  const pages = await Promise.all(
    queries.map((query) =>
      limit(async () => {
        const found: AddonInfo[] = [];
        for await (const page of paginateDescribeAddonVersions({ client: eks }, query)) {
          found.push(...(page.addons ?? []));
        }
        return found;
      }),
    ),
  );
  return trimAddonVersions(addonNames, pages.flat(), clusterVersions);
}

/**
 * Merges DescribeAddonVersions answers per add-on, keeping only compatibilities
 * with `clusterVersions` and only versions that keep at least one. Every name in
 * `addonNames` gets an entry, possibly with no versions: "EKS lists nothing
 * compatible" is data the planner must see, unlike a missing entry ("never asked").
 */
export function trimAddonVersions(
  addonNames: readonly string[],
  infos: readonly AddonInfo[],
  clusterVersions: readonly string[],
): AddonInfo[] {
  const keep = new Set(clusterVersions);
  const merged = new Map<string, { info: AddonInfo; versions: Map<string, AddonVersionInfo> }>();
  for (const name of addonNames) merged.set(name, { info: { addonName: name }, versions: new Map() });
  for (const info of infos) {
    if (info.addonName === undefined) continue;
    const entry = merged.get(info.addonName);
    // Not an installed add-on: the filter by name makes this rare, but never widen the snapshot.
    if (!entry) continue;
    entry.info = { ...entry.info, ...info };
    for (const version of info.addonVersions ?? []) {
      if (version.addonVersion === undefined) continue;
      const compatible = (version.compatibilities ?? []).filter(
        (c) => c.clusterVersion !== undefined && keep.has(c.clusterVersion),
      );
      if (compatible.length === 0) continue;
      const seen = entry.versions.get(version.addonVersion);
      entry.versions.set(version.addonVersion, {
        ...version,
        compatibilities: unionByClusterVersion(seen?.compatibilities ?? [], compatible),
      });
    }
  }
  return [...merged.values()].map(({ info, versions }) => ({
    ...info,
    addonVersions: [...versions.values()],
  }));
}

function unionByClusterVersion(a: readonly Compatibility[], b: readonly Compatibility[]): Compatibility[] {
  const byVersion = new Map<string | undefined, Compatibility>();
  for (const c of [...a, ...b]) byVersion.set(c.clusterVersion, c);
  return [...byVersion.values()];
}
