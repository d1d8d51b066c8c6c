import { MAX_PARALLEL_NODEGROUPS } from '../../../lib/domain/config';
import { parseMaintenanceWindow } from '../../../lib/domain/maintenance-window';
import type { UpgradeStep } from '../../../lib/domain/plan-types';
import { EXECUTION_TIMEOUT, scheduledMinutes, scheduleProblem } from '../../../lib/domain/schedule';
import type { KubernetesVersion } from '../../../lib/domain/version';
import { hopControlPlane, hopNodegroup } from '../../support/hop-steps';

/** The schedule at its boundaries: exact fits, the last steps in flight, hops held for a window. */
const cp = hopControlPlane;
const ng = (name: string, minutes: number, hop: KubernetesVersion = '1.31'): UpgradeStep => ({
  ...hopNodegroup(name, minutes),
  hop,
});
// 6,000 s less the 10 % margin: 90 minutes.
const ninety = { executionTimeoutSeconds: 6000, maxParallelNodegroups: 1 };

describe('scheduledMinutes at its edges', () => {
  it('given node groups still in flight at the end, then the plan lasts until the longest ends', () => {
    expect(scheduledMinutes([cp, ng('a', 5), ng('b', 10)], 2)).toBe(25 + 10);
    expect(scheduledMinutes([ng('a', 10), ng('b', 5)], 2)).toBe(10);
  });

  it('given a hold, then the first step of the next hop waits for the last of the previous one, then for the hold', () => {
    const steps = [ng('a', 10, '1.30'), ng('b', 10, '1.31')];
    expect(scheduledMinutes(steps, 2)).toBe(10);
    expect(scheduledMinutes(steps, 2, (m) => m)).toBe(20);
    // Both hops' first steps wait: a until 30, b until a ends (40).
    expect(scheduledMinutes(steps, 2, (m) => Math.max(m, 30))).toBe(50);
  });
});

describe('scheduleProblem at its edges', () => {
  it('given a plan of exactly the budget, then it fits; a minute more does not, under its code', () => {
    expect(scheduleProblem([ng('a', 90)], ninety)).toBeUndefined();
    const problem = scheduleProblem([ng('a', 91)], ninety);
    expect(problem?.code).toBe('EXECUTION_TIMEOUT');
    expect(EXECUTION_TIMEOUT).toBe('EXECUTION_TIMEOUT');
    // Nothing fits: the answer has no fittingParallel at all, not one set to undefined.
    expect(problem !== undefined && 'fittingParallel' in problem).toBe(false);
  });

  it('given a parallelism that fits exactly, or only at the maximum, then that one is named', () => {
    const two = [ng('a', 45), ng('b', 45), ng('c', 45), ng('d', 45)];
    expect(scheduleProblem(two, ninety)?.fittingParallel).toBe(2);
    const many = Array.from({ length: MAX_PARALLEL_NODEGROUPS }, (_, i) => ng(`ng-${i}`, 90));
    const problem = scheduleProblem(many, ninety);
    expect(problem?.fittingParallel).toBe(MAX_PARALLEL_NODEGROUPS);
    expect(problem?.message).toContain(
      `set execution/maxParallelNodegroups to ${MAX_PARALLEL_NODEGROUPS} or more (it is 1)`,
    );
  });

  it('given a minute already run, then the message counts it as run', () => {
    const problem = scheduleProblem([ng('a', 95)], { ...ninety, elapsedSeconds: 60 });
    expect(problem?.budgetMinutes).toBe(89);
    expect(problem?.message).toContain('more than the 1.5 h the execution has left (');
    expect(problem?.message).toContain('less 10 %, less the 0.0 h it has already run); ');
    const fresh = scheduleProblem([ng('a', 95)], { ...ninety, elapsedSeconds: 59 });
    expect(fresh?.message).toContain('more than the 1.5 h an execution may take (');
    expect(fresh?.message).not.toContain('already run');
  });

  it('given a window that alone makes the plan too long, then it is blamed; a plan too long without it is not', () => {
    // Mondays 10:00-11:00 UTC; the execution starts on a Tuesday.
    const window = {
      window: parseMaintenanceWindow({ days: 'mon', hours: '10:00-11:00' }),
      startsAt: new Date('2026-12-01T12:00:00Z'),
    };
    const blamed = scheduleProblem([ng('a', 30)], { ...ninety, window });
    expect(blamed?.message).toContain('widen the maintenance window');
    const exact = scheduleProblem([ng('a', 90)], { ...ninety, window });
    expect(exact?.message).toContain('widen the maintenance window');
    const long = scheduleProblem([ng('a', 91)], { ...ninety, window });
    expect(long?.message).toContain('no execution/maxParallelNodegroups up to 50 fits');
  });
});
