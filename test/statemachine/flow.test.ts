import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { MAX_PARALLEL_NODEGROUPS } from '../../lib/domain/config';
import { PlanBlockedError } from '../../lib/domain/errors';
import type { ExecutionProgress } from '../../lib/domain/execution';
import { StepFailedError } from '../../lib/domain/execution';
import { approvalInput } from '../../lib/phases/approval';
import type { BlueGreenResult } from '../../lib/phases/blue-green';
import {
  blueGreenInput,
  caughtErrorSchema,
  executionInput,
  parseInput,
  perceptionInput,
  reasoningInput,
  rollbackInput,
  upgradeRequestSchema,
  validationInput,
} from '../../lib/phases/contracts';
import type { ExecutionResult } from '../../lib/phases/execution';
import type { PerceptionResult } from '../../lib/phases/perception';
import type { ReasoningResult } from '../../lib/phases/reasoning';
import type { RollbackResult } from '../../lib/phases/rollback';
import type { ValidationResult } from '../../lib/phases/validation';
import {
  InvalidLocalRunError,
  type LocalStateEvent,
  localExecutionArn,
  localTaskToken,
  MAX_PAYLOAD_BYTES,
  type RunUpgradeOptions,
  runUpgradeStateMachine,
  type TaskHandler,
  type TaskTokenAnswer,
} from '../../lib/sandbox/local-sfn/runner';

/**
 * The state machine's flow, on the real ASL in aws-local-stepfunctions, with stub
 * functions. Every stub checks its input against the phase's zod contract, so these
 * tests also prove that each Task's Parameters give its function what it requires.
 */

type FunctionName =
  | 'perception'
  | 'reasoning'
  | 'approval'
  | 'execution'
  | 'validation'
  | 'rollback'
  | 'bluegreen';

const EXECUTION_NAME = 'payments-prod-1-31-req-1';
const UPGRADE_ID = EXECUTION_NAME;

function executionStartInput(overrides: Record<string, unknown> = {}) {
  const request = upgradeRequestSchema().parse({
    clusterName: 'payments-prod',
    targetVersion: '1.31',
    requestId: 'req-1',
    ...overrides,
  });
  return { upgradeId: UPGRADE_ID, request };
}

const PERCEPTION: PerceptionResult = {
  snapshotKey: `upgrades/${UPGRADE_ID}/snapshot.json`,
  currentVersion: '1.30',
  nodegroupCount: 2,
  addonCount: 3,
};
const PLAN: ReasoningResult = {
  planKey: `upgrades/${UPGRADE_ID}/plan.json`,
  verdict: 'ready',
  stepCount: 3,
  estimatedMinutes: 75,
  approval: { required: false, timeoutSeconds: 43_200 },
};

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** An execution stub: one answer per poll - a wait of that many seconds - then done. */
function pollingExecution(
  waits: readonly number[],
  options: {
    inFlight?: ExecutionProgress['inFlight'];
    extra?: Record<string, unknown>;
    soakSeconds?: number;
  } = {},
) {
  let calls = 0;
  return async (raw: unknown): Promise<ExecutionResult> => {
    const input = parseInput(executionInput, raw, 'execution');
    const progress: ExecutionProgress = {
      ...input.progress,
      polls: input.progress.polls + 1,
      done: input.progress.done + 1,
      ...(options.inFlight ? { inFlight: options.inFlight } : {}),
    };
    const wait = waits[calls];
    calls += 1;
    if (wait !== undefined)
      return {
        status: 'waiting',
        waitSeconds: wait,
        soakSeconds: 0,
        progress,
        gate: null,
        waitUntil: null,
        ...options.extra,
      };
    return {
      status: 'done',
      waitSeconds: 0,
      soakSeconds: options.soakSeconds ?? 300,
      progress,
      gate: null,
      waitUntil: null,
      ...options.extra,
    };
  };
}

/**
 * The blue/green function as a stub: one waiting answer per listed action before
 * its cue (provision: ready; readiness: ready; shift: baking; gate: passed, done at
 * the last weight, or `breachAt`; revert/decommission/abandon: done).
 */
function blueGreenStub(
  options: {
    waits?: Partial<Record<string, number>>;
    weights?: number[];
    breachAt?: number;
    failOn?: string;
  } = {},
) {
  const weights = options.weights ?? [10, 25, 50, 100];
  const waits = { ...options.waits };
  let shifted = 0;
  return async (raw: unknown): Promise<BlueGreenResult> => {
    const input = parseInput(blueGreenInput, raw, 'blue/green');
    const answer = (
      status: BlueGreenResult['status'],
      extra: Partial<BlueGreenResult> = {},
    ): BlueGreenResult => ({
      status,
      waitSeconds: 0,
      soakSeconds: 0,
      finalBakeSeconds: 3600,
      green: 'payments-prod-1-31',
      percentage: weights[shifted - 1] ?? 0,
      waitUntil: null,
      ...extra,
    });
    if (options.failOn === input.action)
      throw named('GreenProvisioningFailedError', 'node group general is CREATE_FAILED');
    const left = waits[input.action] ?? 0;
    if (left > 0) {
      waits[input.action] = left - 1;
      return answer('waiting', { waitSeconds: 60 });
    }
    switch (input.action) {
      case 'provision':
      case 'readiness':
        return answer('ready');
      case 'shift':
        shifted += 1;
        return answer('baking', { soakSeconds: 600 });
      case 'gate':
        if (options.breachAt === weights[shifted - 1]) return answer('breached');
        return answer(shifted >= weights.length ? 'done' : 'passed');
      default:
        return answer('done', { percentage: 0 });
    }
  };
}

