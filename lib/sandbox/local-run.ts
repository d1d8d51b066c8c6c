import { InvalidRequestError } from '../domain/errors';
import { type DomainEvent, EVENT_SOURCE, type EventDetail } from '../domain/events';
import type { Finding, Strategy, UpgradePlan, UpgradeStep } from '../domain/plan-types';
import type { EnvironmentSnapshot } from '../domain/snapshot';
import { nextMinor } from '../domain/version';
import { artifactKeys, loadRecord } from '../phases/records';
import { SANDBOX_TRAFFIC } from './eks/seed';
import type { SandboxState } from './eks/state';
import type { BusEvent, DeliveryReport } from './event-bus';
import { blueGreenFinalState, type FinalState, finalState } from './final-state';
import { createLocalStack, type LocalExecution, type LocalStack } from './local-stack';
import { crashAfterSteps, duplicateReport, resumedSummary, triggerResult } from './run-outcomes';
import { prepareStateDir } from './state-dir';
import { defaultStateDir } from './state-store';

export type { FinalState } from './final-state';
export { CRASH_AFTER_STEPS_ENV } from './run-outcomes';

/**
 * One upgrade on the sandbox, start to end, the way it happens in AWS: an
 * upgrade.requested event is put on the (local) bus, the trigger rule's pattern
 * routes it to the trigger function, which takes the cluster lock and starts the
 * state machine; the phases run in aws-local-stepfunctions, their events are
 * routed by the deployed rules' patterns. Virtual time moves only on Wait states.
 */

export interface SandboxRunOptions {
  /** Default `.eks-upgrade-agent/sandbox` under the current directory. */
  readonly stateDir?: string;
  /**
   * Keep the world already in the state directory instead of starting afresh.
   * Starting afresh removes only the sandbox's own files (lib/sandbox/state-dir.ts).
   */
  readonly keepState?: boolean;
  readonly scenario?: string;
  /** The snapshot a new world starts from. */
  readonly snapshotFile: string;
  /** The same snapshot already read (and validated) by the caller; preferred to reading snapshotFile again. */
  readonly snapshot?: unknown;
  /** Default: the world's first cluster. */
  readonly clusterName?: string;
  /** Default: one minor above the cluster's version. */
  readonly targetVersion?: string;
  readonly strategy?: Strategy;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  /** Default `local-<virtual time>`. */
  readonly requestId?: string;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Configuration over the stored one (the shape stored under /eks-upgrade-agent/<stage>/config). */
  readonly config?: Record<string, unknown>;
}

/** What the person watching sees move. `at` is virtual minutes since the request. */
export type RunProgress =
  | { readonly kind: 'event'; readonly at: number; readonly event: DomainEvent }
  | {
      readonly kind: 'step-started' | 'step-finished';
      readonly at: number;
      readonly index: number;
      readonly total: number;
      readonly step: UpgradeStep;
    }
  | { readonly kind: 'wait'; readonly at: number; readonly seconds: number; readonly state: string }
  | { readonly kind: 'retry'; readonly at: number; readonly state: string; readonly error: string };

export type RunOutcome =
  | 'completed'
  | 'planned'
  | 'blocked'
  | 'rolled-back'
  | 'failed'
  | 'rejected'
  /** The request id had started an upgrade already: it is reported, nothing new started. */
  | 'duplicate'
  /** approval/mode required: the plan waits for a person (`approve` / `reject`). */
  | 'awaiting-approval';

