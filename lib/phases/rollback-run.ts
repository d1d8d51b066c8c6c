import * as z from 'zod';
import { type AgentError, RollbackUnavailableError } from '../domain/errors';
import { lazy } from '../domain/lazy';
import { clientRequestToken } from '../domain/request-token';
import type { RevertAction, RollbackOutcomeV2, RollbackPlan } from '../domain/rollback-plan';
import type { ArtifactStore, UpdateRef } from '../ports';
import type { RollbackDeps } from './deps';

/**
 * Carrying out a rollback plan, one state-machine poll at a time: each call does
 * what the current action needs next (create the replacement node group, wait
 * until it is ACTIVE, delete the upgraded group, wait until it is gone; start EKS's
 * version rollback, wait for it) and returns how long to wait. Every effect is
 * idempotent (deterministic names, client request tokens), so a retried call never
 * creates a second group or a second rollback. An action that fails ends the
 * rollback there: the rest is reported as not attempted, never retried in a loop.
 */

export const rollbackRunKey = (upgradeId: string) => `upgrades/${upgradeId}/rollback.json`;

const resultSchema = lazy(() =>
  z.object({
    action: z.string(),
    resource: z.string(),
    result: z.string(),
    /** true reverted, false failed, null kept or not attempted. */
    ok: z.boolean().nullable(),
  }),
);

export const rollbackRunSchema = lazy(() =>
  z.object({
    upgradeId: z.string(),
    clusterName: z.string(),
    targetVersion: z.string(),
    reason: z.string(),
    claimedBy: z.enum(['state-machine', 'event-rule']),
    hop: z.string().optional(),
    expected: z.enum(['reverted', 'partially-reverted', 'stopped']),
    /** The plan's actions, written by this agent (trusted as RevertAction). */
    actions: z.array(z.looseObject({ kind: z.string(), resource: z.string(), why: z.string() })),
    cursor: z.number().int().nonnegative(),
    inFlight: z
      .object({
        stage: z.enum(['creating', 'deleting', 'rolling']),
        startedAt: z.string(),
        updateId: z.string().optional(),
      })
      .optional(),
    results: z.array(resultSchema()),
    outcome: z.enum(['reverted', 'partially-reverted', 'stopped']).optional(),
    /** When the outcome was reached (upgrade.failed's duration ends here, the same on every re-send). */
    finishedAt: z.string().optional(),
  }),
);
export type RollbackRun = z.infer<ReturnType<typeof rollbackRunSchema>>;
export type RollbackRunResult = RollbackRun['results'][number];

export function newRollbackRun(
  base: Pick<RollbackRun, 'upgradeId' | 'clusterName' | 'targetVersion' | 'reason' | 'claimedBy'>,
  plan: RollbackPlan,
): RollbackRun {
  return {
    ...base,
    ...(plan.hop !== undefined ? { hop: plan.hop } : {}),
    expected: plan.expected,
    actions: plan.actions.map((a) => ({ ...a })),
    cursor: 0,
    results: [],
  };
}

export async function loadRollbackRun(
  store: ArtifactStore,
  upgradeId: string,
): Promise<RollbackRun | undefined> {
  const raw = await store.getJson(rollbackRunKey(upgradeId));
  return raw === undefined ? undefined : rollbackRunSchema().parse(raw);
}

export type Step = { readonly wait: number } | { readonly finished: RollbackOutcomeV2 };

type Deps = Pick<
  RollbackDeps,
  'nodegroups' | 'controlPlaneRollback' | 'updates' | 'artifacts' | 'config' | 'clock'
>;

/**
 * Advances the run as far as it can without waiting; saves it after every change.
 * @returns how long to wait before the next call, or the outcome once finished.
 */
export async function advanceRollback(run: RollbackRun, deps: Deps): Promise<Step> {
  const tuning = (await deps.config.load()).execution;
  const clamp = (seconds: number) =>
    Math.min(tuning.maxPollSeconds, Math.max(tuning.minPollSeconds, Math.round(seconds)));
  const save = () => deps.artifacts.putJson(rollbackRunKey(run.upgradeId), run);
  for (;;) {
    if (run.outcome) return { finished: run.outcome };
    const action = run.actions[run.cursor] as RevertAction | undefined;
    const now = deps.clock.now();
    if (!action) {
      run.outcome = run.expected;
      run.finishedAt = now.toISOString();
      await save();
      return { finished: run.outcome };
    }
    const done = async (ok: boolean | null, result: string) => {
      run.results.push({ action: action.kind, resource: action.resource, result, ok });
      delete run.inFlight;
      run.cursor += 1;
      if (ok === false) {
        finishAfterFailure(run);
        run.finishedAt = now.toISOString();
      }
      await save();
    };
    const begin = async (stage: 'creating' | 'deleting' | 'rolling', wait: number, updateId?: string) => {
      run.inFlight = { stage, startedAt: now.toISOString(), ...(updateId ? { updateId } : {}) };
      await save();
      return { wait: clamp(wait) };
    };
    switch (action.kind) {
      case 'keep':
        await done(null, `kept: ${action.why}`);
        continue;
      case 'replace-nodegroup': {
        const step = await replaceStep(action, run, deps, now);
        if ('wait' in step) {
          if (step.stage) return begin(step.stage, step.wait);
          return { wait: clamp(step.wait) };
        }
        await done(step.ok, step.result);
        continue;
      }
      case 'rollback-control-plane': {
        const step = await controlPlaneStep(action, run, deps);
        if ('wait' in step) {
          if (step.stage) return begin(step.stage, step.wait, step.updateId);
          return { wait: clamp(step.wait) };
        }
        await done(step.ok, step.result);
        continue;
      }
    }
  }
}

