import fc from 'fast-check';
import { gatePlan } from '../../../lib/domain/gated-plan';
import { mayStart, type StepInFlight } from '../../../lib/domain/parallel-steps';
import { DEFAULT_POLICY, type UpgradeStep } from '../../../lib/domain/plan-types';
import { reason } from '../../../lib/domain/reason';
import { compareVersions } from '../../../lib/domain/version';
import { type GeneratedGroup, gatedCluster, groupsArb } from '../../support/gated-cluster';

/**
 * Generated gated plans (1-3 hops, 0-12 node groups, some behind) run by a scheduler
 * that starts whatever mayStart allows and finishes updates in an order fast-check
 * picks. At every moment: EKS's rules hold (one update per resource, nothing beside a
 * control-plane or add-on update, no node group newer than the control plane), the
 * canary of each hop moves alone, no gate is reached with anything in flight, and no
 * more than the limit run together.
 */
const arb = fc.record({
  minor: fc.integer({ min: 25, max: 29 }),
  hops: fc.integer({ min: 1, max: 3 }),
  groups: groupsArb(12),
  limit: fc.integer({ min: 1, max: 6 }),
  picks: fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
});

function plannedSteps(minor: number, hops: number, groups: GeneratedGroup[]) {
  const cluster = gatedCluster(minor, groups);
  const plan = reason(cluster, { targetVersion: `1.${minor + hops}`, strategy: 'in_place', force: false });
  return { cluster, steps: gatePlan(plan, cluster, DEFAULT_POLICY).steps };
}

const isCanary = (steps: readonly UpgradeStep[], i: number) =>
  steps[i]?.kind === 'nodegroup' && steps[i - 1]?.kind === 'gate' && steps[i + 1]?.id.endsWith(':canary');

describe('mayStart (properties)', () => {
  it('a run of the gated plan keeps EKS rules, the canary alone and the limit, and reaches every step', () => {
    fc.assert(
      fc.property(arb, ({ minor, hops, groups, limit, picks }) => {
        const { cluster, steps } = plannedSteps(minor, hops, groups);
        let cp = cluster.cluster.version;
        let next = 0;
        let inFlight: StepInFlight[] = [];
        let peak = 0;
        let pick = 0;
        const done: string[] = [];
        while (next < steps.length || inFlight.length > 0) {
          while (mayStart(steps, next, inFlight, limit)) {
            const step = steps[next] as UpgradeStep;
            inFlight = [...inFlight, { index: next, step }];
            next += 1;
          }
          peak = Math.max(peak, inFlight.length);
          expect(inFlight.length).toBeLessThanOrEqual(limit);
          const names = inFlight.map((f) => ('name' in f.step ? f.step.name : f.step.kind));
          expect(new Set(names).size).toBe(names.length);
          if (inFlight.length > 1) {
            expect(inFlight.every((f) => f.step.kind === 'nodegroup')).toBe(true);
            expect(inFlight.some((f) => isCanary(steps, f.index))).toBe(false);
          }
          for (const f of inFlight) {
            if (f.step.kind === 'nodegroup') expect(compareVersions(f.step.to, cp)).toBeLessThanOrEqual(0);
          }
          const step = steps[next];
          if (inFlight.length === 0 && step?.kind === 'gate') {
            done.push(step.id);
            next += 1;
            continue;
          }
          // Finish one update in flight, in an order the generator picks.
          const at = (picks[pick++ % picks.length] ?? 0) % inFlight.length;
          const ended = inFlight[at] as StepInFlight;
          if (ended.step.kind === 'control-plane') cp = ended.step.to;
          done.push(ended.step.id);
          inFlight = inFlight.filter((_, i) => i !== at);
        }
        expect([...done].sort()).toEqual(steps.map((s) => s.id).sort());
        const nodegroupRun = Math.max(
          0,
          ...steps.map((_, i) => {
            let n = 0;
            while (steps[i + n]?.kind === 'nodegroup') n += 1;
            return n;
          }),
        );
        expect(peak).toBe(Math.max(1, Math.min(limit, nodegroupRun)));
      }),
    );
  });
});
