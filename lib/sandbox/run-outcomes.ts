import { InvalidRequestError } from '../domain/errors';
import type { Strategy, UpgradePlan } from '../domain/plan-types';
import type { EnvironmentSnapshot } from '../domain/snapshot';
import { artifactKeys, loadRecord } from '../phases/records';
import type { TriggerResult } from '../phases/trigger';
import { finalState } from './final-state';
import type { SandboxRunReport } from './local-run';
import type { LocalExecution, LocalStack } from './local-stack';

/**
 * What `run --sandbox` reports besides a run of its own: a request id that had
 * started an upgrade already, the executions resumed after a crash, and the crash
 * switch the tests use.
 */

/** Crash tests: the sandbox kills itself (SIGKILL) once the execution phase has this many steps done. */
export const CRASH_AFTER_STEPS_ENV = 'EKS_UPGRADE_AGENT_SANDBOX_CRASH_AFTER_STEPS';

/** The request's trigger answer; what the trigger threw (a corrupted state file, say) is thrown. */
export function triggerResult(stack: LocalStack): TriggerResult {
  const last = stack.triggerOutcomes.at(-1);
  if (last === undefined) throw new Error('the upgrade-trigger rule did not deliver the request');
  if ('error' in last) throw last.error;
  return last.result;
}

export function crashAfterSteps(): { crashAfterSteps?: number } {
  const raw = process.env[CRASH_AFTER_STEPS_ENV];
  if (raw === undefined || raw === '') return {};
  const steps = Number(raw);
  if (!Number.isInteger(steps) || steps < 1) {
    throw new InvalidRequestError(
      `${CRASH_AFTER_STEPS_ENV} must be a whole number of steps >= 1 (got "${raw}")`,
    );
  }
  return { crashAfterSteps: steps };
}

export function resumedSummary(resumed: readonly LocalExecution[]): SandboxRunReport['resumed'] {
  return resumed.map((e) => ({
    upgradeId: e.name,
    status: e.result.status,
    stepsDoneBeforeCrash: e.resumedAfter?.completedSteps ?? 0,
  }));
}

const STATUS_WORD: Record<string, string> = {
  RUNNING: 'is still running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timed out',
  ABORTED: 'was stopped',
  PENDING_REDRIVE: 'is pending a redrive',
};

/** A request id that had started an upgrade already: that upgrade, and nothing new. */
export async function duplicateReport(
  stack: LocalStack,
  triggered: Extract<TriggerResult, { status: 'duplicate' }>,
  context: {
    requestId: string;
    clusterName: string;
    before: EnvironmentSnapshot;
    targetVersion: string;
    strategy: Strategy;
    plan: UpgradePlan | undefined;
    resumed: readonly LocalExecution[];
    wallMilliseconds: number;
  },
): Promise<SandboxRunReport> {
  const status = triggered.executionStatus;
  const record = await loadRecord(stack.deps.artifacts, triggered.upgradeId);
  const started = (await stack.deps.artifacts.getJson(artifactKeys.snapshot(triggered.upgradeId))) as
    | EnvironmentSnapshot
    | undefined;
  return {
    outcome: 'duplicate',
    summary: `request id "${context.requestId}" already started upgrade ${triggered.upgradeId}, which ${STATUS_WORD[status] ?? status}; nothing new was started`,
    scenario: stack.world.scenario().name,
    clusterName: context.clusterName,
    fromVersion: (started ?? context.before).cluster.version,
    targetVersion: context.targetVersion,
    strategy: context.strategy,
    upgradeId: triggered.upgradeId,
    executionArn: triggered.executionArn,
    executionStatus: status,
    resumed: resumedSummary(context.resumed),
    findings: context.plan?.findings ?? [],
    plannedSteps: context.plan?.steps.length ?? 0,
    completedSteps: record?.completed.length ?? 0,
    steps: context.plan?.steps ?? [],
    // Nothing ran in this process.
    timeline: { origin: stack.world.now().toISOString(), steps: {} },
    changes: [],
    // Nothing ran: the cluster as this run found it.
    finalState: finalState(context.before),
    simulatedMinutes: 0,
    wallMilliseconds: context.wallMilliseconds,
    figures: {
      stateTransitions: 0,
      lambdaInvocations: { trigger: 1 },
      awsApiCalls: {},
      polls: 0,
      historyEvents: 0,
      simulatedMinutes: 0,
      retries: 0,
      eventsPublished: stack.bus.published().length,
      ruleDeliveries: {},
      deadLettered: 0,
      largestStateBytes: 0,
      estimatedOrchestrationCostUsd: 0,
    },
    events: stack.bus.published(),
    deliveries: stack.bus.deliveries(),
  };
}
