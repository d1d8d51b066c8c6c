import { AgentError } from './errors';
import type { UpgradeStep } from './plan-types';
import type { Insight } from './snapshot';

/** An EKS update the execution phase started and has not yet seen end. */
export interface InFlightUpdate {
  readonly stepId: string;
  readonly updateId: string;
  readonly startedAt: string;
  readonly polls: number;
}

/**
 * The execution phase's small state, carried by the state machine between polls.
 * It names steps by index and id only: the plan itself stays in the artifact store,
 * and the ids of the steps done are in the upgrade record, so nothing here grows
 * with the plan (at most `execution/maxParallelNodegroups` updates in flight).
 * Every step before `next` is done or in flight.
 */
export interface ExecutionProgress {
  /** Index of the next step to start. */
  readonly next: number;
  readonly inFlight: readonly InFlightUpdate[];
  /** How many steps are done. */
  readonly done: number;
  /** Totals for the report: poll rounds (each reads every update in flight) and busy answers. */
  readonly polls: number;
  readonly busyAnswers: number;
}

export const INITIAL_PROGRESS: ExecutionProgress = {
  next: 0,
  inFlight: [],
  done: 0,
  polls: 0,
  busyAnswers: 0,
};

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

/** Progress after the step at `next` (a gate that passed) is done without an update. */
export function passStep(progress: ExecutionProgress): ExecutionProgress {
  return { ...progress, next: progress.next + 1, done: progress.done + 1 };
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
