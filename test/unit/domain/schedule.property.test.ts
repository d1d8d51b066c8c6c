import fc from 'fast-check';
import { MAX_PARALLEL_NODEGROUPS } from '../../../lib/domain/config';
import { gatePlan } from '../../../lib/domain/gated-plan';
import { DEFAULT_POLICY } from '../../../lib/domain/plan-types';
import { reason } from '../../../lib/domain/reason';
import { budgetMinutes, scheduledMinutes, scheduleProblem } from '../../../lib/domain/schedule';
import { gatedCluster, groupsArb } from '../../support/gated-cluster';

/** Generated gated plans (1-3 hops, 0-12 node groups): the schedule's bounds and the guard's answer. */
const arb = fc.record({
  minor: fc.integer({ min: 25, max: 29 }),
  hops: fc.integer({ min: 1, max: 3 }),
  groups: groupsArb(12),
  limit: fc.integer({ min: 1, max: 8 }),
  timeoutHours: fc.integer({ min: 1, max: 12 }),
});

function steps(minor: number, hops: number, groups: Parameters<typeof gatedCluster>[1]) {
  const cluster = gatedCluster(minor, groups);
  const plan = reason(cluster, { targetVersion: `1.${minor + hops}`, strategy: 'in_place', force: false });
  return gatePlan(plan, cluster, DEFAULT_POLICY).steps;
}

describe('schedule (properties)', () => {
  it('lies between the longest step and the sum of the steps; one at a time is the sum; more parallelism never hurts', () => {
    fc.assert(
      fc.property(arb, ({ minor, hops, groups, limit }) => {
        const plan = steps(minor, hops, groups);
        const sum = plan.reduce((a, s) => a + s.estimatedMinutes, 0);
        const longest = Math.max(0, ...plan.map((s) => s.estimatedMinutes));
        const minutes = scheduledMinutes(plan, limit);
        expect(scheduledMinutes(plan, 1)).toBe(sum);
        expect(minutes).toBeLessThanOrEqual(sum);
        expect(minutes).toBeGreaterThanOrEqual(longest);
        expect(scheduledMinutes(plan, limit + 1)).toBeLessThanOrEqual(minutes);
      }),
    );
  });

  it('refuses exactly the plans over the budget, and the parallelism it names fits', () => {
    fc.assert(
      fc.property(arb, ({ minor, hops, groups, limit, timeoutHours }) => {
        const plan = steps(minor, hops, groups);
        const executionTimeoutSeconds = timeoutHours * 3600;
        const budget = { executionTimeoutSeconds, maxParallelNodegroups: limit };
        const problem = scheduleProblem(plan, budget);
        const fits = scheduledMinutes(plan, limit) <= budgetMinutes(executionTimeoutSeconds);
        expect(problem === undefined).toBe(fits);
        if (problem?.fittingParallel !== undefined) {
          expect(problem.fittingParallel).toBeGreaterThan(limit);
          expect(
            scheduleProblem(plan, {
              executionTimeoutSeconds,
              maxParallelNodegroups: problem.fittingParallel,
            }),
          ).toBeUndefined();
          if (problem.fittingParallel > limit + 1) {
            const less = { executionTimeoutSeconds, maxParallelNodegroups: problem.fittingParallel - 1 };
            expect(scheduleProblem(plan, less)).toBeDefined();
          }
        } else if (problem) {
          const most = { executionTimeoutSeconds, maxParallelNodegroups: MAX_PARALLEL_NODEGROUPS };
          expect(scheduleProblem(plan, most)).toBeDefined();
        }
      }),
    );
  });
});
