import { type AgentConfig, activeWindow } from '../domain/config';
import { nextCheckSeconds } from '../domain/detection';
import { InvalidRequestError, PlanBlockedError } from '../domain/errors';
import {
  currentStep,
  type ExecutionProgress,
  type InFlightUpdate,
  InsightBlocksHopError,
  insightsBlockingHop,
  passStep,
  StepFailedError,
  UpgradeHaltedError,
} from '../domain/execution';
import { opensHop, windowWait } from '../domain/maintenance-window';
import { mayStart, type StepInFlight } from '../domain/parallel-steps';
import type { GateStage, UpgradeStep } from '../domain/plan-types';
import { clientRequestToken } from '../domain/request-token';
import { scheduleProblem } from '../domain/schedule';
import type { UpdateRef } from '../ports';
import { executionInput, parseInput } from './contracts';
import type { ExecutionDeps } from './deps';
import { UpgradeEvents } from './emit';
import { loadPlan, requireRecord, saveRecord } from './records';

/** The gate the state machine is to run next (the ValidationPhase in gate mode). */
export interface GateRef {
  readonly stepId: string;
  readonly stage: GateStage;
  readonly hop: string;
}

export interface ExecutionResult {
  /**
   * waiting: poll again after waitSeconds; gate: soak, then validate the gate; done: soak,
   * then the final validation; window: the next hop waits for the maintenance window
   * (the state machine waits until waitUntil).
   */
  readonly status: 'waiting' | 'gate' | 'done' | 'window';
  readonly waitSeconds: number;
  readonly soakSeconds: number;
  readonly progress: ExecutionProgress;
  /** Always present (null unless status is gate): a state machine path must exist to be read. */
  readonly gate: GateRef | null;
  /** When the next maintenance window opens (ISO 8601 UTC); always present, null unless status is window. */
  readonly waitUntil: string | null;
  /** Ids of the steps started and ended in this call, for whoever watches (the state machine drops them). */
  readonly started?: readonly string[];
  readonly finished?: readonly string[];
}

const GATE_SOAK: Record<GateStage, keyof AgentConfig['validation']['gates']> = {
  'control-plane': 'controlPlaneSoakSeconds',
  canary: 'canarySoakSeconds',
  nodegroups: 'nodegroupsSoakSeconds',
};

function updateRef(clusterName: string, step: UpgradeStep, updateId: string): UpdateRef {
  switch (step.kind) {
    case 'addon':
      return { clusterName, updateId, addonName: step.name };
    case 'nodegroup':
      return { clusterName, updateId, nodegroupName: step.name };
    default:
      return { clusterName, updateId };
  }
}

/**
 * Execution, one invocation per poll: reads every update in flight (one
 * DescribeUpdate each, together), records those that ended, then starts what may
 * start: the next step, or node-group updates of one run up to
 * `execution/maxParallelNodegroups` (lib/domain/parallel-steps.ts). Returns how long
 * the state machine should wait before asking again (lib/domain/detection.ts). It
 * never sleeps: long EKS operations are the state machine's Wait -> ExecutionPhase loop.
 * A gate is answered only once nothing is in flight, so the upgrade record then
 * holds every node group the hop moved, which rollback reads.
 * Before each control-plane hop it reads the upgrade insights again, and after each
 * hop asks EKS to refresh them: a WARNING for a later version turns to ERROR once
 * the cluster is one minor below it, which the plan could only announce.
 * @throws StepFailedError when EKS reports an update Failed or Cancelled (with EKS's error codes).
 * @throws InsightBlocksHopError when an insight is in ERROR for the next hop and the request does not force.
 * @throws UpgradeHaltedError when a rollback halted the upgrade.
 * @throws InvalidRequestError when an update in flight names a step the plan does not have.
 * @throws PlanBlockedError (code EXECUTION_TIMEOUT) on the first call, before any step,
 *   when the plan would not finish within the state machine's TimeoutSeconds.
 */
