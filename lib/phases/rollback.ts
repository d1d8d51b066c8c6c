import { clientRequestToken } from '../domain/request-token';
import { decideRollback, type RollbackAction } from '../domain/rollback';
import { parseInput, type RollbackInput, rollbackInput } from './contracts';
import type { RollbackDeps } from './deps';
import { UpgradeEvents } from './emit';
import {
  artifactKeys,
  loadPlan,
  loadRecord,
  loadValidationRecord,
  requireRecord,
  saveRecord,
} from './records';

export type RollbackOutcome = 'stopped' | 'revert-started' | 'revert-failed';

export interface RollbackResult {
  readonly outcome: RollbackOutcome;
  readonly performedBy: 'state-machine' | 'event-rule';
  readonly actions: { action: string; resource: string; result: string }[];
}

/**
 * A validation.failure that this agent's validation phase did not record: nothing
 * was done, nothing published, the cluster lock left as it was. The handler logs
 * the result; the event is the evidence of who can put events on the bus.
 */
export interface RollbackRefused {
  readonly outcome: 'refused';
  readonly performedBy: 'event-rule';
  readonly upgradeId: string;
  readonly clusterName: string;
  readonly reason: string;
}

/** Upgrade ids are execution names (lib/domain/execution-name.ts). */
const UPGRADE_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Wraps a function so that it reaches its effect once per upgrade id (Powertools idempotency). */
export type OncePerUpgrade = <A extends { upgradeId: string }, R>(
  fn: (input: A) => Promise<R>,
) => (input: A) => Promise<R>;

type RollbackRequest = Extract<RollbackInput, { mode: 'rollback' }>;
type FailureRequest = Extract<RollbackInput, { mode: 'failure' }>;

/**
 * The two callers' inputs in one shape: the state machine's Parameters, or the
 * validation.failure event delivered by the rollback-automation rule.
 */
export function normalizeRollbackInput(raw: unknown): unknown {
  if (typeof raw === 'object' && raw !== null && 'detail-type' in raw && 'detail' in raw) {
    const detail = (raw as { detail: Record<string, unknown> }).detail ?? {};
    const checks = Array.isArray(detail.checks) ? detail.checks : [];
    const failed = checks
      .filter(
        (c): c is { name: string; passed: boolean } =>
          typeof c === 'object' && c !== null && c.passed === false,
      )
      .map((c) => c.name);
    return {
      mode: 'rollback',
      trigger: 'event-rule',
      upgradeId: detail.upgradeId,
      correlationId: detail.correlationId,
      clusterName: detail.clusterName,
      targetVersion: detail.targetVersion,
      reason: `validation failed${failed.length > 0 ? `: ${failed.join(', ')}` : ''}`,
    };
  }
  return raw;
}

function startOfUpgradeEvents(
  deps: RollbackDeps,
  input: { upgradeId: string; clusterName: string; correlationId: string },
) {
  return UpgradeEvents.of('rollback', deps, {
    upgradeId: input.upgradeId,
    clusterName: input.clusterName,
    correlationId: input.correlationId,
  });
}

async function act(
  action: RollbackAction,
  input: RollbackRequest,
  deps: RollbackDeps,
): Promise<{ result: string; outcome?: RollbackOutcome }> {
  switch (action.action) {
    case 'halt':
      return { result: `halted: ${action.reason}` };
    case 'keep':
      return { result: `kept: ${action.reason}` };
    case 'revert-control-plane':
      try {
        const started = await deps.controlPlaneRollback.startControlPlaneRollback(
          input.clusterName,
          action.to,
          {
            clientRequestToken: clientRequestToken(input.upgradeId, `rollback:${action.to}`),
          },
        );
        if (started.kind === 'busy')
          return { result: `refused: ${started.message}`, outcome: 'revert-failed' };
        return {
          result: `EKS version rollback ${action.from} -> ${action.to} started (update ${started.update.updateId})`,
          outcome: 'revert-started',
        };
      } catch (error) {
        if (error instanceof Error && error.name === 'ReadinessCheckFailedError') {
          return { result: `refused by EKS: ${error.message}`, outcome: 'revert-failed' };
        }
        throw error;
      }
  }
}

