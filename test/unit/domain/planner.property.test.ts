import fc from 'fast-check';
import { compareAddonVersions, parseAddonVersion } from '../../../lib/domain/addon-version';
import { reason } from '../../../lib/domain/reason';
import type { EnvironmentSnapshot } from '../../../lib/domain/snapshot';
import { maxKubeletSkew, minorsBehind } from '../../../lib/domain/version';
import { addon, addonInfo, minors, nodegroup, snapshot } from '../../support/snapshot-builder';

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

const clusterArb = fc
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

function compatible(s: EnvironmentSnapshot, name: string, version: string, k: string): boolean {
  const info = s.addonVersions.find((a) => a.addonName === name);
  return (
    info?.addonVersions.some(
      (v) => v.addonVersion === version && v.compatibilities.some((c) => c.clusterVersion === k),
    ) ?? false
  );
}

describe('planner invariants (property-based)', () => {
  test('every plan keeps the version rules at every moment', () => {
    fc.assert(
      fc.property(clusterArb, ({ s, target }) => {
        const plan = reason(s, { targetVersion: target, strategy: 'in_place', force: false });
        let cp = s.cluster.version;
        const ng = new Map(s.nodegroups.map((n) => [n.nodegroupName, n.version]));
        const addons = new Map(s.addons.map((a) => [a.addonName, a.addonVersion]));
        const blockedAddons = new Set(
          plan.findings
            .filter((f) => f.severity === 'block' && f.code.startsWith('ADDON'))
            .map((f) => f.resource),
        );
        for (const step of plan.steps) {
          switch (step.kind) {
            case 'control-plane':
              expect(step.from).toBe(cp);
              expect(minorsBehind(step.from, step.to)).toBe(1);
              // EKS refuses UpdateClusterVersion while a managed node group trails the cluster.
              for (const v of ng.values()) expect(v).toBe(step.from);
              cp = step.to;
              for (const v of ng.values()) {
                expect(minorsBehind(v, cp)).toBeGreaterThanOrEqual(0);
                expect(minorsBehind(v, cp)).toBeLessThanOrEqual(maxKubeletSkew(cp));
              }
              break;
            case 'nodegroup':
              expect(step.from).toBe(ng.get(step.name));
              expect(minorsBehind(step.to, cp)).toBeGreaterThanOrEqual(0);
              ng.set(step.name, step.to);
              break;
            case 'addon': {
              expect(step.from).toBe(addons.get(step.name));
              expect(compareAddonVersions(step.to, step.from)).toBeGreaterThan(0);
              expect(compatible(s, step.name, step.to, cp)).toBe(true);
              // Every EKS add-on moves one minor version at a time (Best Practices).
              const a = parseAddonVersion(step.from);
              const b = parseAddonVersion(step.to);
              if (a && b && a.major === b.major) expect(b.minor - a.minor).toBeLessThanOrEqual(1);
              addons.set(step.name, step.to);
              break;
            }
            default:
              throw new Error(`unexpected step kind ${step.kind} in an in-place plan`);
          }
        }
        expect(plan.estimatedMinutes).toBe(plan.steps.reduce((sum, st) => sum + st.estimatedMinutes, 0));
        expect(new Set(plan.steps.map((st) => st.id)).size).toBe(plan.steps.length);
        if (plan.findings.some((f) => f.code === 'TARGET_UNKNOWN' || f.code === 'TARGET_BELOW_CURRENT'))
          return;
        expect(cp).toBe(target);
        for (const v of ng.values()) expect(v).toBe(target);
        for (const [name, version] of addons) {
          if (!blockedAddons.has(name)) expect(compatible(s, name, version, target)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('the plan is a pure function of its input', () => {
    fc.assert(
      fc.property(clusterArb, ({ s, target }) => {
        const request = { targetVersion: target, strategy: 'in_place' as const, force: false };
        expect(reason(s, request)).toEqual(reason(structuredClone(s), request));
      }),
      { numRuns: 100 },
    );
  });
});
