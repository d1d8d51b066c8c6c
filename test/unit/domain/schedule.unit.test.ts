import { MAX_PARALLEL_NODEGROUPS } from '../../../lib/domain/config';
import { firstOpenInstant, parseMaintenanceWindow } from '../../../lib/domain/maintenance-window';
import type { UpgradeStep } from '../../../lib/domain/plan-types';
import {
  budgetMinutes,
  EXECUTION_TIMEOUT,
  SCHEDULE_MARGIN,
  scheduledMinutes,
  scheduleProblem,
} from '../../../lib/domain/schedule';
import { executionTimeoutSeconds } from '../../../lib/sandbox/local-sfn/definition';
import { hopControlPlane, hopNodegroup, hopNodegroupsGate } from '../../support/hop-steps';

const ng = (name: string, minutes: number) => hopNodegroup(name, minutes);
const cp = hopControlPlane;
const gate = hopNodegroupsGate;

describe('scheduledMinutes', () => {
  it('one at a time, then the steps add up', () => {
    expect(scheduledMinutes([cp, ng('a', 10), ng('b', 20), gate], 1)).toBe(60);
  });

  it('node groups of one run overlap up to the limit; the control plane and a gate stay alone', () => {
    const steps = [cp, ng('a', 10), ng('b', 20), ng('c', 10), gate];
    // a and b together (20), c starts when a ends (10 + 10): the run takes 20.
    expect(scheduledMinutes(steps, 2)).toBe(25 + 20 + 5);
    expect(scheduledMinutes(steps, 3)).toBe(25 + 20 + 5);
  });

  it('an empty plan takes no time', () => {
    expect(scheduledMinutes([], 5)).toBe(0);
  });
});

describe('scheduleProblem', () => {
  const timeout = executionTimeoutSeconds();
  const hundred = Array.from({ length: 100 }, (_, i) => ng(`ng-${i}`, 60));

  it('reads the state machine file: 48 h less the margin', () => {
    expect(timeout).toBe(48 * 3600);
    expect(SCHEDULE_MARGIN).toBe(0.1);
    expect(budgetMinutes(timeout)).toBeCloseTo(48 * 60 * 0.9);
  });

  it('given a plan that fits, then no problem', () => {
    expect(scheduleProblem(hundred, { executionTimeoutSeconds: timeout, maxParallelNodegroups: 5 })).toBe(
      undefined,
    );
  });

  it('given a plan that does not fit, then EXECUTION_TIMEOUT naming the smallest parallelism that fits', () => {
    // 100 hours of node groups: 3 at a time is 34 h (fits 43.2 h), 2 at a time 50 h.
    const problem = scheduleProblem(hundred, { executionTimeoutSeconds: timeout, maxParallelNodegroups: 2 });
    expect(problem).toMatchObject({ code: EXECUTION_TIMEOUT, scheduledMinutes: 3000, fittingParallel: 3 });
    expect(problem?.message).toBe(
      'the plan takes about 50.0 h with maxParallelNodegroups 2, more than the 43.2 h an execution may take ' +
        "(the state machine's TimeoutSeconds, 172800 s, less 10 %); set execution/maxParallelNodegroups to 3 or more (it is 2)",
    );
  });

  it('given time already spent (a wait for approval), then only what is left counts, and the message says so', () => {
    // 3 at a time is 34 h: it fits 43.2 h, not the 31.2 h left after a 12 h wait for approval.
    const fresh = scheduleProblem(hundred, { executionTimeoutSeconds: timeout, maxParallelNodegroups: 3 });
    expect(fresh).toBeUndefined();
    const late = scheduleProblem(hundred, {
      executionTimeoutSeconds: timeout,
      maxParallelNodegroups: 3,
      elapsedSeconds: 12 * 3600,
    });
    expect(late).toMatchObject({ budgetMinutes: 43.2 * 60 - 12 * 60, fittingParallel: 4 });
    expect(late?.message).toContain('less 10 %, less the 12.0 h it has already run)');
  });

  it('given a plan no parallelism fits, then it says to request fewer hops', () => {
    const long = [cp, ng('a', 60 * 44), gate];
    const problem = scheduleProblem(long, { executionTimeoutSeconds: timeout, maxParallelNodegroups: 5 });
    expect(problem?.fittingParallel).toBeUndefined();
    expect(problem?.message).toContain(
      `no execution/maxParallelNodegroups up to ${MAX_PARALLEL_NODEGROUPS} fits: request fewer hops at a time`,
    );
  });
});