/** When a step ran, in virtual minutes since the request (absent: not seen by this process). */
export interface StepTime {
  /** For a gate: when its soak began. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
}

/** What ran when, as this process watched it (steps a crashed process did have no times). */
export interface RunTimeline {
  /** Minute 0, in virtual time (ISO 8601): when this process began the run. */
  readonly origin: string;
  /** By step id. */
  readonly steps: Readonly<Record<string, StepTime>>;
  /** When the soak before the final validation began. */
  readonly finalSoakFrom?: number;
}

export interface VersionChange {
  readonly resource: string;
  readonly from: string;
  readonly to: string;
}

export interface SandboxRunReport {
  readonly outcome: RunOutcome;
  /** One sentence: why it ended this way. */
  readonly summary: string;
  readonly scenario: string;
  readonly clusterName: string;
  readonly fromVersion: string;
  readonly targetVersion: string;
  readonly strategy: Strategy;
  readonly upgradeId: string;
  readonly executionArn?: string;
  readonly executionStatus?: string;
  /** Executions a crashed process had left running, resumed to their end before this request. */
  readonly resumed: readonly {
    readonly upgradeId: string;
    readonly status: string;
    readonly stepsDoneBeforeCrash: number;
  }[];
  readonly findings: readonly Finding[];
  readonly plannedSteps: number;
  readonly completedSteps: number;
  /** The plan's steps, in order (none without a plan). */
  readonly steps: readonly UpgradeStep[];
  readonly timeline: RunTimeline;
  readonly changes: readonly VersionChange[];
  readonly rollback?: EventDetail<'rollback.completed'>;
  readonly failure?: EventDetail<'upgrade.failed'>;
  readonly validation?: EventDetail<'validation.success'> | EventDetail<'validation.failure'>;
  /** The cluster after the run, read from the simulated EKS: what was reverted and what was kept. */
  readonly finalState: FinalState;
  readonly simulatedMinutes: number;
  readonly wallMilliseconds: number;
  readonly figures: {
    readonly stateTransitions: number;
    readonly lambdaInvocations: Record<string, number>;
    readonly awsApiCalls: Record<string, number>;
    readonly polls: number;
    readonly retries: number;
    readonly eventsPublished: number;
    readonly ruleDeliveries: Record<string, number>;
    readonly deadLettered: number;
    readonly largestStateBytes: number;
    /** Events of the execution's history, counted as Step Functions writes them (quota 25,000). */
    readonly historyEvents: number;
    /** Virtual minutes from the request to the end of the run (the execution's own timeout is 48 h). */
    readonly simulatedMinutes: number;
    /** Step Functions transitions, Lambda requests and PutEvents at list price (compute time not included). */
    readonly estimatedOrchestrationCostUsd: number;
  };
  readonly events: readonly BusEvent[];
  readonly deliveries: readonly DeliveryReport[];
}

// us-east-1 list prices: Standard workflows per transition, Lambda per request, custom events per event.
const PRICE_TRANSITION = 0.000025;
const PRICE_LAMBDA_REQUEST = 0.0000002;
const PRICE_EVENT = 0.000001;

export async function runSandboxUpgrade(options: SandboxRunOptions): Promise<SandboxRunReport> {
  const stateDir = options.stateDir ?? defaultStateDir();
  // Refuses a directory the sandbox did not make before anything else happens.
  prepareStateDir(stateDir, {
    keepState: options.keepState === true,
    createdBy: 'eks-upgrade-agent run --sandbox',
  });
  const wallStart = performance.now();
  let start = 0;
  const minutesSinceStart = () => (stack.world.now().getTime() - start) / 60_000;
  const progress = options.onProgress ?? (() => undefined);
  let plan: UpgradePlan | undefined;
  let lastCompleted = 0;
  let stepTimes: Record<string, { startedAt?: number; finishedAt?: number }> = {};
  let finalSoakFrom: number | undefined;
  const timeStep = (id: string, edge: 'startedAt' | 'finishedAt') => {
    const times = stepTimes[id] ?? {};
    stepTimes[id] = times;
    times[edge] ??= minutesSinceStart();
  };

  const stack = createLocalStack({
    stateDir,
    ...(options.scenario !== undefined ? { scenario: options.scenario } : {}),
    ...(options.snapshot !== undefined
      ? { snapshot: options.snapshot }
      : { snapshotFile: options.snapshotFile }),
    ...crashAfterSteps(),
    ...(options.config !== undefined ? { config: options.config } : {}),
    onEvent: (event) => {
      progress({ kind: 'event', at: minutesSinceStart(), event });
      // The plan is known once reasoning has stored it (before upgrade.started is published).
      if (event.detailType === 'upgrade.started' && plan === undefined) {
        void stack.deps.artifacts.getJson(artifactKeys.plan(event.detail.upgradeId)).then((raw) => {
          plan = raw as UpgradePlan;
        });
      }
    },
    onWait: (seconds, state) => progress({ kind: 'wait', at: minutesSinceStart(), seconds, state }),
    onTask: (name, _input, outcome) => {
      if (name !== 'execution' || outcome.result === undefined) return;
      const result = outcome.result as {
        status?: string;
        gate?: { stepId: string } | null;
        started?: string[];
        finished?: string[];
      };
      for (const id of result.finished ?? []) timeStep(id, 'finishedAt');
      for (const id of result.started ?? []) timeStep(id, 'startedAt');
      // A gate's bar starts with its soak; the final validation's soak starts at `done`.
      if (result.status === 'gate' && result.gate) timeStep(result.gate.stepId, 'startedAt');
      if (result.status === 'done') finalSoakFrom ??= minutesSinceStart();
      if (plan === undefined) return;
      const steps = plan.steps;
      const report = (kind: 'step-started' | 'step-finished', ids: readonly string[] | undefined) => {
        for (const id of ids ?? []) {
          const index = steps.findIndex((s) => s.id === id);
          const step = steps[index];
          if (kind === 'step-finished') lastCompleted += 1;
          if (step) progress({ kind, at: minutesSinceStart(), index: index + 1, total: steps.length, step });
        }
      };
      report('step-finished', result.finished);
      report('step-started', result.started);
    },
  });
  start = stack.world.now().getTime();
  const callsBefore = { ...stack.world.inspect().calls };
  // The executions a killed process left RUNNING carry on first, as in Step Functions
  // they never stopped: their updates finish, and their lock is released when they end.
  const resumed = options.keepState ? await stack.resumeOrphans() : [];
  // Resumed executions have their own timeline: kept apart, for the report of a resumed request.
  const resumedTimeline = { steps: stepTimes, finalSoakFrom };
  stepTimes = {};
  finalSoakFrom = undefined;

  const clusters = Object.keys(stack.world.inspect().clusters);
  const clusterName = options.clusterName ?? clusters[0] ?? '';
  let before = worldSnapshot(stack, clusterName);
  const fromVersion = before.cluster.version;
  const targetVersion = options.targetVersion ?? nextMinor(fromVersion);
  const strategy = options.strategy ?? 'in_place';
  const requestId = options.requestId ?? `local-${stack.world.now().getTime()}`;

  await stack.put({
    detailType: 'upgrade.requested',
    source: EVENT_SOURCE,
    detail: {
      schemaVersion: '1',
      clusterName,
      targetVersion,
      strategy,
      force: options.force === true,
      dryRun: options.dryRun === true,
      requestId,
      requestedBy: 'eks-upgrade-agent run --sandbox',
    },
  } as unknown as DomainEvent);

  const callsAfter = stack.world.inspect().calls;
  const simulatedMinutes = minutesSinceStart();
  const events = stack.bus.published();
  const deliveries = stack.bus.deliveries();
  const triggered = triggerResult(stack);
  const upgradeId = triggered.upgradeId;
  // A duplicate of an execution resumed just now is reported as that execution.
  const execution: LocalExecution | undefined =
    triggered.status === 'rejected' ? undefined : stack.executions.find((e) => e.name === upgradeId);
  plan ??= (await stack.deps.artifacts.getJson(artifactKeys.plan(upgradeId))) as UpgradePlan | undefined;
  const worldAfter = stack.world.inspect();
  // Blue/green may have deleted blue: the cluster that serves now is green.
  const greenName = plan?.steps.find((s) => s.kind === 'provision-cluster')?.name;
  const after =
    worldAfter.clusters[clusterName]?.snapshot ??
    (greenName !== undefined ? worldAfter.clusters[greenName]?.snapshot : undefined) ??
    worldSnapshot(stack, clusterName);
  if (triggered.status === 'duplicate' && execution === undefined) {
    return duplicateReport(stack, triggered, {
      requestId,
      clusterName,
      before,
      targetVersion,
      strategy,
      plan,
      resumed,
      wallMilliseconds: performance.now() - wallStart,
    });
  }
  if (execution?.resumedAfter !== undefined) {
    // The upgrade began in the process that died: its changes count from the snapshot it started from.
    const started = await stack.deps.artifacts.getJson(artifactKeys.snapshot(upgradeId));
    if (started !== undefined) before = started as EnvironmentSnapshot;
  }

  const failure = findDetail(events, 'upgrade.failed', upgradeId);
  const rollback = findDetail(events, 'rollback.completed', upgradeId);
  const validation =
    findDetail(events, 'validation.failure', upgradeId) ??
    findDetail(events, 'validation.success', upgradeId);
  const completed = findDetail(events, 'upgrade.completed', upgradeId);
  const { outcome, summary } = judgeOutcome({
    execution,
    failure,
    rollback,
    completed,
    dryRun: options.dryRun === true,
    plan,
  });

  const invocations: Record<string, number> = { ...(execution?.result.taskInvocations ?? {}) };
  for (const d of deliveries) {
    const fn =
      d.rule === 'upgrade-trigger' ? 'trigger' : d.rule === 'rollback-automation' ? 'rollback' : undefined;
    if (fn) invocations[fn] = (invocations[fn] ?? 0) + d.attempts;
  }
  const apiCalls = diffCalls(callsBefore, callsAfter);
  const ruleDeliveries: Record<string, number> = {};
  for (const d of deliveries) ruleDeliveries[d.rule] = (ruleDeliveries[d.rule] ?? 0) + 1;
  // Step Functions bills every state entered, retries included.
  const stateTransitions =
    (execution?.result.statesVisited.length ?? 0) + (execution?.result.retries.length ?? 0);
  const lambdaTotal = Object.values(invocations).reduce((a, b) => a + b, 0);
  const cost =
    stateTransitions * PRICE_TRANSITION + lambdaTotal * PRICE_LAMBDA_REQUEST + events.length * PRICE_EVENT;

  return {
    outcome,
    summary:
      execution?.resumedAfter !== undefined
        ? `resumed after a crash (${execution.resumedAfter.completedSteps} step(s) were done): ${summary}`
        : summary,
    scenario: stack.world.scenario().name,
    clusterName,
    fromVersion: before.cluster.version,
    targetVersion,
    strategy,
    upgradeId,
    ...(execution ? { executionArn: execution.executionArn, executionStatus: execution.result.status } : {}),
    resumed: resumedSummary(resumed),
    findings: plan?.findings ?? [],
    plannedSteps: plan?.steps.length ?? 0,
    completedSteps: (await loadRecord(stack.deps.artifacts, upgradeId))?.completed.length ?? lastCompleted,
    steps: plan?.steps ?? [],
    timeline: timelineOf(
      start,
      execution?.resumedAfter !== undefined ? resumedTimeline : { steps: stepTimes, finalSoakFrom },
    ),
    changes:
      strategy === 'blue_green'
        ? blueGreenChanges(before, worldAfter, greenName)
        : versionChanges(before, after),
    finalState:
      strategy === 'blue_green'
        ? { ...finalState(after), ...blueGreenFinalState(worldAfter, SANDBOX_TRAFFIC.recordName) }
        : finalState(after),
    ...(rollback ? { rollback } : {}),
    ...(failure ? { failure } : {}),
    ...(validation ? { validation } : {}),
    simulatedMinutes,
    wallMilliseconds: performance.now() - wallStart,
    figures: {
      stateTransitions,
      lambdaInvocations: invocations,
      awsApiCalls: apiCalls,
      polls: execution?.result.taskInvocations.execution ?? 0,
      retries: execution?.result.retries.length ?? 0,
      eventsPublished: events.length,
      ruleDeliveries,
      deadLettered: deliveries.filter((d) => d.outcome === 'dead-lettered').length,
      largestStateBytes: execution?.result.largestState.bytes ?? 0,
      historyEvents: execution?.result.historyEvents ?? 0,
      simulatedMinutes,
      estimatedOrchestrationCostUsd: Number(cost.toFixed(6)),
    },
    events,
    deliveries,
  };
}

/**
 * The cluster as the world holds it, read around the EKS API: the report must not
 * spend the scenario's faults (throttling) or count as the upgrade's calls.
 * @throws InvalidRequestError for a cluster the world does not have.
 */
function worldSnapshot(stack: LocalStack, clusterName: string): EnvironmentSnapshot {
  const world = stack.world.inspect().clusters[clusterName];
  if (world === undefined) {
    const known = Object.keys(stack.world.inspect().clusters).join(', ');
    throw new InvalidRequestError(`the sandbox has no cluster ${clusterName} (it has: ${known})`);
  }
  return world.snapshot;
}

function timelineOf(
  origin: number,
  t: { steps: RunTimeline['steps']; finalSoakFrom: number | undefined },
): RunTimeline {
  return {
    origin: new Date(origin).toISOString(),
    steps: t.steps,
    ...(t.finalSoakFrom !== undefined ? { finalSoakFrom: t.finalSoakFrom } : {}),
  };
}

function findDetail<
  T extends
    | 'upgrade.failed'
    | 'rollback.completed'
    | 'validation.success'
    | 'validation.failure'
    | 'upgrade.completed',
>(events: readonly BusEvent[], type: T, upgradeId?: string): EventDetail<T> | undefined {
  const found = [...events]
    .reverse()
    .find((e) => e['detail-type'] === type && (upgradeId === undefined || e.detail.upgradeId === upgradeId));
  return found?.detail as EventDetail<T> | undefined;
}

function judgeOutcome(input: {
  execution: LocalExecution | undefined;
  failure: EventDetail<'upgrade.failed'> | undefined;
  rollback: EventDetail<'rollback.completed'> | undefined;
  completed: EventDetail<'upgrade.completed'> | undefined;
  dryRun: boolean;
  plan: UpgradePlan | undefined;
}): { outcome: RunOutcome; summary: string } {
  const { execution, failure, rollback, completed, plan } = input;
  if (completed)
    return { outcome: 'completed', summary: `upgraded to ${completed.targetVersion} and validated` };
  if (execution === undefined) {
    return { outcome: 'rejected', summary: failure?.reason ?? 'the request did not start an upgrade' };
  }
  if (rollback) {
    return { outcome: 'rolled-back', summary: failure?.reason ?? `rollback ${rollback.outcome}` };
  }
  if (execution.result.parked) {
    const id = execution.name;
    return {
      outcome: 'awaiting-approval',
      summary: `the plan waits for approval: eks-upgrade-agent approve ${id} --sandbox (or reject ${id} --sandbox)`,
    };
  }
  if (failure?.error.name === 'PlanBlockedError') return { outcome: 'blocked', summary: failure.reason };
  if (failure) return { outcome: 'failed', summary: `${failure.phase} failed: ${failure.reason}` };
  if (input.dryRun && execution.result.status === 'SUCCEEDED') {
    return {
      outcome: plan?.verdict === 'blocked' ? 'blocked' : 'planned',
      summary: `dry run: ${plan?.steps.length ?? 0} steps planned, nothing changed`,
    };
  }
  return {
    outcome: 'failed',
    summary: `the execution ended ${execution.result.status}${execution.result.error ? ` (${execution.result.error})` : ''}`,
  };
}

function versionChanges(before: EnvironmentSnapshot, after: EnvironmentSnapshot): VersionChange[] {
  const changes: VersionChange[] = [];
  if (before.cluster.version !== after.cluster.version) {
    changes.push({
      resource: `control plane ${before.cluster.name}`,
      from: before.cluster.version,
      to: after.cluster.version,
    });
  }
  for (const ng of after.nodegroups) {
    const old = before.nodegroups.find((n) => n.nodegroupName === ng.nodegroupName);
    if (old && old.version !== ng.version) {
      changes.push({
        resource: `node group ${ng.nodegroupName}`,
        from: old.version ?? '?',
        to: ng.version ?? '?',
      });
    }
  }
  for (const addon of after.addons) {
    const old = before.addons.find((a) => a.addonName === addon.addonName);
    if (old && old.addonVersion !== addon.addonVersion) {
      changes.push({ resource: `add-on ${addon.addonName}`, from: old.addonVersion, to: addon.addonVersion });
    }
  }
  return changes;
}

/** Blue/green changes: green created, blue deleted (or not), with their versions. */
function blueGreenChanges(
  before: EnvironmentSnapshot,
  after: SandboxState,
  greenName: string | undefined,
): VersionChange[] {
  const changes: VersionChange[] = [];
  const green = greenName !== undefined ? after.clusters[greenName] : undefined;
  if (greenName !== undefined && green) {
    changes.push({ resource: `cluster ${greenName}`, from: 'none', to: green.snapshot.cluster.version });
  }
  const blue = before.cluster.name;
  if (after.deletedClusters[blue])
    changes.push({ resource: `cluster ${blue}`, from: before.cluster.version, to: 'deleted' });
  return changes;
}

function diffCalls(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [op, count] of Object.entries(after)) {
    const d = count - (before[op] ?? 0);
    if (d > 0) out[op] = d;
  }
  return out;
}
