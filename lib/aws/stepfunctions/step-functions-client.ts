import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type LoggingConfiguration,
  paginateListExecutions,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import {
  assertExecutionName,
  executionArnFor,
  executionName,
  executionNamePrefix,
} from '../../domain/execution-name';
import { canonicalJson, shortHash } from '../../domain/hash';
import type { ExistingExecution, StartOutcome } from '../../ports';
import { realSleep, type Sleep } from '../backoff';
import { mapBounded } from '../concurrency';
import {
  ExecutionAlreadyRunningError,
  ExecutionInputConflictError,
  UnexpectedResponseError,
} from '../errors';
import { createSfnClient } from './clients';
import { type ExecutionDescription, parseDescription } from './execution-description';
import { type ExecutionResult, type WaitOptions, waitForTerminal } from './wait';

/** The seed's StateMachineDefinition. */
export interface StateMachineDefinition {
  readonly name: string;
  /** Amazon States Language, as an object or as JSON text. */
  readonly definition: Record<string, unknown> | string;
  readonly roleArn: string;
  /** Default STANDARD: upgrades outlast Express workflows' 5 minutes. */
  readonly type?: 'STANDARD' | 'EXPRESS';
  readonly loggingConfiguration?: LoggingConfiguration;
  readonly tracingEnabled?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface StartExecutionOptions {
  /** The caller's request id; default a hash of the input, so the same input starts one execution. */
  readonly requestId?: string;
  /** An explicit name instead of the derived one. */
  readonly name?: string;
}

/** A started execution; `alreadyExisted` when the same name and input had started one before. */
export interface StartedExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly alreadyExisted: boolean;
  /** The earlier execution's status, when it already existed. */
  readonly status?: string;
}

export interface ExecutionSummary {
  readonly executionArn: string;
  readonly name: string;
  readonly startDate?: string;
}

export interface StepFunctionsClientOptions {
  readonly client?: SFNClient;
  readonly sleep?: Sleep;
  /** Milliseconds since the epoch; injected by tests with `sleep`, so waiting costs no time. */
  readonly now?: () => number;
}

/** The seed's StepFunctionsClient. */
export class StepFunctionsClient {
  private readonly client: SFNClient;
  private readonly sleep: Sleep;
  private readonly now: () => number;

  constructor(options: StepFunctionsClientOptions = {}) {
    this.client = options.client ?? createSfnClient();
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
  }

  /** Creates a state machine and returns its ARN (AWS returns the same ARN for an identical repeat). */
  async createStateMachine(definition: StateMachineDefinition): Promise<string> {
    const out = await this.client.send(
      new CreateStateMachineCommand({
        name: definition.name,
        definition: asText(definition.definition),
        roleArn: definition.roleArn,
        type: definition.type ?? 'STANDARD',
        loggingConfiguration: definition.loggingConfiguration,
        tracingConfiguration:
          definition.tracingEnabled === undefined ? undefined : { enabled: definition.tracingEnabled },
        tags: definition.tags
          ? Object.entries(definition.tags).map(([key, value]) => ({ key, value }))
          : undefined,
      }),
    );
    if (out.stateMachineArn === undefined) throw new UnexpectedResponseError('CreateStateMachine', 'no ARN');
    return out.stateMachineArn;
  }

  /** Updates a state machine's definition, role, logging or tracing; returns when it was updated. */
  async updateStateMachine(
    stateMachineArn: string,
    changes: Partial<Omit<StateMachineDefinition, 'name' | 'type' | 'tags'>>,
  ): Promise<{ updateDate: string; revisionId?: string }> {
    const out = await this.client.send(
      new UpdateStateMachineCommand({
        stateMachineArn,
        definition: changes.definition === undefined ? undefined : asText(changes.definition),
        roleArn: changes.roleArn,
        loggingConfiguration: changes.loggingConfiguration,
        tracingConfiguration:
          changes.tracingEnabled === undefined ? undefined : { enabled: changes.tracingEnabled },
      }),
    );
    return {
      updateDate: (out.updateDate ?? new Date(this.now())).toISOString(),
      ...(out.revisionId !== undefined ? { revisionId: out.revisionId } : {}),
    };
  }

  /**
   * Starts an execution under a deterministic name (cluster, target version, request
   * id), so a duplicate start of one request never starts a second upgrade: Step
   * Functions returns the running execution, and a closed one with the same input
   * is returned here too.
   * @throws ExecutionInputConflictError when the name is taken by an execution with a different input.
   * @throws InvalidRequestError when an explicit name is invalid.
   */
  async startExecution(
    stateMachineArn: string,
    input: Record<string, unknown>,
    options: StartExecutionOptions = {},
  ): Promise<StartedExecution> {
    const name = options.name ?? deriveName(input, options.requestId);
    const outcome = await this.startNamed(stateMachineArn, name, input);
    switch (outcome.kind) {
      case 'started':
        return { executionArn: outcome.executionArn, name, alreadyExisted: false };
      case 'existing':
        return { executionArn: outcome.executionArn, name, alreadyExisted: true, status: outcome.status };
      case 'conflict':
        throw new ExecutionInputConflictError(name);
    }
  }