describe('the schedule with a maintenance window', () => {
  const timeout = executionTimeoutSeconds();
  const hop = (from: string, to: string, groups: number): UpgradeStep[] => [
    { ...cp, id: `control-plane:${to}`, hop: to as UpgradeStep['hop'], from, to: to as UpgradeStep['hop'] },
    ...Array.from({ length: groups }, (_, i) => ({
      ...ng(`ng-${i}`, 30),
      id: `ng-${i}:${to}`,
      hop: to as UpgradeStep['hop'],
    })),
    { ...gate, id: `gate:${to}`, hop: to as UpgradeStep['hop'] },
  ];
  const threeHops = [...hop('1.29', '1.30', 2), ...hop('1.30', '1.31', 2), ...hop('1.31', '1.32', 2)];
  // Saturday 2026-11-28 10:00Z.
  const startsAt = new Date('2026-11-28T10:00:00.000Z');

  it('each hop waits for the window; steps of a hop started keep going', () => {
    // Every day 10:00-10:30 UTC: each hop (25 + 30 + 30 + 5 = 90 min one at a time) starts at 10:00 a day apart.
    const window = parseMaintenanceWindow({ hours: '10:00-10:30' });
    const hold = (m: number) =>
      (firstOpenInstant(startsAt.getTime() + m * 60_000, window) - startsAt.getTime()) / 60_000;
    expect(scheduledMinutes(threeHops, 1, hold)).toBe(2 * 24 * 60 + 90);
    // Without a window: back to back.
    expect(scheduledMinutes(threeHops, 1)).toBe(270);
  });

  it('a window open all the time changes nothing', () => {
    const always = parseMaintenanceWindow({ hours: '00:00-24:00' });
    const hold = (m: number) =>
      (firstOpenInstant(startsAt.getTime() + m * 60_000, always) - startsAt.getTime()) / 60_000;
    expect(scheduledMinutes(threeHops, 1, hold)).toBe(scheduledMinutes(threeHops, 1));
    expect(
      scheduleProblem(threeHops, {
        executionTimeoutSeconds: 6 * 3600,
        maxParallelNodegroups: 1,
        window: { window: always, startsAt },
      }),
    ).toBeUndefined();
  });

  it('given three hops and a window of an hour a week, then EXECUTION_TIMEOUT says to widen the window', () => {
    const weekly = parseMaintenanceWindow({ days: 'SAT', hours: '10:00-11:00' });
    const problem = scheduleProblem(threeHops, {
      executionTimeoutSeconds: timeout,
      maxParallelNodegroups: 5,
      window: { window: weekly, startsAt },
    });
    expect(problem?.code).toBe(EXECUTION_TIMEOUT);
    expect(problem?.fittingParallel).toBeUndefined();
    expect(problem?.message).toContain('each hop starting in the maintenance window SAT 10:00-11:00 UTC');
    expect(problem?.message).toContain(
      'widen the maintenance window (maintenanceWindow/days or maintenanceWindow/hours)',
    );
  });

  it('given a wide enough window, then the same plan fits', () => {
    const weekend = parseMaintenanceWindow({ days: 'SAT-SUN', hours: '00:00-24:00' });
    expect(
      scheduleProblem(threeHops, {
        executionTimeoutSeconds: timeout,
        maxParallelNodegroups: 5,
        window: { window: weekend, startsAt },
      }),
    ).toBeUndefined();
  });
});
