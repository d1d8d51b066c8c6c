import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotAwaitingApprovalError } from '../domain/errors';
import type { DomainEvent } from '../domain/events';
import { approvalPhase, REJECTED_ERROR } from '../phases/approval';
import { blueGreenPhase } from '../phases/blue-green';
import type { PhaseDeps } from '../phases/deps';
import { executePhase } from '../phases/execution';
import { perceive } from '../phases/perception';
import { reasonPhase } from '../phases/reasoning';
import { type OncePerUpgrade, rollbackPhase } from '../phases/rollback';
import { type ExecutionStarter, type TriggerResult, triggerUpgrade } from '../phases/trigger';
import { validatePhase } from '../phases/validation';
import type {
  ApprovalDecider,
  EventHistory,
  ExecutionReader,
  RecordedEvent,
  UpgradeExecution,
} from '../ports';
import { FileArtifactStore } from './artifact-store';
import { FileClusterLock } from './cluster-lock';
import { SandboxConfigSource } from './config-source';
import { createSandboxWorld, type SandboxWorld } from './eks';
import { SANDBOX_TRAFFIC } from './eks/seed';
import { type BusEvent, EVENTS_FILE_NAME, LocalEventBus, type LocalRule } from './event-bus';
import { executionTimeoutSeconds } from './local-sfn/definition';
import { LocalExecutionRegistry } from './local-sfn/executions';
import { resumePoint } from './local-sfn/resume';
import {
  type LocalExecutionResult,
  type LocalStateEvent,
  localExecutionArn,
  runUpgradeStateMachine,
  type TaskHandler,
} from './local-sfn/runner';
import { fileOncePerUpgrade } from './once';
import { RULE_PATTERNS } from './rules';
import type { Scenario } from './scenarios';
import { defaultStateDir } from './state-store';

/** The sandbox's metrics source: the world publishes synthetic service metrics under it. */
export const SANDBOX_METRICS_SOURCE = {
  type: 'custom',
  namespace: 'EksUpgradeAgent/Sandbox',
  errorRateMetric: 'ErrorRate',
  latencyP99Metric: 'LatencyP99',
  dimensions: {},
} as const;

/**
 * Where the simulator (lib/sandbox/sim) records and injects faults: around the ports
 * the phases get, the functions the state machine and the rules call, and the rules'
 * targets. Each wrapper returns what it wraps when it has nothing to add.
 */
export interface StackInterception {
  readonly deps?: (deps: PhaseDeps) => PhaseDeps;
  readonly fn?: (name: string, fn: TaskHandler) => TaskHandler;
  readonly target?: (rule: string, target: LocalRule['target']) => LocalRule['target'];
  readonly onStateEvent?: (execution: string, event: LocalStateEvent) => void;
  /**
   * The process's death: once aborted, the execution stops where it is and stays
   * RUNNING in executions.json, as after `kill -9`, for a later `resumeOrphans`.
   */
  readonly kill?: AbortSignal;
}

export interface LocalStackOptions {
  /** Default `.eks-upgrade-agent/sandbox` under the current directory. */
  readonly stateDir?: string;
  /** A scenario name, or a generated scenario (the simulator's). */
  readonly scenario?: string | Scenario;
  readonly snapshotFile?: string;
  readonly snapshot?: unknown;
  /** Raw configuration overrides (the shape stored under /eks-upgrade-agent/<stage>/config). */
  readonly config?: Record<string, unknown>;
  /** Called when the state machine would wait; virtual time has already moved on. */
  readonly onWait?: (seconds: number, state: string) => void;
  /** Called for every event a function publishes (before the bus delivers it). */
  readonly onEvent?: (event: DomainEvent) => void;
  /** Called after every function invocation, with its result or its error. */
  readonly onTask?: (name: string, input: unknown, outcome: { result?: unknown; error?: unknown }) => void;
  /**
   * Crash tests only: the process kills itself (SIGKILL) right after the execution
   * phase's first answer with at least this many steps done, as `kill -9` would
   * mid-upgrade. Counted in steps, not answers, so it lands at the same point of the
   * upgrade whatever the poll interval.
   */
  readonly crashAfterSteps?: number;
  readonly intercept?: StackInterception;
}

/** One execution the local starter ran. */
export interface LocalExecution {
  readonly name: string;
  readonly executionArn: string;
  readonly result: LocalExecutionResult;
  /** Set when it was resumed after its process died, with the steps already done then. */
  readonly resumedAfter?: { readonly completedSteps: number };
}

