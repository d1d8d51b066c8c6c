import { AgentError } from './errors';
import type { UpgradeStep } from './plan-types';
import type { Insight } from './snapshot';

/**
 * The execution phase's small state, carried by the state machine between polls.
 * It names steps by index and id only: the plan itself stays in the artifact store.
 */
export interface ExecutionProgress {
  /** Index of the next step to start (or of the one in flight). */
  readonly next: number;
  readonly inFlight?: {
    readonly stepId: string;
    readonly updateId: string;
    readonly startedAt: string;
    readonly polls: number;
  };
  /** Ids of the steps done, in order. */
  readonly completed: readonly string[];
  /** Totals for the report: DescribeUpdate polls and busy answers. */
  readonly polls: number;
  readonly busyAnswers: number;
}

export const INITIAL_PROGRESS: ExecutionProgress = { next: 0, completed: [], polls: 0, busyAnswers: 0 };

export interface PollTuning {
  readonly minPollSeconds: number;
  readonly maxPollSeconds: number;
  readonly busyRetrySeconds: number;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Math.round(value)));
}

/**
 * Seconds to wait before the first check of a step just started: near its
 * expected duration (80%), since EKS sends no progress events and every poll
 * costs state transitions.
 */
export function firstPollSeconds(step: UpgradeStep, tuning: PollTuning): number {
  return clamp(step.estimatedMinutes * 60 * 0.8, tuning.minPollSeconds, tuning.maxPollSeconds);
}

/** Seconds to the next check of a step still in progress: a tenth of its estimate, tighter once overdue. */
export function nextPollSeconds(step: UpgradeStep, elapsedSeconds: number, tuning: PollTuning): number {
  const expected = step.estimatedMinutes * 60;
  const fraction = elapsedSeconds < expected ? 0.2 : 0.1;
  return clamp(expected * fraction, tuning.minPollSeconds, tuning.maxPollSeconds);
}

/** An EKS update ended Failed or Cancelled. The name carries the contract; `code` is EKS's error code. */
export class StepFailedError extends AgentError {
  override readonly name = 'StepFailedError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly stepId: string,
    readonly codes: readonly string[],
  ) {
    super(message);
  }
}

/** The upgrade was halted (by a rollback) while steps remained. */
export class UpgradeHaltedError extends AgentError {
  override readonly name = 'UpgradeHaltedError';
  readonly retryable = false;
}

/** The step at `progress.next`, if any. */
export function currentStep(
  steps: readonly UpgradeStep[],
  progress: ExecutionProgress,
): UpgradeStep | undefined {
  return steps[progress.next];
}

/** Progress after the step in flight finished successfully. */
export function completeStep(progress: ExecutionProgress, step: UpgradeStep): ExecutionProgress {
  return {
    next: progress.next + 1,
    completed: [...progress.completed, step.id],
    polls: progress.polls,
    busyAnswers: progress.busyAnswers,
  };
}

/**
 * Upgrade-readiness insights that fail the hop to `version`: in ERROR, and for that
 * version (or for none). An insight that warned while `version` was two minors
 * ahead is in this list once the cluster is one minor below it.
 */
export function insightsBlockingHop(insights: readonly Insight[], version: string): Insight[] {
  return insights.filter(
    (i) =>
      i.category === 'UPGRADE_READINESS' &&
      i.insightStatus.status === 'ERROR' &&
      (i.kubernetesVersion === undefined || i.kubernetesVersion === version),
  );
}

/**
 * Read again before a control-plane hop, an upgrade-readiness insight is in ERROR for
 * it: the agent stops before asking EKS (unless the request forces), so the cluster
 * stays at the last completed hop. Not retried: a person must fix what it names.
 */
export class InsightBlocksHopError extends AgentError {
  override readonly name = 'InsightBlocksHopError';
  readonly retryable = false;
  constructor(
    readonly clusterName: string,
    readonly version: string,
    readonly insightIds: readonly string[],
    detail: string,
  ) {
    super(
      `Cluster ${clusterName} stays at its current version: upgrade insight(s) now in ERROR for ${version}: ${detail}. Fix what they name and request the upgrade again, or request it with force.`,
    );
  }
}
