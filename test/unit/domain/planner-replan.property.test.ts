import fc from 'fast-check';
import { compareAddonVersions } from '../../../lib/domain/addon-version';
import type { UpgradeStep } from '../../../lib/domain/plan-types';
import { reason } from '../../../lib/domain/reason';
import type { EnvironmentSnapshot } from '../../../lib/domain/snapshot';
import { compareVersions, maxKubeletSkew, minorsBehind } from '../../../lib/domain/version';
import { clusterArb, compatible } from '../../support/cluster-arbitrary';
import { propertyRuns } from '../../support/property-runs';

/**
 * The plan rebuilt from the cluster as the first steps left it (an execution that
 * resumes, or a request sent again mid-upgrade): its control-plane and node-group
 * steps are the rest of the same plan, nothing is done twice or moved backwards,
 * and it ends where the plan ends for the control plane and node groups. Add-on
 * steps may be fewer: a one-minor-at-a-time chain towards the newest compatible
 * version can pass through a version that already runs on the control plane, and
 * a plan rebuilt there stops (both ends are compatible). At every moment of a ready
 * plan, node groups never run newer than the control plane nor trail it beyond the
 * kubelet skew, and every add-on without a finding (kube-proxy aside) runs on the control plane's version.
 */
const inPlace = (targetVersion: string) => ({ targetVersion, strategy: 'in_place' as const, force: false });

/** The snapshot after `step` has run: what a fresh perception would read. */
function apply(s: EnvironmentSnapshot, step: UpgradeStep): EnvironmentSnapshot {
  switch (step.kind) {
    case 'control-plane':
      return { ...s, cluster: { ...s.cluster, version: step.to } };
    case 'nodegroup':
      return {
        ...s,
        nodegroups: s.nodegroups.map((ng) =>
          ng.nodegroupName === step.name ? { ...ng, version: step.to } : ng,
        ),
      };
    case 'addon':
      return {
        ...s,
        addons: s.addons.map((a) => (a.addonName === step.name ? { ...a, addonVersion: step.to } : a)),
      };
    default:
      throw new Error(`unexpected step kind ${step.kind} in an in-place plan`);
  }
}

const shape = (steps: readonly UpgradeStep[]) =>
  steps.map(({ id, kind, from, to }) => ({ id, kind, from, to }));

const readyPlanArb = clusterArb
  .map(({ s, target }) => ({ s, target, plan: reason(s, inPlace(target)) }))
  .filter(({ plan }) => plan.verdict === 'ready' && plan.steps.length > 0)
  .chain((c) => fc.record({ c: fc.constant(c), done: fc.integer({ min: 0, max: c.plan.steps.length }) }));

describe('re-planning mid-upgrade (property-based)', () => {
  test('the plan rebuilt after any number of steps is the rest of the plan', () => {
    fc.assert(
      fc.property(readyPlanArb, ({ c: { s, target, plan }, done }) => {
        const mid = plan.steps.slice(0, done).reduce(apply, s);
        const replanned = reason(mid, inPlace(target));
        // Known gap: from a version in the middle of a one-minor chain, generated catalogs can
        // leave no version of the next minor that runs where the rebuilt chain needs it
        // (ADDON_MINOR_GAP). Real catalogs list one per minor; addon-resume.unit.test.ts
        // covers the real case (kube-proxy a minor behind after a control-plane update).
        const blocks = replanned.findings.filter((f) => f.severity === 'block');
        fc.pre(!blocks.some((f) => f.code === 'ADDON_MINOR_GAP'));
        expect(blocks).toEqual([]);
        const infra = (steps: readonly UpgradeStep[]) => shape(steps.filter((st) => st.kind !== 'addon'));
        expect(infra(replanned.steps)).toEqual(infra(plan.steps.slice(done)));
        const doneIds = new Set(plan.steps.slice(0, done).map((st) => st.id));
        const versions = new Map(mid.addons.map((a) => [a.addonName, a.addonVersion]));
        for (const step of replanned.steps) {
          expect(doneIds.has(step.id)).toBe(false);
          if (step.kind !== 'addon') continue;
          expect(step.from).toBe(versions.get(step.name));
          expect(compareAddonVersions(step.to, step.from)).toBeGreaterThan(0);
          versions.set(step.name, step.to);
        }
      }),
      { numRuns: propertyRuns(100) },
    );
  });

  test('a cluster that ran the whole plan needs no step', () => {
    fc.assert(
      fc.property(readyPlanArb, ({ c: { s, target, plan } }) => {
        const end = plan.steps.reduce(apply, s);
        expect(end.cluster.version).toBe(target);
        expect(reason(end, inPlace(target)).steps).toEqual([]);
      }),
      { numRuns: propertyRuns(60) },
    );
  });

  test('at every moment node groups are within the skew below the control plane and add-ons run on it', () => {
    fc.assert(
      fc.property(readyPlanArb, ({ c: { s, plan } }) => {
        const flagged = new Set(
          plan.findings.filter((f) => f.code.startsWith('ADDON')).map((f) => f.resource),
        );
        // kube-proxy follows the control plane by design: it moves right after each hop.
        const checked = s.addons.filter(
          (a) =>
            a.addonName !== 'kube-proxy' &&
            !flagged.has(a.addonName) &&
            compatible(s, a.addonName, a.addonVersion, s.cluster.version),
        );
        let now = s;
        for (const step of plan.steps) {
          now = apply(now, step);
          const cp = now.cluster.version;
          for (const ng of now.nodegroups) {
            expect(compareVersions(ng.version, cp)).toBeLessThanOrEqual(0);
            expect(minorsBehind(ng.version, cp)).toBeLessThanOrEqual(maxKubeletSkew(cp));
          }
          for (const { addonName } of checked) {
            const version = now.addons.find((a) => a.addonName === addonName)?.addonVersion ?? '';
            expect(compatible(s, addonName, version, cp)).toBe(true);
          }
        }
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});
