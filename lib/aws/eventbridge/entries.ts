import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type DomainEvent, EVENT_SOURCE } from '../../domain/events';

/** PutEvents takes at most 10 entries per call. */
export const MAX_ENTRIES_PER_CALL = 10;
/** "The total entry size must be less than 256KB" (EventBridge user guide, PutEvents entry size). */
export const MAX_CALL_BYTES = 256 * 1024;

const utf8 = new TextEncoder();
const bytes = (text: string): number => utf8.encode(text).length;

/**
 * An entry's size as EventBridge counts it: Time is 14 bytes when set; Source,
 * DetailType, Detail and each Resources item count their UTF-8 bytes. EventBusName
 * and TraceHeader are not counted.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time !== undefined ? 14 : 0;
  size += bytes(entry.Source ?? '') + bytes(entry.DetailType ?? '');
  if (entry.Detail !== undefined) size += bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += bytes(resource);
  return size;
}

/** The PutEvents entry of a domain event: Time is the event's own occurredAt. */
export function toEntry(event: DomainEvent, busName: string): PutEventsRequestEntry {
  const time = new Date(event.detail.occurredAt);
  return {
    Source: EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    EventBusName: busName,
    ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
  };
}

export interface Batches<T> {
  readonly batches: T[][];
  /** Items too large to send even alone. */
  readonly oversized: T[];
}

/**
 * Groups items, in order, into PutEvents calls of at most 10 entries whose sizes
 * add up to less than 256 KB.
 */
export function batchEntries<T>(items: readonly T[], sizeOf: (item: T) => number): Batches<T> {
  const batches: T[][] = [];
  const oversized: T[] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (size >= MAX_CALL_BYTES) {
      oversized.push(item);
      continue;
    }
    if (current.length === MAX_ENTRIES_PER_CALL || currentBytes + size >= MAX_CALL_BYTES) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return { batches, oversized };
}