/** The approval function: asks (request), then records the answer it is given. */
function approvalStub(): TaskHandler {
  return async (raw) => {
    const input = parseInput(approvalInput, raw, 'approval');
    if (input.action === 'request') return { status: 'pending', expiresAt: '2026-12-02T12:00:00.000Z' };
    if ('answer' in input) return { status: 'approved', by: input.answer.by };
    const rejected = input.error.Error === 'UpgradeRejected';
    return {
      Error: rejected ? 'UpgradeRejected' : 'ApprovalTimedOut',
      Cause: `recorded ${input.error.Error}`,
    };
  };
}

interface Call {
  readonly fn: FunctionName;
  readonly input: Record<string, unknown>;
}

/** The five functions as stubs (overridable one by one), each checking its input contract and logging its call. */
function stubs(overrides: Partial<Record<FunctionName, TaskHandler>> = {}) {
  const calls: Call[] = [];
  const defaults: Record<FunctionName, TaskHandler> = {
    perception: async (raw) => {
      parseInput(perceptionInput, raw, 'perception');
      return PERCEPTION;
    },
    reasoning: async (raw) => {
      const input = parseInput(reasoningInput, raw, 'reasoning');
      expect(input.snapshotKey).toBe(PERCEPTION.snapshotKey);
      return PLAN;
    },
    execution: pollingExecution([600, 120]),
    validation: async (raw): Promise<ValidationResult> => {
      parseInput(validationInput, raw, 'validation');
      return { passed: true, failedChecks: [], final: true };
    },
    rollback: async (raw): Promise<RollbackResult | { outcome: 'stopped' }> => {
      const input = parseInput(rollbackInput, raw, 'rollback');
      if (input.mode === 'failure') return { outcome: 'stopped' };
      return { status: 'done', waitSeconds: 0, outcome: 'stopped', performedBy: input.trigger };
    },
    bluegreen: blueGreenStub(),
    approval: approvalStub(),
  };
  const handlers: Record<string, TaskHandler> = {};
  for (const fn of Object.keys(defaults) as FunctionName[]) {
    const handler = overrides[fn] ?? defaults[fn];
    handlers[fn] = async (input) => {
      calls.push({ fn, input: input as Record<string, unknown> });
      return handler(input);
    };
  }
  const inputsOf = (fn: FunctionName) => calls.filter((c) => c.fn === fn).map((c) => c.input);
  return { handlers, calls, inputsOf };
}

function run(handlers: Record<string, TaskHandler>, options: Partial<RunUpgradeOptions> = {}) {
  return runUpgradeStateMachine({
    input: executionStartInput(),
    executionName: EXECUTION_NAME,
    handlers,
    ...options,
  });
}

const HAPPY_PATH = [
  'PerceptionPhase',
  'ReasoningPhase',
  'CheckDryRun',
  'CheckApproval',
  'CheckStrategy',
  'PrepareExecution',
  'ExecutionPhase',
  'CheckExecutionProgress',
  'WaitForStep',
  'ExecutionPhase',
  'CheckExecutionProgress',
  'WaitForStep',
  'ExecutionPhase',
  'CheckExecutionProgress',
  'SoakBeforeValidation',
  'ValidationPhase',
  'CheckValidationResult',
  'UpgradeSuccess',
];