  /**
   * StartExecution under `name`, with Step Functions' answers for a name in use as data:
   * ExecutionAlreadyExists (a closed execution whatever its input, or an open one with
   * another input) is described and becomes `existing` (same input) or `conflict`.
   * @throws InvalidRequestError when the name is invalid.
   */
  async startNamed(
    stateMachineArn: string,
    name: string,
    input: Record<string, unknown>,
  ): Promise<StartOutcome> {
    assertExecutionName(name);
    try {
      const out = await this.client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      if (out.executionArn === undefined)
        throw new UnexpectedResponseError('StartExecution', 'no execution ARN');
      return { kind: 'started', executionArn: out.executionArn };
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
      const existing = await this.findExecution(stateMachineArn, name, input);
      if (existing === undefined) {
        throw new UnexpectedResponseError(
          'StartExecution',
          `ExecutionAlreadyExists for ${name}, but DescribeExecution does not find it`,
        );
      }
      const { executionArn, status } = existing;
      return existing.sameInput
        ? { kind: 'existing', executionArn, status }
        : { kind: 'conflict', executionArn, status };
    }
  }

  /**
   * The execution named `name` (DescribeExecution), and whether its input is `input`
   * (compared as canonical JSON); undefined when there is no such execution
   * (ExecutionDoesNotExist: never started, or older than Step Functions keeps them).
   */
  async findExecution(
    stateMachineArn: string,
    name: string,
    input: Record<string, unknown>,
  ): Promise<ExistingExecution | undefined> {
    const executionArn = executionArnFor(stateMachineArn, name);
    let existing: ExecutionDescription;
    try {
      existing = await this.describeExecution(executionArn);
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
    return {
      executionArn: existing.executionArn,
      status: existing.status,
      sameInput: canonicalJson(existing.input) === canonicalJson(input),
    };
  }

  /** The execution's status, input and output (parsed JSON), error and dates. */
  async describeExecution(executionArn: string): Promise<ExecutionDescription> {
    const out = await this.client.send(new DescribeExecutionCommand({ executionArn }));
    return parseDescription(out, executionArn);
  }

  /**
   * Polls until the execution ends, with growing intervals.
   * @throws ExecutionWaitTimeoutError when it is still running after `timeoutMs`.
   */
  waitForExecution(executionArn: string, options: WaitOptions = {}): Promise<ExecutionResult> {
    return waitForTerminal(() => this.describeExecution(executionArn), executionArn, options, {
      sleep: this.sleep,
      now: this.now,
    });
  }

  /** Stops a running execution; returns when it stopped. */
  async stopExecution(
    executionArn: string,
    reason: { error?: string; cause?: string } = {},
  ): Promise<string> {
    const out = await this.client.send(
      new StopExecutionCommand({ executionArn, error: reason.error, cause: reason.cause }),
    );
    return (out.stopDate ?? new Date(this.now())).toISOString();
  }

  /**
   * Running executions that upgrade `clusterName`: running executions whose name
   * has the cluster's prefix, confirmed by the cluster named in their input.
   */
  async listRunningExecutions(stateMachineArn: string, clusterName: string): Promise<ExecutionSummary[]> {
    const prefix = executionNamePrefix(clusterName);
    const candidates: ExecutionSummary[] = [];
    const input = { stateMachineArn, statusFilter: 'RUNNING' as const };
    for await (const page of paginateListExecutions({ client: this.client }, input)) {
      for (const e of page.executions ?? []) {
        if (e.executionArn === undefined || e.name === undefined || !e.name.startsWith(prefix)) continue;
        candidates.push({
          executionArn: e.executionArn,
          name: e.name,
          ...(e.startDate ? { startDate: e.startDate.toISOString() } : {}),
        });
      }
    }
    const confirmed = await mapBounded(candidates, 5, async (c) => {
      const described = await this.describeExecution(c.executionArn);
      return described.status === 'RUNNING' && clusterOf(described.input) === clusterName;
    });
    return candidates.filter((_, i) => confirmed[i]);
  }

  /**
   * Refuses a second concurrent upgrade of one cluster.
   * @throws ExecutionAlreadyRunningError naming the running executions.
   */
  async assertNoRunningExecution(stateMachineArn: string, clusterName: string): Promise<void> {
    const running = await this.listRunningExecutions(stateMachineArn, clusterName);
    if (running.length > 0) {
      throw new ExecutionAlreadyRunningError(
        clusterName,
        running.map((r) => r.executionArn),
      );
    }
  }
}

function asText(definition: Record<string, unknown> | string): string {
  return typeof definition === 'string' ? definition : JSON.stringify(definition);
}

/** The cluster an execution input names (the agent's camelCase or the seed's snake_case). */
function clusterOf(input: unknown): string | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const record = input as Record<string, unknown>;
  const value = record.clusterName ?? record.cluster_name;
  return typeof value === 'string' ? value : undefined;
}

function deriveName(input: Record<string, unknown>, requestId: string | undefined): string {
  const clusterName = clusterOf(input);
  const target = input.targetVersion ?? input.target_version;
  const request = requestId ?? (typeof input.requestId === 'string' ? input.requestId : undefined);
  if (clusterName === undefined || typeof target !== 'string') {
    return `run-${shortHash(canonicalJson([input, request ?? null]), 24)}`;
  }
  return executionName({
    clusterName,
    targetVersion: target,
    requestId: request ?? shortHash(canonicalJson(input), 16),
  });
}
