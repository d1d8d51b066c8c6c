import * as z from 'zod';
import { InvalidRequestError } from '../domain/errors';
import { executionName } from '../domain/execution-name';
import { lazy } from '../domain/lazy';
import type { ExecutionStarter, ExecutionStatus, ExistingExecution, StartOutcome } from '../ports';
import { parseInput, type UpgradeRequestInput, upgradeRequestSchema } from './contracts';
import type { TriggerDeps } from './deps';
import { UpgradeEvents } from './emit';
import { loadRefusalRecord, saveRefusalRecord } from './records';

/** The trigger's port to Step Functions (defined with the others in lib/ports.ts). */
export type { ExecutionStarter };

export type TriggerResult =
  | { readonly status: 'started'; readonly upgradeId: string; readonly executionArn: string }
  /** The same request again (EventBridge delivers at least once): nothing new was started. */
  | {
      readonly status: 'duplicate';
      readonly upgradeId: string;
      readonly executionArn: string;
      /** The existing execution's status: RUNNING, SUCCEEDED, FAILED, ... */
      readonly executionStatus: ExecutionStatus;
    }
  | { readonly status: 'rejected'; readonly upgradeId: string; readonly reason: string };

const eventSchema = lazy(() =>
  z.object({ 'detail-type': z.literal('upgrade.requested'), detail: z.unknown() }),
);

/**
 * The trigger: an upgrade.requested event becomes one execution, named from the
 * cluster, target and request id, so a redelivered event starts nothing new.
 * The execution of that name is looked up first: a duplicate (same name and input,
 * running or ended) is reported as such, and a request id reused with another input
 * ends as upgrade.failed; neither touches the cluster lock. Otherwise one upgrade per
 * cluster: the cluster lock is taken before the start, and a request for a cluster
 * that is busy ends as upgrade.failed (no execution). That refusal is the request's
 * outcome: it is written down first, and a repeat of the request gets the same
 * upgrade.failed again, even once the cluster is free. A lock taken for a start that
 * does not happen (a conflict, an error) is given back. Dry runs take no lock: they
 * never touch the cluster.
 * @throws InvalidRequestError when the event cannot even name a cluster.
 * @throws whatever the starter throws (after the lock is given back), so the rule retries.
 */
export async function triggerUpgrade(
  raw: unknown,
  deps: TriggerDeps & { starter: ExecutionStarter },
): Promise<TriggerResult> {
  const event = parseInput(eventSchema, raw, 'upgrade.requested event');
  const parsed = upgradeRequestSchema().safeParse(event.detail);
  if (!parsed.success) return rejectInvalid(event.detail, parsed.error, deps);
  const request = parsed.data;
  const upgradeId = executionName(request);
  const input = { upgradeId, request };
  const events = UpgradeEvents.of('trigger', deps, {
    upgradeId,
    clusterName: request.clusterName,
    correlationId: upgradeId,
  });
  const existing = await deps.starter.find(upgradeId, input);
  if (existing?.sameInput) return duplicate(upgradeId, existing);
  if (existing)
    return rejectReused(request, `execution ${upgradeId} (${existing.status}) was started for it`, deps);
  const refused = await loadRefusalRecord(deps.artifacts, upgradeId);
  if (refused) {
    if (!sameJson(refused.request, request))
      return rejectReused(request, `it was refused (${refused.error.name})`, deps);
    await events.emit('upgrade.failed', {
      targetVersion: request.targetVersion,
      phase: 'trigger',
      error: refused.error,
      reason: refused.reason,
    });
    return { status: 'rejected', upgradeId, reason: refused.reason };
  }

  let locked = false;
  if (!request.dryRun) {
    const config = await deps.config.load();
    const lock = await deps.locks.acquire(request.clusterName, upgradeId, config.lockTtlSeconds);
    if (!lock.acquired) {
      const reason =
        `an upgrade is in progress for ${request.clusterName} (${lock.heldBy}); this request was not started. ` +
        'Send a new request id once that upgrade has ended';
      const error = { name: 'ClusterBusyError', message: reason };
      await saveRefusalRecord(deps.artifacts, upgradeId, {
        refusedAt: deps.clock.now().toISOString(),
        request,
        error,
        reason,
      });
      await events.emit('upgrade.failed', {
        targetVersion: request.targetVersion,
        phase: 'trigger',
        error,
        reason,
      });
      return { status: 'rejected', upgradeId, reason };
    }
    locked = true;
  }
  // The lock now names upgradeId; it is given back unless an execution of that name runs and owns it.
  const giveBack = async (status: ExecutionStatus | undefined) => {
    if (locked && status !== 'RUNNING') await deps.locks.release(request.clusterName, upgradeId);
  };
  let started: StartOutcome;
  try {
    started = await deps.starter.start(upgradeId, input);
  } catch (error) {
    // A concurrent duplicate may have started it meanwhile: its lock is not ours to give back.
    const found = await deps.starter.find(upgradeId, input).catch(() => undefined);
    await giveBack(found?.status);
    throw error;
  }
  switch (started.kind) {
    case 'started':
      return { status: 'started', upgradeId, executionArn: started.executionArn };
    case 'existing':
      // Started meanwhile by a concurrent delivery of the same request.
      await giveBack(started.status);
      return duplicate(upgradeId, started);
    case 'conflict':
      await giveBack(started.status);
      return rejectReused(request, `execution ${upgradeId} (${started.status}) was started for it`, deps);
    // Stryker disable all: unreachable, the switch over StartOutcome is exhaustive (the never check)
    default: {
      const never: never = started;
      throw new Error(`unknown start outcome ${JSON.stringify(never)}`);
    }
    // Stryker restore all
  }
}