export async function executePhase(raw: unknown, deps: ExecutionDeps): Promise<ExecutionResult> {
  const input = parseInput(executionInput, raw, 'execution');
  const { request, upgradeId } = input;
  const cluster = request.clusterName;
  const events = UpgradeEvents.forInput('execution', deps, input);
  const first =
    // Nothing in flight either: a step that starts moves `next` on.
    input.progress.next === 0 && input.progress.polls === 0 && input.progress.busyAnswers === 0;
  // When this stretch of the execution phase began (phase.completed's duration counts from it).
  let since: string | undefined;
  return events.phase(
    'execution',
    async () => {
      const [config, plan] = await Promise.all([deps.config.load(), loadPlan(deps.artifacts, input.planKey)]);
      let record = await requireRecord(deps.artifacts, upgradeId);
      if (record.halted)
        throw new UpgradeHaltedError(
          `upgrade ${upgradeId} was halted by a rollback; no further step is started`,
        );
      if (record.phase !== 'execution') {
        // Entered now: the first call, or back from a gate's validation.
        record = { ...record, phase: 'execution', phaseStartedAt: deps.clock.now().toISOString() };
        await saveRecord(deps.artifacts, record);
      }
      since = record.phaseStartedAt;
      if (first) {
        // The time already spent (a wait for approval above all) is not the plan's any more.
        const elapsedSeconds = (deps.clock.now().getTime() - Date.parse(record.startedAt)) / 1000;
        refuseUnfitSchedule(plan.steps, config, elapsedSeconds, deps);
      }
      const tuning = config.execution;
      const steps = plan.steps;
      const byId = new Map(steps.map((step, index) => [step.id, { index, step }]));
      const flying = (progress: ExecutionProgress): (StepInFlight & { update: InFlightUpdate })[] =>
        progress.inFlight.map((update) => {
          const found = byId.get(update.stepId);
          if (found === undefined)
            throw new InvalidRequestError(
              `update ${update.updateId} in flight is for step ${update.stepId}, which plan ${input.planKey} does not have`,
            );
          return { ...found, update };
        });
      const finished: string[] = [];
      const started: string[] = [];
      let progress: ExecutionProgress = input.progress;
      let busy = false;

      if (progress.inFlight.length > 0) {
        const now = deps.clock.now();
        const running = flying(progress);
        const polled = await Promise.all(
          running.map(async (f) => ({
            f,
            status: await deps.updates.describeUpdate(updateRef(cluster, f.step, f.update.updateId)),
          })),
        );
        const ended = polled.filter(({ status }) => status.state === 'Successful').map(({ f }) => f);
        const failed = polled.filter(
          ({ status }) => status.state !== 'Successful' && status.state !== 'InProgress',
        );
        // Record what ended well before reporting a failure: rollback reads the record.
        const fresh = ended.filter((f) => !record.completed.some((c) => c.stepId === f.step.id));
        if (fresh.length > 0) {
          const finishedAt = now.toISOString();
          record = {
            ...record,
            completed: [
              ...record.completed,
              ...fresh.map((f) => ({ stepId: f.step.id, startedAt: f.update.startedAt, finishedAt })),
            ],
            // Stryker disable next-line MethodExpression: a control-plane update is always alone in flight (mayStart), so some and every agree (equivalent)
            ...(fresh.some((f) => f.step.kind === 'control-plane') ? { lastHopCompletedAt: finishedAt } : {}),
          };
          await saveRecord(deps.artifacts, record);
        }
        const [firstFailure] = failed;
        if (firstFailure) {
          const detail = failed
            .map(({ f, status }) => {
              const errors =
                status.errors.map((e) => `${e.code}: ${e.message}`).join('; ') || 'no error detail';
              return `step ${f.step.id} ended ${status.state} (update ${f.update.updateId}): ${errors}`;
            })
            .join(' | ');
          throw new StepFailedError(
            detail,
            firstFailure.f.step.id,
            failed.flatMap(({ status }) => status.errors.map((e) => e.code)),
          );
        }
        // Asynchronous on EKS's side: by the next hop's re-read its results are in.
        // Stryker disable next-line MethodExpression: a control-plane update is always alone in flight (mayStart), so some and every agree (equivalent)
        if (ended.some((f) => f.step.kind === 'control-plane')) await deps.insights.refreshInsights(cluster);
        finished.push(...ended.map((f) => f.step.id));
        progress = {
          ...progress,
          polls: progress.polls + 1,
          done: progress.done + ended.length,
          inFlight: running
            .filter((f) => !ended.includes(f))
            .map((f) => ({ ...f.update, polls: f.update.polls + 1 })),
        };
      }

      const waiting = (): ExecutionResult => {
        const now = deps.clock.now().getTime();
        const checks = flying(progress).map((f) =>
          nextCheckSeconds(
            f.step.estimatedMinutes * 60,
            (now - Date.parse(f.update.startedAt)) / 1000,
            tuning,
          ),
        );
        if (
          busy ||
          // Stryker disable next-line ConditionalExpression: without a busy answer nothing waits with no update in flight (mayStart starts any step then); kept so that waitSeconds is never Infinity (equivalent)
          checks.length === 0
        )
          checks.push(tuning.busyRetrySeconds);
        return {
          status: 'waiting',
          waitSeconds: Math.min(...checks),
          soakSeconds: 0,
          progress,
          gate: null,
          waitUntil: null,
          started,
          finished,
        };
      };

      for (;;) {
        const step = currentStep(steps, progress);
        if (!step) {
          if (progress.inFlight.length > 0) return waiting();
          return {
            status: 'done',
            waitSeconds: 0,
            soakSeconds: config.validation.soakSeconds,
            progress,
            gate: null,
            waitUntil: null,
            started,
            finished,
          };
        }
        if (step.kind === 'gate') {
          if (progress.inFlight.length > 0) return waiting();
          // Validation records a gate that passed; until then the state machine runs it.
          if (record.completed.some((c) => c.stepId === step.id)) {
            progress = passStep(progress);
            finished.push(step.id);
            continue;
          }
          return {
            status: 'gate',
            waitSeconds: 0,
            soakSeconds: config.validation.gates[GATE_SOAK[step.stage]],
            progress,
            gate: { stepId: step.id, stage: step.stage, hop: step.hop },
            waitUntil: null,
            started,
            finished,
          };
        }
        if (busy || !mayStart(steps, progress.next, flying(progress), tuning.maxParallelNodegroups)) {
          return waiting();
        }
        // A new hop starts only inside the maintenance window; a hop already started runs on.
        const window = activeWindow(config);
        const waitUntil = opensHop(steps, progress.next) ? windowWait(deps.clock.now(), window) : undefined;
        if (
          // Stryker disable next-line ConditionalExpression: windowWait has no wait without a window; this narrows the type (equivalent)
          window !== undefined &&
          waitUntil !== undefined
        ) {
          if (progress.inFlight.length > 0) return waiting();
          // The phase starts again when the window opens (phase.started then); this stretch ends now.
          record = { ...record, phaseStartedAt: waitUntil };
          await saveRecord(deps.artifacts, record);
          await events.emit('upgrade.waiting', {
            reason: 'maintenance-window',
            waitUntil,
            window: { days: [...window.days], hours: window.hours, timeZone: window.timeZone },
            stepId: step.id,
            hop: step.hop,
          });
          return {
            status: 'window',
            waitSeconds: 0,
            soakSeconds: 0,
            progress,
            gate: null,
            waitUntil,
            started,
            finished,
          };
        }
        if (step.kind === 'control-plane' && !request.force) {
          const failing = insightsBlockingHop(await deps.insights.readInsights(cluster), step.to);
          if (failing.length > 0) {
            const detail = failing
              .map((i) => `${i.name ?? i.id}${i.insightStatus.reason ? ` (${i.insightStatus.reason})` : ''}`)
              .join('; ');
            throw new InsightBlocksHopError(
              cluster,
              step.to,
              failing.map((i) => i.id),
              detail,
            );
          }
        }
        const outcome = await deps.updates.startStep(cluster, step, {
          clientRequestToken: clientRequestToken(upgradeId, step.id),
          force:
            step.kind === 'control-plane'
              ? request.force
              : step.kind === 'nodegroup' && tuning.forceNodegroupUpdates,
          resolveConflicts: config.execution.addonResolveConflicts,
        });
        if (outcome.kind === 'busy') {
          progress = { ...progress, busyAnswers: progress.busyAnswers + 1 };
          busy = true;
          continue;
        }
        started.push(step.id);
        progress = {
          ...progress,
          next: progress.next + 1,
          inFlight: [
            ...progress.inFlight,
            {
              stepId: step.id,
              updateId: outcome.update.updateId,
              startedAt: deps.clock.now().toISOString(),
              polls: 0,
            },
          ],
        };
      }
    },
    {
      announceStart: first,
      since: () => since,
      summarize: (r) =>
        r.status === 'done'
          ? `${r.progress.done} step(s) done, ${r.progress.polls} poll(s)`
          : r.status === 'gate'
            ? // Stryker disable next-line OptionalChaining: a gate result always carries its gate (equivalent)
              `gate ${r.gate?.stepId} next, after a ${r.soakSeconds} s soak`
            : r.status === 'window'
              ? `waiting for the maintenance window until ${r.waitUntil}`
              : undefined,
    },
  );
}

/**
 * The schedule guard (lib/domain/schedule.ts): a plan that would outlast the execution
 * is refused before its first step, naming the maxParallelNodegroups that would fit;
 * with a maintenance window, each hop waits for it in the replay, from now.
 * @throws PlanBlockedError with code EXECUTION_TIMEOUT.
 */
function refuseUnfitSchedule(
  steps: readonly UpgradeStep[],
  config: AgentConfig,
  elapsedSeconds: number,
  deps: Pick<ExecutionDeps, 'executionTimeoutSeconds' | 'clock'>,
): void {
  const window = activeWindow(config);
  const problem = scheduleProblem(steps, {
    executionTimeoutSeconds: deps.executionTimeoutSeconds,
    maxParallelNodegroups: config.execution.maxParallelNodegroups,
    elapsedSeconds,
    ...(window ? { window: { window, startsAt: deps.clock.now() } } : {}),
  });
  if (problem) {
    throw new PlanBlockedError(`plan blocked: ${problem.code}: ${problem.message}`, [problem.code]);
  }
}