type ActionStep =
  | {
      readonly wait: number;
      readonly stage?: 'creating' | 'deleting' | 'rolling';
      readonly updateId?: string;
    }
  | { readonly ok: boolean; readonly result: string };

const MINUTE = 60;

async function replaceStep(
  action: Extract<RevertAction, { kind: 'replace-nodegroup' }>,
  run: RollbackRun,
  deps: Deps,
  now: Date,
): Promise<ActionStep> {
  const cluster = run.clusterName;
  const replacement = action.request.nodegroupName;
  const nodes = Math.max(1, action.request.scalingConfig?.desiredSize ?? 1);
  if (run.inFlight === undefined) {
    try {
      await deps.nodegroups.createNodegroup(action.request);
    } catch (error) {
      return { ok: false, result: `failed: CreateNodegroup ${replacement} was refused: ${describe(error)}` };
    }
    return { wait: (5 + nodes) * MINUTE, stage: 'creating' };
  }
  if (run.inFlight.stage === 'creating') {
    const created = await deps.nodegroups.describeNodegroup(cluster, replacement);
    if (created?.status === 'CREATING') return { wait: MINUTE };
    if (created?.status !== 'ACTIVE') {
      const issues = (created?.health?.issues ?? []).map((i) => `${i.code}: ${i.message}`).join('; ');
      return {
        ok: false,
        result: `failed: replacement ${replacement} is ${created?.status ?? 'gone'}${issues ? ` (${issues})` : ''}; ${action.nodegroup} is kept at ${action.from}`,
      };
    }
    const deleted = await deps.nodegroups.deleteNodegroup(cluster, action.nodegroup);
    if (deleted.kind === 'busy') return { wait: (await deps.config.load()).execution.busyRetrySeconds };
    return { wait: nodes * MINUTE, stage: 'deleting' };
  }
  const original = await deps.nodegroups.describeNodegroup(cluster, action.nodegroup);
  if (original === undefined) {
    const minutes = Math.round((now.getTime() - Date.parse(run.inFlight.startedAt)) / 60_000);
    return {
      ok: true,
      result: `replaced: ${replacement} runs ${action.to} and ${action.nodegroup} (${action.from}) was drained and deleted (${minutes} min)`,
    };
  }
  if (original.status === 'DELETING') return { wait: MINUTE };
  return {
    ok: false,
    result: `failed: ${action.nodegroup} is ${original.status} instead of deleted; ${replacement} runs ${action.to} beside it`,
  };
}

async function controlPlaneStep(
  action: Extract<RevertAction, { kind: 'rollback-control-plane' }>,
  run: RollbackRun,
  deps: Deps,
): Promise<ActionStep> {
  const cluster = run.clusterName;
  if (run.inFlight?.updateId === undefined) {
    try {
      const started = await deps.controlPlaneRollback.startControlPlaneRollback(cluster, action.to, {
        clientRequestToken: clientRequestToken(run.upgradeId, `rollback-control-plane:${action.to}`),
      });
      if (started.kind === 'busy') return { wait: (await deps.config.load()).execution.busyRetrySeconds };
      return { wait: 20 * MINUTE, stage: 'rolling', updateId: started.update.updateId };
    } catch (error) {
      if (isRefusal(error))
        return { ok: false, result: `refused by EKS: ${(error as { eksMessage: string }).eksMessage}` };
      throw error;
    }
  }
  const ref: UpdateRef = { clusterName: cluster, updateId: run.inFlight.updateId };
  const status = await deps.updates.describeUpdate(ref);
  if (status.state === 'InProgress') return { wait: 2 * MINUTE };
  if (status.state === 'Successful') {
    return {
      ok: true,
      result: `rolled back: EKS version rollback ${action.from} -> ${action.to} (update ${status.updateId})`,
    };
  }
  const detail = status.errors.map((e) => `${e.code}: ${e.message}`).join('; ') || 'no error detail';
  return { ok: false, result: `failed: EKS version rollback ended ${status.state}: ${detail}` };
}

/** EKS's refusals of a version rollback: its readiness checks, or no rollback available. */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof RollbackUnavailableError ||
    (error instanceof Error && (error as AgentError).name === 'ReadinessCheckFailedError')
  );
}

function finishAfterFailure(run: RollbackRun): void {
  for (const rest of run.actions.slice(run.cursor)) {
    run.results.push({
      action: rest.kind,
      resource: rest.resource,
      result: rest.kind === 'keep' ? `kept: ${rest.why}` : 'not attempted: an earlier revert action failed',
      ok: null,
    });
  }
  run.cursor = run.actions.length;
  run.outcome = run.results.some((r) => r.ok === true) ? 'partially-reverted' : 'stopped';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
