import fc from 'fast-check';
import type { EnvironmentSnapshot } from '../../lib/domain/snapshot';
import { maxKubeletSkew } from '../../lib/domain/version';
import { addon, addonInfo, minors, nodegroup, snapshot } from './snapshot-builder';

/**
 * Generated clusters: a control plane at 1.24-1.31, node groups within the skew
 * allowed now, and add-ons whose versions cover sliding windows of Kubernetes
 * versions (as EKS's data does), some with gaps. Every plan, blocked or not, must
 * keep the invariants of the planning rules; a ready plan must also reach the target.
 */
const ADDON_NAMES = ['vpc-cni', 'coredns', 'kube-proxy', 'aws-ebs-csi-driver'] as const;

const addonCatalogArb = (name: string) =>
  fc
    .array(
      fc.record({
        lo: fc.integer({ min: 20, max: 34 }),
        width: fc.integer({ min: 0, max: 4 }),
        dflt: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((entries) => {
      // Versions ascend with their windows, like real add-on releases.
      const sorted = [...entries].sort((a, b) => a.lo - b.lo);
      return addonInfo(
        name,
        sorted.map((e, i) => {
          const on = minors(e.lo, e.lo + e.width);
          return { v: `v1.${10 + i}.${i % 3}-eksbuild.1`, on, defaultOn: e.dflt ? on : [] };
        }),
      );
    });

export const clusterArb = fc
  .record({
    cp: fc.integer({ min: 24, max: 31 }),
    hopsAhead: fc.integer({ min: 0, max: 4 }),
    nodegroupLags: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 6 }),
    catalogs: fc.tuple(...ADDON_NAMES.map((n) => addonCatalogArb(n))),
    installed: fc.array(fc.boolean(), { minLength: ADDON_NAMES.length, maxLength: ADDON_NAMES.length }),
    pick: fc.array(fc.nat(), { minLength: ADDON_NAMES.length, maxLength: ADDON_NAMES.length }),
  })
  .map(({ cp, hopsAhead, nodegroupLags, catalogs, installed, pick }) => {
    const version = `1.${cp}`;
    const skew = maxKubeletSkew(version);
    const addons = catalogs.flatMap((info, i) => {
      if (!installed[i]) return [];
      const versions = info.addonVersions.map((v) => v.addonVersion);
      const chosen = versions[(pick[i] ?? 0) % versions.length] ?? 'v1.0.0-eksbuild.1';
      return [addon(info.addonName, chosen)];
    });
    const s: EnvironmentSnapshot = snapshot({
      version,
      nodegroups: nodegroupLags.map((lag, i) => nodegroup(`ng-${i}`, `1.${cp - Math.min(lag, skew)}`)),
      addons,
      addonVersions: catalogs,
    });
    return { s, target: `1.${Math.min(cp + hopsAhead, 34)}` };
  });

export function compatible(s: EnvironmentSnapshot, name: string, version: string, k: string): boolean {
  const info = s.addonVersions.find((a) => a.addonName === name);
  return (
    info?.addonVersions.some(
      (v) => v.addonVersion === version && v.compatibilities.some((c) => c.clusterVersion === k),
    ) ?? false
  );
}