function duplicate(
  upgradeId: string,
  existing: Pick<ExistingExecution, 'executionArn' | 'status'>,
): TriggerResult {
  return {
    status: 'duplicate',
    upgradeId,
    executionArn: existing.executionArn,
    executionStatus: existing.status,
  };
}

/** Same JSON value, whatever the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * The request id names an execution started with another request (force, dry run,
 * strategy or requester differ): Step Functions would answer ExecutionAlreadyExists.
 * The failure event has an id of its own, so the existing upgrade's history gets no
 * failure that is not its own.
 */
async function rejectReused(
  request: UpgradeRequestInput,
  earlier: string,
  deps: TriggerDeps,
): Promise<TriggerResult> {
  const reason =
    `request id "${request.requestId}" was reused: ${earlier} with another request; ` +
    'nothing was started. Use a new request id for a new upgrade';
  const rejectedId = `rejected-${request.requestId}`;
  const events = UpgradeEvents.of('trigger', deps, {
    upgradeId: rejectedId,
    clusterName: request.clusterName,
    correlationId: rejectedId,
  });
  await events.emit('upgrade.failed', {
    targetVersion: request.targetVersion,
    phase: 'trigger',
    error: { name: 'RequestIdReusedError', message: reason },
    reason,
  });
  return { status: 'rejected', upgradeId: rejectedId, reason };
}

async function rejectInvalid(detail: unknown, error: z.ZodError, deps: TriggerDeps): Promise<TriggerResult> {
  const fields = (detail ?? {}) as Record<string, unknown>;
  const reason = `invalid upgrade.requested: ${error.issues.map((i) => `${i.path.join('.') || '(detail)'}: ${i.message}`).join('; ')}`;
  if (typeof fields.clusterName !== 'string' || fields.clusterName === '')
    throw new InvalidRequestError(reason);
  const upgradeId = `rejected-${String(fields.requestId ?? 'unknown')}`.slice(0, 80);
  const events = UpgradeEvents.of('trigger', deps, {
    upgradeId,
    clusterName: fields.clusterName,
    correlationId: upgradeId,
  });
  await events.emit('upgrade.failed', {
    targetVersion: String(fields.targetVersion ?? 'unknown'),
    phase: 'trigger',
    error: { name: 'InvalidRequestError', message: reason },
    reason,
  });
  return { status: 'rejected', upgradeId, reason };
}
