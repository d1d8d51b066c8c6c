import { z } from 'zod';
import { InvalidRequestError } from '../domain/errors';
import { executionName } from '../domain/execution-name';
import { parseInput, upgradeRequestSchema } from './contracts';
import type { TriggerDeps } from './deps';
import { UpgradeEvents } from './emit';

/** Starts a named execution; a second start of the same name and input returns the first. */
export interface ExecutionStarter {
  /**
   * `alreadyExisted` when an execution of this name and input had started before
   * (Step Functions then returns it rather than starting another); `status` is its status.
   */
  start(
    name: string,
    input: Record<string, unknown>,
  ): Promise<{ executionArn: string; alreadyExisted: boolean; status?: string }>;
}

export type TriggerResult =
  | { readonly status: 'started'; readonly upgradeId: string; readonly executionArn: string }
  /** The same request again (EventBridge delivers at least once): nothing new was started. */
  | { readonly status: 'duplicate'; readonly upgradeId: string; readonly executionArn: string }
  | { readonly status: 'rejected'; readonly upgradeId: string; readonly reason: string };

const eventSchema = z.object({ 'detail-type': z.literal('upgrade.requested'), detail: z.unknown() });

/**
 * The trigger: an upgrade.requested event becomes one execution, named from the
 * cluster, target and request id, so a redelivered event starts nothing new.
 * One upgrade per cluster: the cluster lock is taken before the start, and a
 * request for a cluster that is busy ends as upgrade.failed (no execution).
 * Dry runs take no lock: they never touch the cluster.
 * @throws InvalidRequestError when the event cannot even name a cluster.
 */
export async function triggerUpgrade(
  raw: unknown,
  deps: TriggerDeps & { starter: ExecutionStarter },
): Promise<TriggerResult> {
  const event = parseInput(eventSchema, raw, 'upgrade.requested event');
  const parsed = upgradeRequestSchema.safeParse(event.detail);
  if (!parsed.success) {
    const detail = (event.detail ?? {}) as Record<string, unknown>;
    const reason = `invalid upgrade.requested: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(detail)'}: ${i.message}`).join('; ')}`;
    if (typeof detail.clusterName !== 'string' || detail.clusterName === '')
      throw new InvalidRequestError(reason);
    const upgradeId = `rejected-${String(detail.requestId ?? 'unknown')}`.slice(0, 80);
    const events = UpgradeEvents.of('trigger', deps, {
      upgradeId,
      clusterName: detail.clusterName,
      correlationId: upgradeId,
    });
    await events.emit('upgrade.failed', {
      targetVersion: String(detail.targetVersion ?? 'unknown'),
      phase: 'trigger',
      error: { name: 'InvalidRequestError', message: reason },
      reason,
    });
    return { status: 'rejected', upgradeId, reason };
  }
  const request = parsed.data;
  const upgradeId = executionName(request);
  const events = UpgradeEvents.of('trigger', deps, {
    upgradeId,
    clusterName: request.clusterName,
    correlationId: upgradeId,
  });
  if (!request.dryRun) {
    const config = await deps.config.load();
    const lock = await deps.locks.acquire(request.clusterName, upgradeId, config.lockTtlSeconds);
    if (!lock.acquired) {
      const reason = `an upgrade is in progress for ${request.clusterName} (${lock.heldBy}); this request was not started`;
      await events.emit('upgrade.failed', {
        targetVersion: request.targetVersion,
        phase: 'trigger',
        error: { name: 'ClusterBusyError', message: reason },
        reason,
      });
      return { status: 'rejected', upgradeId, reason };
    }
  }
  const started = await deps.starter.start(upgradeId, { upgradeId, request });
  if (started.alreadyExisted) {
    // The lock was just re-taken under the same holder; an execution that has
    // ended will not release it again.
    if (!request.dryRun && started.status !== 'RUNNING')
      await deps.locks.release(request.clusterName, upgradeId);
    return { status: 'duplicate', upgradeId, executionArn: started.executionArn };
  }
  return { status: 'started', upgradeId, executionArn: started.executionArn };
}