/**
 * The whole stack on one machine: the sandbox EKS world, file-backed artifact
 * store, lock, configuration and idempotency, the local bus with the deployed
 * rules' patterns, the five phase functions and the trigger, and a starter that
 * runs statemachines/upgrade.asl.yml in aws-local-stepfunctions. Only the
 * adapters are local: the phases, the rules and the state machine are the ones
 * that are deployed.
 */
export interface LocalStack {
  readonly stateDir: string;
  readonly world: SandboxWorld;
  readonly bus: LocalEventBus;
  readonly deps: PhaseDeps;
  readonly once: OncePerUpgrade;
  readonly starter: ExecutionStarter;
  /** The Lambda functions by their serverless.yml names, called in-process. */
  readonly functions: Readonly<Record<string, (input: unknown) => Promise<unknown>>>;
  /** Executions started (or resumed) so far, in this process. */
  readonly executions: readonly LocalExecution[];
  /** What each call of the trigger function returned, or threw, in order. */
  readonly triggerOutcomes: readonly ({ result: TriggerResult } | { error: unknown })[];
  /**
   * Resumes, to their end, the executions left RUNNING by a process that died
   * (kill -9, a crash), as Step Functions would have carried on with them.
   */
  resumeOrphans(): Promise<LocalExecution[]>;
  /** Publishes an event as a client's PutEvents would, and delivers everything it causes. */
  put(event: DomainEvent): Promise<void>;
  /** The executions in the state directory, as DescribeExecution and ListExecutions tell them. */
  readonly executionReader: ExecutionReader;
  /** The events each upgrade published, from the state directory's events.jsonl (the audit log's stand-in). */
  readonly eventHistory: EventHistory;
  /**
   * Answers an execution parked at AwaitApproval and runs it on, in this process, to
   * its end (or its next wait for a token): what SendTaskSuccess/Failure set off in AWS.
   */
  readonly approvals: ApprovalDecider;
  /**
   * Ends the wait of an execution parked at AwaitApproval as its timeout would
   * (States.Timeout), virtual time moved to the deadline, and runs it on.
   */
  expireApproval(upgradeId: string, seconds: number): Promise<void>;
}

