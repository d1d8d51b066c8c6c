import {
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
  type EventBridgeClient as SdkEventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import type { DomainEvent } from '../../domain/events';
import { type BackoffPolicy, backoffDelay, type Sleep } from '../backoff';
import { EventDeliveryError, type UndeliveredEvent } from '../errors';
import type { EdgeLogger } from '../logger';
import { batchEntries, entrySize, MAX_CALL_BYTES, toEntry } from './entries';

export interface DeliveryOptions {
  readonly client: SdkEventBridgeClient;
  readonly busName: string;
  readonly logger: EdgeLogger;
  readonly sleep: Sleep;
  /** PutEvents rounds per entry, the first included. */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly random?: () => number;
}

interface Pending {
  readonly index: number;
  readonly event: DomainEvent;
  readonly entry: PutEventsRequestEntry;
  errorCode?: string;
  errorMessage?: string;
  /** Sending it again cannot succeed: it is reported at once. */
  final?: boolean;
}

/**
 * PutEventsResultEntry codes that no re-send can fix (EventBridge API reference,
 * PutEventsResultEntry: "Non-retryable errors"), plus EntryTooLarge, which this
 * module assigns to an entry over the size limit. Any other code (the documented
 * retryable InternalFailure and ThrottlingException, or one not documented yet)
 * is re-sent: the attempts are bounded, so an unknown code costs little.
 */
export const FINAL_ENTRY_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
  'EntryTooLarge',
]);

/**
 * Sends events with PutEvents in calls of at most 10 entries and 256 KB. Entries
 * EventBridge reports as failed with a retryable code are re-sent, with
 * exponential backoff and full jitter, up to `maxAttempts` rounds; an entry
 * refused for good (FINAL_ENTRY_ERRORS: a missing permission, a malformed
 * detail) is not sent again. Whatever is still undelivered is logged in
 * full (detail included) and raised: an event is never dropped silently.
 * Returns the event ids in the order of `events`.
 * @throws EventDeliveryError naming every undelivered event.
 */
export async function deliverEvents(
  events: readonly DomainEvent[],
  options: DeliveryOptions,
): Promise<string[]> {
  const ids: string[] = new Array(events.length).fill('');
  const all: Pending[] = events.map((event, index) => ({
    index,
    event,
    entry: toEntry(event, options.busName),
  }));
  const { oversized } = batchEntries(all, (p) => entrySize(p.entry));
  for (const p of oversized) {
    p.errorCode = 'EntryTooLarge';
    p.errorMessage = `entry is ${entrySize(p.entry)} bytes; PutEvents takes less than ${MAX_CALL_BYTES}`;
    p.final = true;
  }
  const refused: Pending[] = [];
  let pending = all.filter((p) => !oversized.includes(p));

  for (let attempt = 1; attempt <= options.maxAttempts && pending.length > 0; attempt++) {
    if (attempt > 1) await options.sleep(backoffDelay(attempt - 1, options.backoff, options.random));
    const failed: Pending[] = [];
    const { batches } = batchEntries(pending, (p) => entrySize(p.entry));
    for (const [b, batch] of batches.entries()) {
      let result: PutEventsCommandOutput;
      try {
        result = await options.client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
      } catch (error) {
        // The SDK has already retried what is retryable: the call itself is refused
        // (permissions, validation). Everything not yet delivered is reported.
        const unsent = [...failed, ...batches.slice(b).flat(), ...refused, ...oversized];
        const message = error instanceof Error ? error.message : String(error);
        for (const p of unsent) {
          p.errorCode ??= error instanceof Error ? error.name : 'PutEventsFailed';
          p.errorMessage ??= message;
        }
        throw report(unsent, options, error);
      }
      // Result entries are in request order (PutEvents documents this).
      for (const [i, p] of batch.entries()) {
        const r = result.Entries?.[i];
        if (r?.EventId !== undefined && r.ErrorCode === undefined) {
          ids[p.index] = r.EventId;
        } else {
          p.errorCode = r?.ErrorCode ?? 'MissingResultEntry';
          p.errorMessage = r?.ErrorMessage ?? 'PutEvents returned no result for this entry';
          p.final = FINAL_ENTRY_ERRORS.has(p.errorCode);
          (p.final ? refused : failed).push(p);
        }
      }
    }
    pending = failed;
  }

  const undelivered = [...pending, ...refused, ...oversized];
  if (undelivered.length > 0) throw report(undelivered, options);
  return ids;
}

function report(
  undelivered: readonly Pending[],
  options: DeliveryOptions,
  cause?: unknown,
): EventDeliveryError {
  const sorted = [...undelivered].sort((a, b) => a.index - b.index);
  options.logger.error('EventBridge did not accept events; they were not delivered', {
    busName: options.busName,
    undelivered: sorted.map((p) => ({
      errorCode: p.errorCode,
      errorMessage: p.errorMessage,
      retryable: !p.final,
      detailType: p.event.detailType,
      detail: p.event.detail,
    })),
  });
  const summary: UndeliveredEvent[] = sorted.map((p) => ({
    detailType: p.event.detailType,
    retryable: !p.final,
    ...(p.errorCode !== undefined ? { errorCode: p.errorCode } : {}),
    ...(p.errorMessage !== undefined ? { errorMessage: p.errorMessage } : {}),
  }));
  return new EventDeliveryError(summary, cause === undefined ? undefined : { cause });
}
