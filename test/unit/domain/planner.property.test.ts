import fc from 'fast-check';
import { compareAddonVersions, parseAddonVersion } from '../../../lib/domain/addon-version';
import { reason } from '../../../lib/domain/reason';
import { maxKubeletSkew, minorsBehind } from '../../../lib/domain/version';
import { clusterArb, compatible } from '../../support/cluster-arbitrary';
import { propertyRuns } from '../../support/property-runs';

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
      { numRuns: propertyRuns(400) },
    );
  });

  test('the plan is a pure function of its input', () => {
    fc.assert(
      fc.property(clusterArb, ({ s, target }) => {
        const request = { targetVersion: target, strategy: 'in_place' as const, force: false };
        expect(reason(s, request)).toEqual(reason(structuredClone(s), request));
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});