describe('upgrade state machine flow (stub functions)', () => {
  it('given a plan whose steps take two polls, when run, then it loops through WaitForStep with the seconds the execution phase asks for and succeeds', async () => {
    const { handlers } = stubs();
    const onWait = jest.fn();

    const result = await run(handlers, { onWait });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.statesVisited).toEqual(HAPPY_PATH);
    expect(onWait.mock.calls).toEqual([
      [600, 'WaitForStep'],
      [120, 'WaitForStep'],
      [300, 'SoakBeforeValidation'],
    ]);
    expect(result.waits).toEqual([
      { state: 'WaitForStep', seconds: 600 },
      { state: 'WaitForStep', seconds: 120 },
      { state: 'SoakBeforeValidation', seconds: 300 },
    ]);
    expect(result.taskInvocations).toEqual({ perception: 1, reasoning: 1, execution: 3, validation: 1 });
    expect(result.retries).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.output).toEqual({
      ...executionStartInput(),
      perception: PERCEPTION,
      plan: PLAN,
      execution: {
        status: 'done',
        waitSeconds: 0,
        soakSeconds: 300,
        progress: { next: 0, inFlight: [], done: 3, polls: 3, busyAnswers: 0 },
        gate: null,
        waitUntil: null,
      },
      validation: { passed: true, failedChecks: [], final: true },
    });
  });

  it('carries the progress of each poll into the next one, and the plan key, execution id and soak into the phases', async () => {
    const { handlers, inputsOf } = stubs();

    await run(handlers);

    const polls = inputsOf('execution');
    expect(polls.map((p) => p.progress)).toEqual([
      { next: 0, inFlight: [], done: 0, polls: 0, busyAnswers: 0 },
      { next: 0, inFlight: [], done: 1, polls: 1, busyAnswers: 0 },
      { next: 0, inFlight: [], done: 2, polls: 2, busyAnswers: 0 },
    ]);
    for (const input of polls) expect(input.planKey).toBe(PLAN.planKey);
    expect(inputsOf('validation')).toEqual([
      expect.objectContaining({ planKey: PLAN.planKey, soakSeconds: 300 }),
    ]);
    for (const fn of ['perception', 'reasoning', 'execution', 'validation'] as const) {
      for (const input of inputsOf(fn)) {
        expect(input.correlationId).toBe(localExecutionArn(EXECUTION_NAME));
        expect(input.upgradeId).toBe(UPGRADE_ID);
      }
    }
    expect(localExecutionArn(EXECUTION_NAME)).toBe(
      `arn:aws:states:us-east-1:000000000000:execution:eks-upgrade-agent-local-upgrade:${EXECUTION_NAME}`,
    );
  });

  it('awaits onWait before the next Task runs (virtual time moves before the next poll)', async () => {
    const log: string[] = [];
    const execution = pollingExecution([600, 120]);
    const { handlers } = stubs({
      execution: async (raw) => {
        log.push('poll');
        return execution(raw);
      },
      validation: async (): Promise<ValidationResult> => {
        log.push('validate');
        return { passed: true, failedChecks: [], final: true };
      },
    });

    await run(handlers, {
      onWait: async (seconds) => {
        log.push(`wait ${seconds} begins`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        log.push(`wait ${seconds} ends`);
      },
    });

    expect(log).toEqual([
      'poll',
      'wait 600 begins',
      'wait 600 ends',
      'poll',
      'wait 120 begins',
      'wait 120 ends',
      'poll',
      'wait 300 begins',
      'wait 300 ends',
      'validate',
    ]);
  });

  it('given a dry run, when run, then it ends in DryRunComplete after the plan without touching the cluster', async () => {
    const { handlers } = stubs();
    const onWait = jest.fn();

    const result = await run(handlers, { input: executionStartInput({ dryRun: true }), onWait });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.statesVisited).toEqual([
      'PerceptionPhase',
      'ReasoningPhase',
      'CheckDryRun',
      'DryRunComplete',
    ]);
    expect(result.taskInvocations).toEqual({ perception: 1, reasoning: 1 });
    expect(onWait).not.toHaveBeenCalled();
    expect(result.output).toEqual({
      ...executionStartInput({ dryRun: true }),
      perception: PERCEPTION,
      plan: PLAN,
    });
  });

  it('given an execution started by hand without request.dryRun, when run, then CheckDryRun treats it as a real run', async () => {
    const { handlers } = stubs();
    const { request, ...rest } = executionStartInput();
    const { dryRun: _omitted, ...withoutDryRun } = request;

    const result = await run(handlers, { input: { ...rest, request: withoutDryRun } });

    expect(result.statesVisited).toContain('PrepareExecution');
    expect(result.statesVisited).not.toContain('DryRunComplete');
    expect(result.status).toBe('SUCCEEDED');
  });

  it('given a blocked plan, when reasoning throws PlanBlockedError, then HandleFailure gets it in failure mode and the execution fails with UpgradeFailed', async () => {
    const { handlers, inputsOf } = stubs({
      reasoning: async () => {
        throw new PlanBlockedError('plan blocked by 1 finding(s): DEPRECATED_API: flowcontrol v1beta3', [
          'DEPRECATED_API',
        ]);
      },
    });

    const result = await run(handlers);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('UpgradeFailed');
    expect(result.statesVisited).toEqual([
      'PerceptionPhase',
      'ReasoningPhase',
      'HandleFailure',
      'CheckFailureOutcome',
      'UpgradeFailure',
    ]);
    expect(result.taskInvocations).toEqual({ perception: 1, reasoning: 1, rollback: 1 });
    expect(result.retries).toEqual([]);
    const [failure] = inputsOf('rollback');
    expect(failure).toEqual({
      mode: 'failure',
      trigger: 'state-machine',
      upgradeId: UPGRADE_ID,
      correlationId: localExecutionArn(EXECUTION_NAME),
      clusterName: 'payments-prod',
      targetVersion: '1.31',
      error: { Error: 'PlanBlockedError', Cause: expect.any(String) },
    });
    // The Cause is the Lambda runtime's JSON, as Step Functions reports a function's error.
    const { Cause } = caughtErrorSchema().parse(failure?.error);
    const cause = JSON.parse(String(Cause));
    expect(cause).toEqual({
      errorType: 'PlanBlockedError',
      errorMessage: 'plan blocked by 1 finding(s): DEPRECATED_API: flowcontrol v1beta3',
      trace: expect.arrayContaining([expect.stringContaining('PlanBlockedError')]),
    });
  });

  it('given validation fails, when run, then TriggerRollback runs exactly once in rollback mode and the execution fails', async () => {
    const { handlers, inputsOf } = stubs({
      validation: async (): Promise<ValidationResult> => ({
        passed: false,
        failedChecks: ['error-rate'],
        final: true,
      }),
    });

    const result = await run(handlers);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('UpgradeFailed');
    expect(result.statesVisited.slice(-5)).toEqual([
      'ValidationPhase',
      'CheckValidationResult',
      'TriggerRollback',
      'CheckRollbackProgress',
      'UpgradeFailure',
    ]);
    expect(result.statesVisited).not.toContain('HandleFailure');
    expect(result.taskInvocations.rollback).toBe(1);
    expect(inputsOf('rollback')).toEqual([
      {
        mode: 'rollback',
        trigger: 'state-machine',
        upgradeId: UPGRADE_ID,
        correlationId: localExecutionArn(EXECUTION_NAME),
        clusterName: 'payments-prod',
        targetVersion: '1.31',
        reason: 'validation failed',
      },
    ]);
  });

  it('given a hop outside the maintenance window, when execution answers window, then WaitForWindow waits until its timestamp on the run clock and execution goes on', async () => {
    let virtual = Date.parse('2026-11-28T10:00:00.000Z');
    let calls = 0;
    const { handlers, inputsOf } = stubs({
      execution: async (raw): Promise<ExecutionResult> => {
        const { progress } = parseInput(executionInput, raw, 'execution');
        calls += 1;
        return calls === 1
          ? {
              status: 'window',
              waitSeconds: 0,
              soakSeconds: 0,
              progress,
              gate: null,
              waitUntil: '2026-11-30T01:00:00.000Z',
            }
          : { status: 'done', waitSeconds: 0, soakSeconds: 60, progress, gate: null, waitUntil: null };
      },
    });
    const onWait = jest.fn((seconds: number) => {
      virtual += seconds * 1000;
    });

    const result = await run(handlers, { onWait, now: () => new Date(virtual) });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.statesVisited.slice(6, 10)).toEqual([
      'ExecutionPhase',
      'CheckExecutionProgress',
      'WaitForWindow',
      'ExecutionPhase',
    ]);
    // Saturday 10:00Z to Monday 01:00Z: 39 hours of the run's clock, not the machine's.
    expect(onWait.mock.calls[0]).toEqual([39 * 3600, 'WaitForWindow']);
    expect(new Date(virtual).toISOString()).toBe('2026-11-30T01:01:00.000Z');
    expect(inputsOf('execution')).toHaveLength(2);
  });

  it('given a window timestamp already past on the run clock, then WaitForWindow waits 0 s', async () => {
    let first = true;
    const { handlers } = stubs({
      execution: async (raw): Promise<ExecutionResult> => {
        const { progress } = parseInput(executionInput, raw, 'execution');
        const window = first;
        first = false;
        return window
          ? {
              status: 'window',
              waitSeconds: 0,
              soakSeconds: 0,
              progress,
              gate: null,
              waitUntil: '2026-11-30T01:00:00.000Z',
            }
          : { status: 'done', waitSeconds: 0, soakSeconds: 0, progress, gate: null, waitUntil: null };
      },
    });
    const result = await run(handlers, { now: () => new Date('2026-12-01T00:00:00.000Z') });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.waits[0]).toEqual({ state: 'WaitForWindow', seconds: 0 });
  });

  it('given a gate in the plan, when execution stops at it, then the soak is waited, ValidationPhase judges that gate, and a pass goes back to ExecutionPhase', async () => {
    const gate = { stepId: 'gate:1.31:control-plane', stage: 'control-plane', hop: '1.31' } as const;
    let calls = 0;
    const { handlers, inputsOf } = stubs({
      execution: async (raw): Promise<ExecutionResult> => {
        const { progress } = parseInput(executionInput, raw, 'execution');
        calls += 1;
        return calls === 1
          ? { status: 'gate', waitSeconds: 0, soakSeconds: 300, progress, gate, waitUntil: null }
          : { status: 'done', waitSeconds: 0, soakSeconds: 600, progress, gate: null, waitUntil: null };
      },
      validation: async (raw): Promise<ValidationResult> => {
        const input = parseInput(validationInput, raw, 'validation');
        return { passed: true, failedChecks: [], final: input.gate === null };
      },
    });
    const onWait = jest.fn();

    const result = await run(handlers, { onWait });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.statesVisited.slice(6)).toEqual([
      'ExecutionPhase',
      'CheckExecutionProgress',
      'SoakBeforeValidation',
      'ValidationPhase',
      'CheckValidationResult',
      'ExecutionPhase',
      'CheckExecutionProgress',
      'SoakBeforeValidation',
      'ValidationPhase',
      'CheckValidationResult',
      'UpgradeSuccess',
    ]);
    expect(onWait.mock.calls).toEqual([
      [300, 'SoakBeforeValidation'],
      [600, 'SoakBeforeValidation'],
    ]);
    expect(inputsOf('validation').map((i) => [i.gate, i.soakSeconds])).toEqual([
      [gate, 300],
      [null, 600],
    ]);
  });

  it('given a failed gate, when run, then TriggerRollback polls with WaitForRollback until done, and the execution fails', async () => {
    const gate = { stepId: 'gate:1.31:canary', stage: 'canary', hop: '1.31' } as const;
    let polls = 0;
    const { handlers, inputsOf } = stubs({
      execution: async (raw): Promise<ExecutionResult> => {
        const { progress } = parseInput(executionInput, raw, 'execution');
        return { status: 'gate', waitSeconds: 0, soakSeconds: 120, progress, gate, waitUntil: null };
      },
      validation: async (): Promise<ValidationResult> => ({
        passed: false,
        failedChecks: ['error_rate'],
        final: false,
      }),
      rollback: async (): Promise<RollbackResult> => {
        polls += 1;
        return polls < 3
          ? { status: 'waiting', waitSeconds: polls * 400, outcome: 'pending', performedBy: 'state-machine' }
          : { status: 'done', waitSeconds: 0, outcome: 'reverted', performedBy: 'state-machine' };
      },
    });
    const onWait = jest.fn();

    const result = await run(handlers, { onWait });

    expect(result.status).toBe('FAILED');
    expect(result.statesVisited.slice(-9)).toEqual([
      'TriggerRollback',
      'CheckRollbackProgress',
      'WaitForRollback',
      'TriggerRollback',
      'CheckRollbackProgress',
      'WaitForRollback',
      'TriggerRollback',
      'CheckRollbackProgress',
      'UpgradeFailure',
    ]);
    expect(onWait.mock.calls.filter(([, state]) => state === 'WaitForRollback')).toEqual([
      [400, 'WaitForRollback'],
      [800, 'WaitForRollback'],
    ]);
    expect(inputsOf('rollback').every((i) => i.mode === 'rollback' && i.trigger === 'state-machine')).toBe(
      true,
    );
    expect(result.output).toBeUndefined();
  });

  it('given a node group update fails with PodEvictionFailure, when execution throws StepFailedError, then HandleFailure gets it and validation never runs', async () => {
    let polls = 0;
    const { handlers, inputsOf } = stubs({
      execution: async (raw) => {
        polls += 1;
        if (polls < 2) return pollingExecution([300])(raw);
        throw new StepFailedError(
          'step nodegroup:workers:1.31 ended Failed (update u-9): PodEvictionFailure: Reached max retries while trying to evict pods',
          'nodegroup:workers:1.31',
          ['PodEvictionFailure'],
        );
      },
    });

    const result = await run(handlers);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('UpgradeFailed');
    expect(result.statesVisited.slice(-4)).toEqual([
      'ExecutionPhase',
      'HandleFailure',
      'CheckFailureOutcome',
      'UpgradeFailure',
    ]);
    expect(result.statesVisited).not.toContain('ValidationPhase');
    expect(result.statesVisited).not.toContain('TriggerRollback');
    // Not a retryable error: one call per poll, no retry.
    expect(result.taskInvocations.execution).toBe(2);
    expect(result.retries).toEqual([]);
    const [failure] = inputsOf('rollback');
    expect(failure?.mode).toBe('failure');
    const error = caughtErrorSchema().parse(failure?.error);
    expect(error.Error).toBe('StepFailedError');
    expect(JSON.parse(String(error.Cause)).errorMessage).toContain('PodEvictionFailure');
  });

  it('given Lambda throttles a call twice, when run, then the Task is retried and the execution succeeds', async () => {
    let calls = 0;
    const { handlers } = stubs({
      perception: async () => {
        calls += 1;
        if (calls <= 2) throw named('Lambda.TooManyRequestsException', 'Rate Exceeded.');
        return PERCEPTION;
      },
    });

    const result = await run(handlers);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.taskInvocations.perception).toBe(3);
    expect(result.retries).toEqual([
      { state: 'PerceptionPhase', error: 'Lambda.TooManyRequestsException', attempt: 1 },
      { state: 'PerceptionPhase', error: 'Lambda.TooManyRequestsException', attempt: 2 },
    ]);
    // A retry re-runs the state; it is entered once.
    expect(result.statesVisited.filter((s) => s === 'PerceptionPhase')).toHaveLength(1);
  });

  it('given Lambda throttles every call, when run, then the Task gives up after its 6 retries and HandleFailure runs', async () => {
    const { handlers, inputsOf } = stubs({
      execution: async () => {
        throw named('Lambda.TooManyRequestsException', 'Rate Exceeded.');
      },
    });

    const result = await run(handlers);

    expect(result.status).toBe('FAILED');
    expect(result.taskInvocations.execution).toBe(7);
    expect(result.retries.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    const [failure] = inputsOf('rollback');
    // The Lambda service's own errors carry a plain message, not the runtime's JSON.
    expect(failure?.error).toEqual({ Error: 'Lambda.TooManyRequestsException', Cause: 'Rate Exceeded.' });
  });

  it('given the rollback rule is still rolling back, when TriggerRollback gets IdempotencyAlreadyInProgressError once, then it is retried', async () => {
    let calls = 0;
    const { handlers, inputsOf } = stubs({
      validation: async (): Promise<ValidationResult> => ({
        passed: false,
        failedChecks: ['latency-p99'],
        final: true,
      }),
      rollback: async (raw) => {
        calls += 1;
        if (calls === 1) throw new IdempotencyAlreadyInProgressError('in progress for upgrade');
        const input = parseInput(rollbackInput, raw, 'rollback');
        expect(input.mode).toBe('rollback');
        return {
          status: 'done',
          waitSeconds: 0,
          outcome: 'reverted',
          performedBy: 'event-rule',
        } satisfies RollbackResult;
      },
    });

    const result = await run(handlers);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('UpgradeFailed');
    expect(result.taskInvocations.rollback).toBe(2);
    expect(inputsOf('rollback').map((i) => i.mode)).toEqual(['rollback', 'rollback']);
    expect(result.retries).toEqual([
      { state: 'TriggerRollback', error: 'IdempotencyAlreadyInProgressError', attempt: 1 },
    ]);
    expect(result.statesVisited).not.toContain('HandleFailure');
  });

  it('given HandleFailure itself fails, when run, then the execution still ends in UpgradeFailure', async () => {
    const { handlers } = stubs({
      perception: async () => {
        throw named('ClusterNotFoundError', 'EKS cluster payments-prod was not found');
      },
      rollback: async () => {
        throw named('EventDeliveryFailed', 'the bus is down');
      },
    });

    const result = await run(handlers);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('UpgradeFailed');
    expect(result.statesVisited).toEqual(['PerceptionPhase', 'HandleFailure', 'UpgradeFailure']);
  });

  it('given HandleFailure crashes once with an error no Lambda retrier names, when run, then it is retried and reports the failure', async () => {
    let calls = 0;
    const { handlers } = stubs({
      perception: async () => {
        throw named('ClusterNotFoundError', 'EKS cluster payments-prod was not found');
      },
      rollback: async () => {
        calls += 1;
        if (calls === 1) throw named('Runtime.ExitError', 'the function exited');
        return { outcome: 'stopped' };
      },
    });

    const result = await run(handlers);

    expect(calls).toBe(2);
    expect(result.retries).toEqual([{ state: 'HandleFailure', error: 'Runtime.ExitError', attempt: 1 }]);
    expect(result.statesVisited).toEqual([
      'PerceptionPhase',
      'HandleFailure',
      'CheckFailureOutcome',
      'UpgradeFailure',
    ]);
  });

  it('given the final validation passed but its response was lost, when HandleFailure answers completed, then the execution succeeds', async () => {
    const { handlers } = stubs({
      validation: async () => {
        throw named('Runtime.ExitError', 'the function exited after publishing upgrade.completed');
      },
      rollback: async () => ({ outcome: 'completed' }),
    });

    const result = await run(handlers);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.statesVisited.slice(-4)).toEqual([
      'ValidationPhase',
      'HandleFailure',
      'CheckFailureOutcome',
      'UpgradeSuccess',
    ]);
  });

  it('given the most node-group updates in flight the configuration allows, when run, then no state input or output comes near 256 KB', async () => {
    const inFlight = Array.from({ length: MAX_PARALLEL_NODEGROUPS }, (_, i) => ({
      stepId: `nodegroup:payments-prod-workers-${String(i).padStart(3, '0')}:1.31`,
      updateId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      startedAt: '2026-11-28T00:00:00.000Z',
      polls: 100,
    }));
    const { handlers } = stubs({
      execution: pollingExecution([600, 600, 600], { inFlight }),
    });

    const result = await run(handlers);

    expect(result.status).toBe('SUCCEEDED');
    const inFlightBytes = Buffer.byteLength(JSON.stringify(inFlight));
    // Measured: the largest state holds every update in flight ...
    expect(result.largestState.bytes).toBeGreaterThan(inFlightBytes);
    // ... and stays far below the quota.
    expect(result.largestState.bytes).toBeLessThan(MAX_PAYLOAD_BYTES / 10);
  });

  it('given a function result over 256 KB, then the execution fails with States.DataLimitExceeded, which no Catch handles', async () => {
    const ids = Array.from({ length: 6000 }, (_, i) => `nodegroup:payments-prod-workers-${i}:1.31`);
    const { handlers } = stubs({ execution: pollingExecution([], { extra: { ids } }) });

    const result = await run(handlers);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.DataLimitExceeded');
    expect(result.statesVisited).not.toContain('HandleFailure');
    expect(result.taskInvocations.rollback).toBeUndefined();
  });

  it('given a wait that is not whole seconds, then the execution fails with States.Runtime, as Step Functions would', async () => {
    const { handlers } = stubs({ execution: pollingExecution([12.5]) });
    const onWait = jest.fn();

    const result = await run(handlers, { onWait });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain('$.execution.waitSeconds');
    expect(onWait).not.toHaveBeenCalled();
    expect(result.taskInvocations).toEqual({ perception: 1, reasoning: 1, execution: 1 });
  });

  it('reports every state event in order to onStateEvent', async () => {
    const { handlers } = stubs({ execution: pollingExecution([]) });
    const events: LocalStateEvent[] = [];

    const result = await run(handlers, { onStateEvent: (e) => events.push(e) });

    expect(events.filter((e) => e.type === 'StateEntered').map((e) => e.state)).toEqual(result.statesVisited);
    expect(events.filter((e) => e.type === 'StateExited').map((e) => e.state)).toEqual(result.statesVisited);
    const entered = events.find((e) => e.type === 'StateEntered' && e.state === 'ValidationPhase');
    expect(entered?.stateType).toBe('Task');
  });

  it('given onWait throws, then the run rejects with that error and no further Task runs', async () => {
    const { handlers, calls } = stubs();
    const boom = new Error('virtual clock broke');

    await expect(
      run(handlers, {
        onWait: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    expect(calls.map((c) => c.fn)).toEqual(['perception', 'reasoning', 'execution']);
  });

  it('given an aborted signal, then the execution is ABORTED', async () => {
    const controller = new AbortController();
    const { handlers, calls } = stubs({
      reasoning: async () => {
        controller.abort();
        return PLAN;
      },
    });

    const result = await run(handlers, { signal: controller.signal });

    expect(result.status).toBe('ABORTED');
    expect(calls.map((c) => c.fn)).toEqual(['perception', 'reasoning']);
  });

  it('given a signal aborted before the start, then no function is called', async () => {
    const { handlers, calls } = stubs();

    const result = await run(handlers, { signal: AbortSignal.abort() });

    expect(result.status).toBe('ABORTED');
    expect(calls).toEqual([]);
  });

  it('given a missing function, a bad execution name or a bad scale, then InvalidLocalRunError before anything runs', async () => {
    const { handlers, calls } = stubs();
    const { rollback: _dropped, ...withoutRollback } = handlers;

    await expect(run(withoutRollback)).rejects.toThrow(InvalidLocalRunError);
    await expect(run(withoutRollback)).rejects.toThrow(/no handler for the function\(s\) rollback/);
    await expect(run(handlers, { executionName: 'has space' })).rejects.toThrow(InvalidLocalRunError);
    await expect(run(handlers, { executionName: 'x'.repeat(81) })).rejects.toThrow(InvalidLocalRunError);
    await expect(run(handlers, { retryIntervalScale: -1 })).rejects.toThrow(InvalidLocalRunError);
    expect(calls).toEqual([]);
  });
});

describe('blue/green branch (stub functions)', () => {
  const blueGreenRun = (overrides: Partial<Record<FunctionName, TaskHandler>>, onWait?: jest.Mock) => {
    const stubbed = stubs(overrides);
    return {
      ...stubbed,
      result: run(stubbed.handlers, {
        input: executionStartInput({ strategy: 'blue_green' }),
        ...(onWait ? { onWait } : {}),
      }),
    };
  };

  it('given a blue_green request, when every gate passes, then provision (polled), workloads, four shift-bake-judge rounds, the final bake and the decommission', async () => {
    const onWait = jest.fn();
    const { result, inputsOf } = blueGreenRun(
      { bluegreen: blueGreenStub({ waits: { provision: 2, readiness: 1, decommission: 1 } }) },
      onWait,
    );
    const r = await result;
    expect(r.status).toBe('SUCCEEDED');
    const visited = r.statesVisited;
    expect(visited.slice(0, 11)).toEqual([
      'PerceptionPhase',
      'ReasoningPhase',
      'CheckDryRun',
      'CheckApproval',
      'CheckStrategy',
      'ProvisionGreen',
      'CheckProvisioning',
      'WaitForProvisioning',
      'ProvisionGreen',
      'CheckProvisioning',
      'WaitForProvisioning',
    ]);
    expect(visited.filter((s) => s === 'ShiftTraffic')).toHaveLength(4);
    expect(visited.filter((s) => s === 'BakeTraffic')).toHaveLength(4);
    expect(visited.slice(-7)).toEqual([
      'FinalBake',
      'DecommissionBlue',
      'CheckDecommission',
      'WaitForDecommission',
      'DecommissionBlue',
      'CheckDecommission',
      'UpgradeSuccess',
    ]);
    expect(visited).not.toContain('PrepareExecution');
    expect(r.taskInvocations.execution).toBeUndefined();
    // Soaks and the final bake are Wait states with the function's seconds.
    expect(onWait).toHaveBeenCalledWith(600, 'BakeTraffic');
    expect(onWait).toHaveBeenCalledWith(3600, 'FinalBake');
    expect(inputsOf('bluegreen').map((i) => i.action)).toContain('gate');
    for (const input of inputsOf('bluegreen')) expect(input.planKey).toBe(PLAN.planKey);
  });

  it('given a breach at 10 %, when judged, then ShiftBackToBlue polls until done and the execution fails, with no decommission', async () => {
    const { result, inputsOf } = blueGreenRun({
      bluegreen: blueGreenStub({ breachAt: 10, waits: { revert: 1 } }),
    });
    const r = await result;
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('UpgradeFailed');
    expect(r.statesVisited.filter((s) => s === 'ShiftTraffic')).toHaveLength(1);
    expect(r.statesVisited).toEqual(
      expect.arrayContaining(['ShiftBackToBlue', 'CheckShiftBack', 'WaitForShiftBack', 'UpgradeFailure']),
    );
    expect(r.statesVisited).not.toContain('DecommissionBlue');
    expect(r.statesVisited).not.toContain('HandleFailure');
    expect(inputsOf('bluegreen').map((i) => i.action)).toEqual([
      'provision',
      'readiness',
      'shift',
      'gate',
      'revert',
      'revert',
    ]);
  });

  it('given green fails to provision, when caught, then AbandonGreen cleans up, then HandleFailure reports the original error', async () => {
    const { result, inputsOf } = blueGreenRun({
      bluegreen: blueGreenStub({ failOn: 'provision', waits: { abandon: 1 } }),
    });
    const r = await result;
    expect(r.status).toBe('FAILED');
    expect(r.statesVisited).toEqual(
      expect.arrayContaining([
        'ProvisionGreen',
        'AbandonGreen',
        'WaitForAbandon',
        'HandleFailure',
        'UpgradeFailure',
      ]),
    );
    expect(r.statesVisited).not.toContain('ShiftTraffic');
    const failure = inputsOf('rollback').at(-1);
    expect(failure).toMatchObject({ mode: 'failure', error: { Error: 'GreenProvisioningFailedError' } });
  });
});

describe('approval gate (approval/mode required)', () => {
  const APPROVAL_PLAN: ReasoningResult = { ...PLAN, approval: { required: true, timeoutSeconds: 3600 } };
  const ANSWER = {
    approved: true,
    by: 'arn:aws:iam::123456789012:user/ana',
    comment: 'CAB-42',
    at: '2026-12-02T09:00:00Z',
  };
  /** Answers from the second ask on: the first is before the function runs, as in AWS nobody has the token yet. */
  const answers = (answer?: TaskTokenAnswer, fromAsk = 2) => {
    const asked: string[] = [];
    return {
      asked,
      taskTokens: {
        answer: async (token: string) => {
          asked.push(token);
          return asked.length >= fromAsk ? answer : undefined;
        },
      },
    };
  };
  const approvalRun = (
    answer: TaskTokenAnswer | undefined,
    options: Partial<RunUpgradeOptions> = {},
    fromAsk = 2,
  ) => {
    const stub = stubs({ reasoning: async () => APPROVAL_PLAN });
    const tokens = answers(answer, fromAsk);
    return { ...stub, tokens, result: run(stub.handlers, { taskTokens: tokens.taskTokens, ...options }) };
  };

  it('given no approval required, when run, then it goes from CheckApproval straight to CheckStrategy', async () => {
    const { handlers, inputsOf } = stubs();
    const result = await run(handlers);
    expect(result.statesVisited).not.toContain('AwaitApproval');
    expect(inputsOf('approval')).toEqual([]);
  });

  it('given an approval, then the request carries the token and timeout, the answer is recorded, and the upgrade runs', async () => {
    const { result, inputsOf, tokens } = approvalRun({ kind: 'success', output: ANSWER });
    const r = await result;
    expect(r.status).toBe('SUCCEEDED');
    expect(r.statesVisited.slice(2, 7)).toEqual([
      'CheckDryRun',
      'CheckApproval',
      'AwaitApproval',
      'RecordApproval',
      'CheckStrategy',
    ]);
    const [request, record] = inputsOf('approval');
    expect(request).toMatchObject({
      action: 'request',
      upgradeId: UPGRADE_ID,
      planKey: PLAN.planKey,
      timeoutSeconds: 3600,
      taskToken: localTaskToken(EXECUTION_NAME),
    });
    expect(record).toMatchObject({ action: 'record', answer: ANSWER });
    expect(tokens.asked).toEqual([localTaskToken(EXECUTION_NAME), localTaskToken(EXECUTION_NAME)]);
    expect(r.output).toMatchObject({ approval: { status: 'approved', by: ANSWER.by } });
  });

  it.each([
    ['a rejection', 'UpgradeRejected', JSON.stringify({ by: 'bob', at: '2026-12-02T09:00:00Z' })],
    ['no answer in time', 'States.Timeout', 'the task timed out'],
  ])(
    'given %s, then RecordRejection records it and HandleFailure ends the upgrade untouched',
    async (_, error, cause) => {
      const { result, inputsOf } = approvalRun({ kind: 'failure', error, cause });
      const r = await result;
      expect(r.status).toBe('FAILED');
      expect(r.statesVisited.slice(4)).toEqual([
        'AwaitApproval',
        'RecordRejection',
        'HandleFailure',
        'CheckFailureOutcome',
        'UpgradeFailure',
      ]);
      expect(inputsOf('approval')[1]).toMatchObject({
        action: 'record',
        error: { Error: error, Cause: cause },
      });
      // HandleFailure reports what RecordRejection made of it, not the raw task error.
      expect(inputsOf('rollback')).toEqual([
        expect.objectContaining({
          mode: 'failure',
          error: {
            Error: error === 'UpgradeRejected' ? 'UpgradeRejected' : 'ApprovalTimedOut',
            Cause: `recorded ${error}`,
          },
        }),
      ]);
      expect(inputsOf('execution')).toEqual([]);
    },
  );

  it('given nobody has answered yet, then the run parks at AwaitApproval (RUNNING), and resumes there once answered, asking only once', async () => {
    const first = approvalRun(undefined);
    const parked = await first.result;
    expect(parked.status).toBe('RUNNING');
    expect(parked.parked).toMatchObject({ state: 'AwaitApproval', token: localTaskToken(EXECUTION_NAME) });
    expect(first.inputsOf('approval').map((i) => i.action)).toEqual(['request']);
    expect(first.inputsOf('execution')).toEqual([]);

    const second = approvalRun(
      { kind: 'success', output: ANSWER },
      { startAt: parked.parked?.state ?? '', input: parked.parked?.input },
      1,
    );
    const resumed = await second.result;
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.statesVisited.slice(0, 3)).toEqual(['AwaitApproval', 'RecordApproval', 'CheckStrategy']);
    expect(second.inputsOf('approval').map((i) => i.action)).toEqual(['record']);
  });
});
