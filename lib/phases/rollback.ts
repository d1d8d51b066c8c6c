import { boundText } from '../domain/bounded';
import { InvalidRequestError } from '../domain/errors';
import { parseJsonOrUndefined } from '../domain/json';
import { planRollback, type RollbackOutcomeV2 } from '../domain/rollback-plan';
import { type EnvironmentSnapshot, parseSnapshot } from '../domain/snapshot';
import { parseInput, type RollbackInput, rollbackInput } from './contracts';
import type { RollbackDeps } from './deps';
import { secondsBetween, UpgradeEvents } from './emit';
import {
  artifactKeys,
  type FailureRecord,
  loadFailureRecord,
  loadPlan,
  loadRecord,
  loadValidationRecord,
  requireRecord,
  saveFailureRecord,
  saveRecord,
} from './records';
import { completionDetails } from './rollback-report';
import {
  advanceRollback,
  loadRollbackRun,
  newRollbackRun,
  type RollbackRun,
  rollbackRunKey,
} from './rollback-run';

export type RollbackOutcome = RollbackOutcomeV2;

/** What TriggerRollback gets back: wait and call again, or done with the outcome. */
export interface RollbackResult {
  readonly status: 'waiting' | 'done';
  readonly waitSeconds: number;
  /** The outcome once done; `pending` while revert actions are still running. */
  readonly outcome: RollbackOutcome | 'pending';
  /** Whichever path claimed the rollback first. */
  readonly performedBy: 'state-machine' | 'event-rule';
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
    // Stryker disable next-line ArrayDeclaration: the element a mutant puts here is a string, which the filter below drops (equivalent)
    const checks: unknown[] = Array.isArray(detail.checks) ? detail.checks : [];
    // A primitive has no `passed`; null and undefined are read through `?.`.
    const failed = checks
      .filter(
        (c): c is { name: string; passed: boolean } => (c as { passed?: unknown } | null)?.passed === false,
      )
      .map((c) => c.name);
    const gate = detail.gate as { stage?: string; hop?: string } | undefined;
    return {
      mode: 'rollback',
      trigger: 'event-rule',
      upgradeId: detail.upgradeId,
      correlationId: detail.correlationId,
      clusterName: detail.clusterName,
      targetVersion: detail.targetVersion,
      reason: `${gate ? `gate ${gate.stage} at ${gate.hop} failed` : 'validation failed'}${failed.length > 0 ? `: ${failed.join(', ')}` : ''}`,
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

/**
 * The once-per-upgrade part: halt the upgrade, decide what the current hop can
 * revert (the v2 decision), store that plan, say so. Whichever path comes first
 * claims it; the other gets this call's result.
 */
async function claimRollback(
  input: RollbackRequest,
  deps: RollbackDeps,
): Promise<{ performedBy: RollbackRequest['trigger'] }> {
  const events = startOfUpgradeEvents(deps, input);
  return events.phase(
    'rollback',
    async () => {
      await events.emit('rollback.triggered', { reason: input.reason, trigger: input.trigger });
      const record = await requireRecord(deps.artifacts, input.upgradeId);
      await saveRecord(deps.artifacts, { ...record, halted: true, phase: 'rollback' });
      const [plan, stored, live, config] = await Promise.all([
        loadPlan(deps.artifacts, artifactKeys.plan(input.upgradeId)),
        deps.artifacts.getJson(artifactKeys.snapshot(input.upgradeId)),
        deps.snapshots.readSnapshot(input.clusterName),
        deps.config.load(),
      ]);
      // The perception snapshot holds the compatibility data of every hop and the
      // node groups as found; without it (a record made by hand) the live read stands
      // in: its node groups run the upgraded version, which planRollback never takes
      // as a previous state (only one at the step's `from`), so each replacement then
      // goes back to its step's `from` version with no recorded release.
      const started = stored === undefined ? live : parseSnapshot(stored);
      const completed = record.completed.map((c) => c.stepId);
      const decision = planRollback({
        upgradeId: input.upgradeId,
        steps: plan.steps,
        completed,
        snapshot: live,
        addonVersions: started.addonVersions,
        previousNodegroups: previousNodegroups(started),
        // Stryker disable next-line ConditionalExpression: `true` passes hopCompletedAt: undefined, which planRollback reads as absent (equivalent); `false` is killed by the 7-day window test
        ...(record.lastHopCompletedAt !== undefined ? { hopCompletedAt: record.lastHopCompletedAt } : {}),
        now: deps.clock.now().toISOString(),
        revertControlPlane: config.rollback.revertControlPlane,
      });
      const run = newRollbackRun(
        {
          upgradeId: input.upgradeId,
          clusterName: input.clusterName,
          targetVersion: input.targetVersion,
          reason: input.reason,
          claimedBy: input.trigger,
        },
        decision,
      );
      await deps.artifacts.putJson(rollbackRunKey(input.upgradeId), run);
      return { performedBy: input.trigger };
    },
    { summarize: (r) => `rollback claimed by ${r.performedBy}` },
  );
}

/**
 * Each node group as the upgrade found it: the perception snapshot's version, AMI
 * release and launch template version. A group moved in an earlier hop is at another
 * version now; its replacement then gets EKS's latest release for the version.
 */
function previousNodegroups(started: EnvironmentSnapshot) {
  return Object.fromEntries(
    started.nodegroups.map((ng) => [
      ng.nodegroupName,
      {
        version: ng.version,
        // Stryker disable next-line ConditionalExpression: `true` adds releaseVersion: undefined, which the replacement reads as not recorded (equivalent); `false` is killed by the perception-snapshot test
        ...(ng.releaseVersion !== undefined ? { releaseVersion: ng.releaseVersion } : {}),
        // Stryker disable next-line ConditionalExpression: `true` adds launchTemplateVersion: undefined, which falls back to the template's version as absent does (equivalent)
        ...(ng.launchTemplate?.version !== undefined
          ? { launchTemplateVersion: ng.launchTemplate.version }
          : {}),
      },
    ]),
  );
}

/** One poll of the claimed rollback: the next revert action, or the end report. */
async function driveRollback(input: RollbackRequest, deps: RollbackDeps): Promise<RollbackResult> {
  const run = await loadRollbackRun(deps.artifacts, input.upgradeId);
  if (!run) {
    throw new InvalidRequestError(
      `rollback of ${input.upgradeId} was claimed but ${rollbackRunKey(input.upgradeId)} is missing, so nothing further is reverted automatically; check the cluster (rollback.triggered says what failed) and revert by hand`,
    );
  }
  const wasDone = run.outcome !== undefined;
  const step = await advanceRollback(run, deps);
  if ('wait' in step) {
    return { status: 'waiting', waitSeconds: step.wait, outcome: 'pending', performedBy: run.claimedBy };
  }
  if (!wasDone) await report(run, step.finished, input, deps);
  return { status: 'done', waitSeconds: 0, outcome: step.finished, performedBy: run.claimedBy };
}

async function report(
  run: RollbackRun,
  outcome: RollbackOutcome,
  input: RollbackRequest | FailureRequest,
  deps: RollbackDeps,
): Promise<void> {
  const events = startOfUpgradeEvents(deps, input);
  const details = completionDetails(run, outcome, rollbackRunKey(input.upgradeId));
  const record = await loadRecord(deps.artifacts, input.upgradeId);
  await events.emit('rollback.completed', details.completed);
  await events.emit('upgrade.failed', {
    ...details.failed,
    ...(record && run.finishedAt
      ? { durationSeconds: secondsBetween(record.startedAt, run.finishedAt) }
      : {}),
  });
  await deps.locks.release(input.clusterName, input.upgradeId);
}

/** Step Functions' Cause for a Lambda error is JSON with errorMessage; for others it is text. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return 'no cause given';
  const parsed = parseJsonOrUndefined(cause);
  // Not JSON, or JSON without errorMessage: the cause is the message itself.
  return typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed
    ? String(parsed.errorMessage)
    : cause;
}

async function handleFailure(
  input: FailureRequest,
  deps: RollbackDeps,
): Promise<{ outcome: 'stopped' | 'completed' }> {
  const events = startOfUpgradeEvents(deps, input);
  const record = await loadRecord(deps.artifacts, input.upgradeId);
  if (record?.completedAt !== undefined) {
    // The final validation had passed (and published upgrade.completed) before this
    // error, a lost response: the upgrade is done, and failing it now would report both.
    await deps.locks.release(input.clusterName, input.upgradeId);
    return { outcome: 'completed' };
  }
  const run = await loadRollbackRun(deps.artifacts, input.upgradeId);
  if (run?.outcome !== undefined) {
    // The rollback had finished and reported (rollback.completed, upgrade.failed)
    // before this error, e.g. a lost response: send the same facts again, never a
    // second, different upgrade.failed.
    await report(run, run.outcome, input, deps);
    return { outcome: 'stopped' };
  }
  // A HandleFailure that ran before (its response lost, or a resumed run) sends the
  // failure it published then, the same fact, never a second, different one.
  const earlier = await loadFailureRecord(deps.artifacts, input.upgradeId);
  const failure = earlier ?? newFailure(input, record, deps);
  if (!earlier) {
    if (record) await saveRecord(deps.artifacts, { ...record, halted: true });
    await saveFailureRecord(deps.artifacts, input.upgradeId, failure);
  }
  await events.emit('upgrade.failed', {
    targetVersion: input.targetVersion,
    phase: failure.phase,
    error: failure.error,
    reason: failure.reason,
    ...(record ? { durationSeconds: secondsBetween(record.startedAt, failure.failedAt) } : {}),
  });
  await deps.locks.release(input.clusterName, input.upgradeId);
  return { outcome: 'stopped' };
}

/** The failure HandleFailure publishes for an error the state machine caught. */
function newFailure(
  input: FailureRequest,
  record: { phase: FailureRecord['phase'] } | undefined,
  deps: RollbackDeps,
): FailureRecord {
  const message = boundText(
    causeMessage(input.error.Cause),
    `the execution history of ${input.correlationId}`,
  );
  return {
    failedAt: deps.clock.now().toISOString(),
    phase: record?.phase ?? 'perception',
    error: { name: input.error.Error, message },
    reason:
      input.error.Error === 'PlanBlockedError'
        ? `the plan is blocked; nothing was changed: ${message}`
        : message,
  };
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

/**
 * Rollback, from the state machine (TriggerRollback, HandleFailure) or from the
 * validation.failure rule. The claim (halt, decide, say so) happens once per
 * upgrade, whichever path calls first; the state machine then calls again and
 * again, each call doing the next revert action or polling the one in flight,
 * until it reports `done` with rollback.completed published. The rule's call
 * acts only on a failed validation recorded by the validation phase (see
 * `refusal`); anything else is refused before the once-per-upgrade record, so a
 * forged event can neither act nor pre-empt the real rollback.
 * @throws IdempotencyAlreadyInProgressError while the other path is still claiming (the state machine retries by name).
 */
export async function rollbackPhase(
  raw: unknown,
  deps: RollbackDeps,
  once: OncePerUpgrade,
): Promise<
  RollbackResult | RollbackRefused | { performedBy: string } | { outcome: 'stopped' | 'completed' }
> {
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
  const claimed = await once((request: RollbackRequest) => claimRollback(request, deps))(input);
  // The rule claims and leaves; the state machine drives the revert actions (a Wait between polls).
  if (input.trigger === 'event-rule') return claimed;
  return driveRollback(input, deps);
}