async function performRollback(input: RollbackRequest, deps: RollbackDeps): Promise<RollbackResult> {
  const events = startOfUpgradeEvents(deps, input);
  return events.phase(
    'rollback',
    async () => {
      await events.emit('rollback.triggered', { reason: input.reason, trigger: input.trigger });
      const record = await requireRecord(deps.artifacts, input.upgradeId);
      await saveRecord(deps.artifacts, { ...record, halted: true, phase: 'rollback' });
      const [plan, snapshot, config] = await Promise.all([
        loadPlan(deps.artifacts, artifactKeys.plan(input.upgradeId)),
        deps.snapshots.readSnapshot(input.clusterName),
        deps.config.load(),
      ]);
      const decision = decideRollback(
        {
          steps: plan.steps,
          completed: record.completed.map((c) => c.stepId),
          snapshot,
          lastHopCompletedAt: record.lastHopCompletedAt,
          now: deps.clock.now().toISOString(),
          revertControlPlane: config.rollback.revertControlPlane,
        },
        `upgrade/${input.upgradeId}`,
      );
      let outcome: RollbackOutcome = 'stopped';
      const actions: RollbackResult['actions'] = [];
      for (const action of decision.actions) {
        const done = await act(action, input, deps);
        if (done.outcome) outcome = done.outcome;
        actions.push({ action: action.action, resource: action.resource, result: done.result });
      }
      await events.emit('rollback.completed', { outcome, actions });
      await events.emit('upgrade.failed', {
        targetVersion: input.targetVersion,
        phase: 'validation',
        error: { name: 'ValidationFailed', message: input.reason },
        reason: `${input.reason}; rollback: ${outcome}`,
      });
      await deps.locks.release(input.clusterName, input.upgradeId);
      return { outcome, performedBy: input.trigger, actions };
    },
    { summarize: (r) => `rollback ${r.outcome} (by ${r.performedBy})` },
  );
}

/** Step Functions' Cause for a Lambda error is JSON with errorMessage; for others it is text. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return 'no cause given';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed)
      return String(parsed.errorMessage);
  } catch {
    // Not JSON: the cause is the message itself.
  }
  return cause;
}

/**
 * Whether the event-rule caller's upgrade really failed validation: the
 * validation phase recorded a failed verdict for this upgrade id, cluster and
 * target. The state machine's calls need no such proof: only a principal with
 * states:StartExecution on the upgrade machine (the trigger role) or
 * lambda:InvokeFunction on this function can make them.
 * @returns why the rollback is refused, or undefined when it may act.
 */
async function refusal(input: RollbackRequest, deps: RollbackDeps): Promise<string | undefined> {
  if (!UPGRADE_ID.test(input.upgradeId)) return 'the upgrade id is not one this agent gives';
  const verdict = await loadValidationRecord(deps.artifacts, input.upgradeId);
  if (!verdict) return 'the validation phase recorded no verdict for this upgrade';
  if (verdict.clusterName !== input.clusterName)
    return `the recorded verdict is for cluster ${verdict.clusterName}, not ${input.clusterName}`;
  if (verdict.targetVersion !== input.targetVersion)
    return `the recorded verdict is for target ${verdict.targetVersion}, not ${input.targetVersion}`;
  if (verdict.passed)
    return `validation passed at ${verdict.judgedAt}: the upgrade completed, there is nothing to roll back`;
  return undefined;
}

async function handleFailure(input: FailureRequest, deps: RollbackDeps): Promise<{ outcome: 'stopped' }> {
  const events = startOfUpgradeEvents(deps, input);
  const record = await loadRecord(deps.artifacts, input.upgradeId);
  if (record) await saveRecord(deps.artifacts, { ...record, halted: true });
  const message = causeMessage(input.error.Cause);
  await events.emit('upgrade.failed', {
    targetVersion: input.targetVersion,
    phase: record?.phase ?? 'perception',
    error: { name: input.error.Error, message },
    reason:
      input.error.Error === 'PlanBlockedError'
        ? `the plan is blocked; nothing was changed: ${message}`
        : message,
  });
  await deps.locks.release(input.clusterName, input.upgradeId);
  return { outcome: 'stopped' };
}

/**
 * Rollback, from the state machine (TriggerRollback, HandleFailure) or from the
 * validation.failure rule. A rollback reaches its effect once per upgrade,
 * whichever path calls first: the other gets the stored result. The rule's call
 * acts only on a failed validation recorded by the validation phase (see
 * `refusal`); anything else is refused before the once-per-upgrade record, so a
 * forged event can neither act nor pre-empt the real rollback.
 * @throws IdempotencyAlreadyInProgressError while the other path is still at it (the state machine retries by name).
 */
export async function rollbackPhase(
  raw: unknown,
  deps: RollbackDeps,
  once: OncePerUpgrade,
): Promise<RollbackResult | RollbackRefused | { outcome: 'stopped' }> {
  const input = parseInput(rollbackInput, normalizeRollbackInput(raw), 'rollback');
  if (input.mode === 'failure') return handleFailure(input, deps);
  if (input.trigger === 'event-rule') {
    const reason = await refusal(input, deps);
    if (reason !== undefined) {
      return {
        outcome: 'refused',
        performedBy: 'event-rule',
        upgradeId: input.upgradeId,
        clusterName: input.clusterName,
        reason: `validation.failure not acted on: ${reason}`,
      };
    }
  }
  return once((request: RollbackRequest) => performRollback(request, deps))(input);
}
