import { MAX_PARALLEL_NODEGROUPS } from './config';
import { describeWindow, firstOpenInstant, type MaintenanceWindow, opensHop } from './maintenance-window';
import { mayStart, type StepInFlight } from './parallel-steps';
import type { UpgradeStep } from './plan-types';

/**
 * Whether a plan fits in one execution. The state machine stops an execution at its
 * TimeoutSeconds (statemachines/upgrade.asl.yml, 48 h) wherever it is, mid-hop, with
 * no Catch run: nothing rolls back and the cluster lock stays until it expires. So a
 * plan whose estimate does not fit is refused before its first step, with the
 * `execution/maxParallelNodegroups` that would make it fit.
 */

/**
 * Share of the execution's time kept free: detection latency (under 2 % of a step on
 * average, lib/domain/detection.ts), Lambda and Wait overhead, and updates that take
 * longer than their estimate.
 */
export const SCHEDULE_MARGIN = 0.1;

/** The named refusal: PlanBlockedError's code. */
export const EXECUTION_TIMEOUT = 'EXECUTION_TIMEOUT';

/**
 * Minutes the steps take when each lasts its estimate and they start as the execution
 * phase starts them (lib/domain/parallel-steps.ts): in plan order, node-group updates
 * of one run together up to `limit`, everything else alone, a gate once nothing is in
 * flight. With `holdUntil` (minutes from the start to minutes from the start), the first
 * step of each hop waits, with nothing in flight, until then: a maintenance window.
 */
export function scheduledMinutes(
  steps: readonly UpgradeStep[],
  limit: number,
  holdUntil?: (minutes: number) => number,
): number {
  let now = 0;
  let next = 0;
  let running: (StepInFlight & { readonly end: number })[] = [];
  while (next < steps.length || running.length > 0) {
    // mayStart is false past the last step.
    while (mayStart(steps, next, running, limit)) {
      if (holdUntil && opensHop(steps, next)) {
        if (running.length > 0) break;
        now = Math.max(now, holdUntil(now));
      }
      const step = steps[next] as UpgradeStep;
      running.push({ index: next, step, end: now + step.estimatedMinutes });
      next += 1;
    }
    if (running.length === 0) {
      // Only a gate waits for an empty field; it is answered after its soak.
      now += (steps[next] as UpgradeStep).estimatedMinutes;
      next += 1;
      continue;
    }
    now = Math.min(...running.map((r) => r.end));
    running = running.filter((r) => r.end > now);
  }
  return now;
}

export interface ScheduleBudget {
  /** The state machine's TimeoutSeconds. */
  readonly executionTimeoutSeconds: number;
  /** `execution/maxParallelNodegroups`. */
  readonly maxParallelNodegroups: number;
  /** Seconds the execution has already run (perception, reasoning, waiting for approval). */
  readonly elapsedSeconds?: number;
  /** The maintenance window each hop waits for, and when the execution's replay starts (its first step). */
  readonly window?: { readonly window: MaintenanceWindow; readonly startsAt: Date };
}

/** Why the plan does not fit in one execution; undefined when it does. */
export interface ScheduleProblem {
  readonly code: typeof EXECUTION_TIMEOUT;
  readonly message: string;
  readonly scheduledMinutes: number;
  readonly budgetMinutes: number;
  /** The smallest maxParallelNodegroups that fits; undefined when none up to MAX_PARALLEL_NODEGROUPS does. */
  readonly fittingParallel?: number;
}

/** Minutes of an execution a plan may take: TimeoutSeconds less SCHEDULE_MARGIN. */
export function budgetMinutes(executionTimeoutSeconds: number): number {
  return (executionTimeoutSeconds / 60) * (1 - SCHEDULE_MARGIN);
}

/**
 * Whether `steps` fit in the execution's time with the configured parallelism: undefined
 * if they do, else the problem, naming the smallest maxParallelNodegroups that would fit
 * (or saying that none does, so the upgrade must be split into requests of fewer hops).
 */
export function scheduleProblem(
  steps: readonly UpgradeStep[],
  budget: ScheduleBudget,
): ScheduleProblem | undefined {
  const limit = budget.maxParallelNodegroups;
  const windowed = budget.window;
  const hold = windowed
    ? (m: number) => {
        const start = windowed.startsAt.getTime();
        return (firstOpenInstant(start + m * 60_000, windowed.window) - start) / 60_000;
      }
    : undefined;
  const minutes = scheduledMinutes(steps, limit, hold);
  const elapsedMinutes = Math.max(0, budget.elapsedSeconds ?? 0) / 60;
  const allowed = budgetMinutes(budget.executionTimeoutSeconds) - elapsedMinutes;
  if (minutes <= allowed) return undefined;
  let fittingParallel: number | undefined;
  // Stryker disable next-line ArithmeticOperator: fewer than `limit` cannot fit where `limit` does not (equivalent)
  for (let k = limit + 1; k <= MAX_PARALLEL_NODEGROUPS && fittingParallel === undefined; k++) {
    if (scheduledMinutes(steps, k, hold) <= allowed) fittingParallel = k;
  }
  const hours = (m: number) => `${(m / 60).toFixed(1)} h`;
  // The window is to blame when the plan would fit without it (without one, it is `minutes`: no).
  const windowBlamed = scheduledMinutes(steps, limit) <= allowed;
  const fix =
    fittingParallel !== undefined
      ? `set execution/maxParallelNodegroups to ${fittingParallel} or more (it is ${limit})`
      : windowBlamed
        ? 'widen the maintenance window (maintenanceWindow/days or maintenanceWindow/hours), or request fewer hops at a time (a lower targetVersion first)'
        : `no execution/maxParallelNodegroups up to ${MAX_PARALLEL_NODEGROUPS} fits: request fewer hops at a time (a lower targetVersion first)`;
  const waits = windowed
    ? `, each hop starting in the maintenance window ${describeWindow(windowed.window)} (from ${windowed.startsAt.toISOString()})`
    : '';
  return {
    code: EXECUTION_TIMEOUT,
    message:
      `the plan takes about ${hours(minutes)} with maxParallelNodegroups ${limit}${waits}, more than the ` +
      `${hours(allowed)} ${elapsedMinutes >= 1 ? 'the execution has left' : 'an execution may take'} (the state machine's TimeoutSeconds, ` +
      `${budget.executionTimeoutSeconds} s, less ${SCHEDULE_MARGIN * 100} %` +
      `${elapsedMinutes >= 1 ? `, less the ${hours(elapsedMinutes)} it has already run` : ''}); ${fix}`,
    scheduledMinutes: minutes,
    budgetMinutes: allowed,
    ...(fittingParallel !== undefined ? { fittingParallel } : {}),
  };
}
