import type { AgentConfig } from '../domain/config';
import {
  completeStep,
  currentStep,
  type ExecutionProgress,
  firstPollSeconds,
  InsightBlocksHopError,
  insightsBlockingHop,
  nextPollSeconds,
  StepFailedError,
  UpgradeHaltedError,
} from '../domain/execution';
import type { GateStage, UpgradeStep } from '../domain/plan-types';
import { clientRequestToken } from '../domain/request-token';
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
  /** waiting: poll again after waitSeconds; gate: soak, then validate the gate; done: soak, then the final validation. */
  readonly status: 'waiting' | 'gate' | 'done';
  readonly waitSeconds: number;
  readonly soakSeconds: number;
  readonly progress: ExecutionProgress;
  /** Always present (null unless status is gate): a state machine path must exist to be read. */
  readonly gate: GateRef | null;
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
 * Execution, one invocation per poll: checks the step in flight, and when it has
 * finished starts the next one. Returns how long the state machine should wait
 * before asking again. It never sleeps: long EKS operations are the state
 * machine's Wait -> ExecutionPhase loop.
 * Before each control-plane hop it reads the upgrade insights again, and after each
 * hop asks EKS to refresh them: a WARNING for a later version turns to ERROR once
 * the cluster is one minor below it, which the plan could only announce.
 * @throws StepFailedError when EKS reports an update Failed or Cancelled (with EKS's error codes).
 * @throws InsightBlocksHopError when an insight is in ERROR for the next hop and the request does not force.
 * @throws UpgradeHaltedError when a rollback halted the upgrade.
 */
export async function executePhase(raw: unknown, deps: ExecutionDeps): Promise<ExecutionResult> {
  const input = parseInput(executionInput, raw, 'execution');
  const { request, upgradeId } = input;
  const cluster = request.clusterName;
  const events = UpgradeEvents.forInput('execution', deps, input);
  const first =
    input.progress.next === 0 &&
    input.progress.inFlight === undefined &&
    input.progress.polls === 0 &&
    input.progress.busyAnswers === 0;
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
        record = { ...record, phase: 'execution' };
        await saveRecord(deps.artifacts, record);
      }
      const tuning = config.execution;
      let progress: ExecutionProgress = input.progress;
      for (;;) {
        const step = currentStep(plan.steps, progress);
        if (!step)
          return {
            status: 'done',
            waitSeconds: 0,
            soakSeconds: config.validation.soakSeconds,
            progress,
            gate: null,
          };
        if (step.kind === 'gate') {
          // Validation records a gate that passed; until then the state machine runs it.
          if (record.completed.some((c) => c.stepId === step.id)) {
            progress = completeStep(progress, step);
            continue;
          }
          return {
            status: 'gate',
            waitSeconds: 0,
            soakSeconds: config.validation.gates[GATE_SOAK[step.stage]],
            progress,
            gate: { stepId: step.id, stage: step.stage, hop: step.hop },
          };
        }
        const now = deps.clock.now();
        const inFlight = progress.inFlight;
        if (inFlight) {
          const status = await deps.updates.describeUpdate(updateRef(cluster, step, inFlight.updateId));
          progress = {
            ...progress,
            polls: progress.polls + 1,
            inFlight: { ...inFlight, polls: inFlight.polls + 1 },
          };
          if (status.state === 'InProgress') {
            const elapsed = (now.getTime() - Date.parse(inFlight.startedAt)) / 1000;
            return {
              status: 'waiting',
              waitSeconds: nextPollSeconds(step, elapsed, tuning),
              soakSeconds: 0,
              progress,
              gate: null,
            };
          }
          if (status.state !== 'Successful') {
            const codes = status.errors.map((e) => e.code);
            const detail =
              status.errors.map((e) => `${e.code}: ${e.message}`).join('; ') || 'no error detail';
            throw new StepFailedError(
              `step ${step.id} ended ${status.state} (update ${status.updateId}): ${detail}`,
              step.id,
              codes,
            );
          }
          // A retried invocation may see a step it already recorded: record it once.
          if (!record.completed.some((c) => c.stepId === step.id)) {
            const finishedAt = now.toISOString();
            record = {
              ...record,
              completed: [...record.completed, { stepId: step.id, finishedAt }],
              ...(step.kind === 'control-plane' ? { lastHopCompletedAt: finishedAt } : {}),
            };
            await saveRecord(deps.artifacts, record);
          }
          // Asynchronous on EKS's side: by the next hop's re-read its results are in.
          if (step.kind === 'control-plane') await deps.insights.refreshInsights(cluster);
          progress = completeStep(progress, step);
          continue;
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
          return {
            status: 'waiting',
            waitSeconds: tuning.busyRetrySeconds,
            soakSeconds: 0,
            progress,
            gate: null,
          };
        }
        progress = {
          ...progress,
          inFlight: {
            stepId: step.id,
            updateId: outcome.update.updateId,
            startedAt: now.toISOString(),
            polls: 0,
          },
        };
        return {
          status: 'waiting',
          waitSeconds: firstPollSeconds(step, tuning),
          soakSeconds: 0,
          progress,
          gate: null,
        };
      }
    },
    {
      announceStart: first,
      summarize: (r) =>
        r.status === 'done'
          ? `${r.progress.completed.length} step(s) done, ${r.progress.polls} poll(s)`
          : r.status === 'gate'
            ? // Stryker disable next-line OptionalChaining: a gate result always carries its gate (equivalent)
              `gate ${r.gate?.stepId} next, after a ${r.soakSeconds} s soak`
            : undefined,
    },
  );
}