export function createLocalStack(options: LocalStackOptions = {}): LocalStack {
  const stateDir = options.stateDir ?? defaultStateDir();
  const world = createSandboxWorld({
    stateDir,
    ...(options.scenario !== undefined ? { scenario: options.scenario } : {}),
    ...(options.snapshotFile !== undefined ? { snapshotFile: options.snapshotFile } : {}),
    ...(options.snapshot !== undefined ? { snapshot: options.snapshot } : {}),
  });
  const clock = world.clock;
  const executions: LocalExecution[] = [];
  const triggerOutcomes: ({ result: TriggerResult } | { error: unknown })[] = [];
  const once = fileOncePerUpgrade({ stateDir, clock, purpose: 'rollback' });

  // The bus's targets call the functions, and the functions publish to the bus.
  let bus: LocalEventBus | undefined;
  const publisher = {
    publish: async (events: readonly DomainEvent[]) => {
      if (bus === undefined) throw new Error('the local bus is not ready');
      for (const event of events) options.onEvent?.(event);
      await bus.publish(events);
    },
  };
  const intercept = options.intercept ?? {};
  const baseDeps: PhaseDeps = {
    snapshots: world.snapshotReader,
    updates: world.updateRunner,
    insights: world.insightsReader,
    controlPlaneRollback: world.updateRunner,
    nodegroups: world.nodegroups,
    provisioner: world.provisioner,
    traffic: world.traffic,
    readiness: world.readiness,
    events: publisher,
    metricsFor: (source) => (source.type === 'none' ? undefined : world.metricsReader),
    artifacts: new FileArtifactStore({ stateDir }),
    locks: new FileClusterLock({ stateDir, clock }),
    config: new SandboxConfigSource({
      stateDir,
      overrides: {
        validation: { metrics: SANDBOX_METRICS_SOURCE },
        blueGreen: {
          hostedZoneId: SANDBOX_TRAFFIC.hostedZoneId,
          recordName: SANDBOX_TRAFFIC.recordName,
          recordTargetPattern: SANDBOX_TRAFFIC.recordTargetPattern,
          healthCheckUrl: SANDBOX_TRAFFIC.healthCheckUrl,
          ...(options.config?.blueGreen as Record<string, unknown> | undefined),
        },
        ...Object.fromEntries(Object.entries(options.config ?? {}).filter(([key]) => key !== 'blueGreen')),
      },
    }),
    clock,
    executionTimeoutSeconds: executionTimeoutSeconds(),
  };
  const deps = intercept.deps ? intercept.deps(baseDeps) : baseDeps;
  const drained = <R>(name: string, work: (input: unknown) => Promise<R>) => {
    const fn = (intercept.fn?.(name, work) ?? work) as (input: unknown) => Promise<R>;
    return async (input: unknown): Promise<R> => {
      try {
        const result = await fn(input);
        options.onTask?.(name, input, { result });
        return result;
      } catch (error) {
        options.onTask?.(name, input, { error });
        throw error;
      } finally {
        await bus?.drain();
      }
    };
  };
  const phases: Record<string, (input: unknown) => Promise<unknown>> = {
    perception: drained('perception', (input: unknown) => perceive(input, deps)),
    reasoning: drained('reasoning', (input: unknown) => reasonPhase(input, deps)),
    execution: drained('execution', async (input: unknown) => {
      const result = await executePhase(input, deps);
      const crashAt = options.crashAfterSteps;
      if (crashAt !== undefined && result.progress.done >= crashAt) process.kill(process.pid, 'SIGKILL');
      return result;
    }),
    validation: drained('validation', (input: unknown) => validatePhase(input, deps)),
    rollback: drained('rollback', (input: unknown) => rollbackPhase(input, deps, once)),
    bluegreen: drained('bluegreen', (input: unknown) => blueGreenPhase(input, deps)),
    approval: drained('approval', (input: unknown) => approvalPhase(input, deps, { stage: 'local' })),
  };
  // Step Functions keeps execution names: registered at the start, so a concurrent
  // start of the same name and input finds the execution instead of starting another.
  const registry = new LocalExecutionRegistry(stateDir);
  const runExecution = async (
    name: string,
    input: Record<string, unknown>,
    resumed?: { startAt?: string; completedSteps: number },
  ): Promise<LocalExecution> => {
    let result: LocalExecutionResult;
    try {
      result = await runUpgradeStateMachine({
        input,
        executionName: name,
        handlers: phases,
        ...(resumed?.startAt !== undefined ? { startAt: resumed.startAt } : {}),
        ...(intercept.kill ? { signal: intercept.kill } : {}),
        ...(intercept.onStateEvent ? { onStateEvent: (e) => intercept.onStateEvent?.(name, e) } : {}),
        taskTokens: { answer: async () => registry.answerFor(name) },
        now: () => clock.now(),
        onWait: (seconds, state) => {
          world.advance(seconds / 60);
          options.onWait?.(seconds, state);
        },
      });
    } catch (error) {
      registry.finish(name, 'FAILED', clock.now());
      throw error;
    }
    // A process that died records no end: the execution is an orphan (still RUNNING) now.
    if (intercept.kill?.aborted) registry.abandon(name);
    else if (result.parked) registry.park(name, result.parked.state, result.parked.input);
    else registry.finish(name, result.status, clock.now());
    const execution: LocalExecution = {
      name,
      executionArn: result.executionArn,
      result,
      ...(resumed ? { resumedAfter: { completedSteps: resumed.completedSteps } } : {}),
    };
    executions.push(execution);
    return execution;
  };
  // Unlike StartExecution, the local start returns when the execution has ended.
  const starter: ExecutionStarter = {
    find: async (name, input) => registry.find(name, input),
    start: async (name, input) => {
      const outcome = registry.register(name, input, localExecutionArn(name), clock.now());
      if (outcome.kind === 'started') await runExecution(name, input);
      return outcome;
    },
  };
  const resumeOrphans = async (): Promise<LocalExecution[]> => {
    const resumed: LocalExecution[] = [];
    for (const orphan of registry.adoptOrphans()) {
      const point = await resumePoint(deps.artifacts, orphan);
      resumed.push(
        await runExecution(orphan.name, point.input, {
          ...(point.startAt !== undefined ? { startAt: point.startAt } : {}),
          completedSteps: point.completedSteps,
        }),
      );
      await bus?.drain();
    }
    return resumed;
  };
  /** Runs a parked execution on once its token has an answer (and this process took it). */
  const runAnswered = async (name: string): Promise<void> => {
    const adopted = registry.adoptAnswered(name);
    if (adopted === undefined) return;
    await runExecution(name, adopted.input, { startAt: adopted.state, completedSteps: 0 });
    await bus?.drain();
  };
  const approvals: ApprovalDecider = {
    decide: async (upgradeId, decision) => {
      const at = clock.now().toISOString();
      const comment = decision.comment ?? '';
      const answered = registry.answerParked(
        upgradeId,
        decision.approve
          ? { kind: 'success', output: { approved: true, by: decision.by, comment, at } }
          : {
              kind: 'failure',
              error: REJECTED_ERROR,
              cause: JSON.stringify({ by: decision.by, ...(comment ? { comment } : {}), at }),
            },
      );
      if (!answered) throw notAwaiting(upgradeId);
      await runAnswered(upgradeId);
    },
  };
  const notAwaiting = (upgradeId: string) => {
    const found = registry.list().find((e) => e.name === upgradeId);
    return new NotAwaitingApprovalError(
      found === undefined
        ? `no upgrade ${upgradeId} in ${stateDir}`
        : `upgrade ${upgradeId} is ${found.status} and not waiting for an approval (it may have been answered already)`,
    );
  };
  const asUpgradeExecution = (e: ReturnType<LocalExecutionRegistry['list']>[number]): UpgradeExecution => ({
    upgradeId: e.name,
    executionArn: e.executionArn,
    status: e.status,
    startedAt: e.startedAt ?? '',
    ...(e.stoppedAt !== undefined ? { stoppedAt: e.stoppedAt } : {}),
    input: e.input,
  });
  const executionReader: ExecutionReader = {
    describe: async (upgradeId) => {
      const found = registry.list().find((e) => e.name === upgradeId);
      return found === undefined ? undefined : asUpgradeExecution(found);
    },
    list: async ({ clusterName, limit }) =>
      registry
        .list()
        .filter(
          (e) =>
            clusterName === undefined ||
            (e.input.request as { clusterName?: string } | undefined)?.clusterName === clusterName,
        )
        .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))
        .slice(0, limit)
        .map(asUpgradeExecution),
  };
  const eventHistory: EventHistory = {
    eventsOf: async (upgradeId) => {
      const file = join(stateDir, EVENTS_FILE_NAME);
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as RecordedEvent)
        .filter((e) => e.detail?.upgradeId === upgradeId);
    },
  };
  const expireApproval = async (upgradeId: string, seconds: number): Promise<void> => {
    world.advance(seconds / 60);
    const answered = registry.answerParked(upgradeId, {
      kind: 'failure',
      error: 'States.Timeout',
      cause: `no answer to the task token within ${seconds} s`,
    });
    if (!answered) throw notAwaiting(upgradeId);
    await runAnswered(upgradeId);
  };
  const functions: Record<string, (input: unknown) => Promise<unknown>> = {
    ...phases,
    trigger: drained('trigger', async (input: unknown) => {
      try {
        const result = await triggerUpgrade(input, { ...deps, starter });
        triggerOutcomes.push({ result });
        return result;
      } catch (error) {
        triggerOutcomes.push({ error });
        throw error;
      }
    }),
  };

  mkdirSync(stateDir, { recursive: true });
  const appendTo = (file: string) => async (event: BusEvent) => {
    appendFileSync(join(stateDir, file), `${JSON.stringify(event)}\n`);
  };
  const target = (rule: string, deliver: LocalRule['target']) => intercept.target?.(rule, deliver) ?? deliver;
  bus = new LocalEventBus({
    stateDir,
    clock,
    rules: [
      {
        name: 'upgrade-trigger',
        pattern: RULE_PATTERNS['upgrade-trigger'],
        target: target('upgrade-trigger', async (e) => void (await functions.trigger?.(e))),
      },
      {
        name: 'rollback-automation',
        pattern: RULE_PATTERNS['rollback-automation'],
        target: target('rollback-automation', async (e) => void (await functions.rollback?.(e))),
      },
      {
        name: 'notifications',
        pattern: RULE_PATTERNS.notifications,
        target: target('notifications', appendTo('notifications.jsonl')),
      },
      { name: 'audit', pattern: RULE_PATTERNS.audit, target: target('audit', appendTo('audit.jsonl')) },
    ],
  });
  const localBus = bus;
  return {
    stateDir,
    world,
    bus: localBus,
    deps,
    once,
    starter,
    functions,
    executions,
    triggerOutcomes,
    resumeOrphans,
    put: async (event) => {
      await localBus.publish([event]);
      await localBus.drain();
    },
    executionReader,
    approvals,
    eventHistory,
    expireApproval,
  };
}
