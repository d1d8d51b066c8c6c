import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EventDeliveryError } from '../aws/errors';
import { entrySize } from '../aws/eventbridge/entries';
import { AgentError } from '../domain/errors';
import { EVENT_SOURCE } from '../domain/events';
import { describeIssues } from '../domain/snapshot';
import type { Clock, EventPublisher } from '../ports';
import { type CompiledPattern, compilePattern, InvalidEventPatternError } from './event-pattern';
import { MAX_EVENT_ENTRY_BYTES } from './local-sfn/limits';

/** The published events' log inside the state directory: one envelope per line. */
export const EVENTS_FILE_NAME = 'events.jsonl';
/** The account and region of every local envelope. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';
/** Attempts per delivery, the first included (a target that throws is retried twice more). */
export const MAX_DELIVERY_ATTEMPTS = 3;

/** The EventBridge event envelope, as a rule's target receives it. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601: the event's `occurredAt` when it has a valid one, else the bus's clock. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** A rule on the local bus: EventBridge pattern JSON and the target it delivers to. */
export interface LocalRule {
  readonly name: string;
  readonly pattern: unknown;
  readonly target: (event: BusEvent) => Promise<void>;
}

/**
 * What `publish` takes: a DomainEvent, or any event a client could put (the inbound
 * `upgrade.requested`, say). `source` defaults to the agent's.
 */
export interface BusInput {
  readonly source?: string;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export type DeliveryOutcome = 'delivered' | 'dead-lettered';

/** One (event, rule) delivery after its last attempt. */
export interface DeliveryReport {
  readonly rule: string;
  readonly eventId: string;
  readonly detailType: string;
  /** The detail's upgradeId, when it has one. */
  readonly upgradeId: string | undefined;
  readonly attempts: number;
  readonly outcome: DeliveryOutcome;
  /** Why the last attempt failed (dead-lettered deliveries only). */
  readonly error?: { readonly name: string; readonly message: string };
}

/** An event `publish` refuses: no detail type, a detail that is not a JSON object, an empty source. */
export class InvalidBusEventError extends AgentError {
  override readonly name = 'InvalidBusEventError';
  readonly retryable = false;
  constructor(
    readonly index: number,
    readonly issues: readonly string[],
  ) {
    super(`event ${index} cannot be published: ${issues.join('; ')}`);
  }
}

export interface LocalEventBusOptions {
  /** When given, every published event is appended to `<stateDir>/events.jsonl`. */
  readonly stateDir?: string;
  readonly rules: readonly LocalRule[];
  /** The envelope's `time` for events without a valid `occurredAt`. */
  readonly clock: Clock;
}

interface CompiledRule {
  readonly rule: LocalRule;
  readonly pattern: CompiledPattern;
}

interface QueuedDelivery {
  readonly rule: LocalRule;
  readonly event: BusEvent;
}

const busInputSchema = z.object({
  source: z.string().min(1).optional(),
  detailType: z.string().min(1),
  detail: z.record(z.string(), z.unknown()),
});

/**
 * The sandbox's EventBridge. `publish` records the events and queues one delivery
 * per (event, matching rule), but runs no target: like PutEvents, the publisher
 * does not wait for its consumers. `drain` runs the queued deliveries in order,
 * and those they cause, until the queue is empty. A target that throws is retried
 * (up to {@link MAX_DELIVERY_ATTEMPTS} attempts in all, without delay), then the
 * delivery is dead-lettered and recorded; drain never throws a target's error.
 *
 * `drain` is re-entrant: a target that calls it (a handler that drains after
 * itself) delivers the queued events there and then, as EventBridge would
 * meanwhile, while the outer drain waits for that target.
 */
export class LocalEventBus implements EventPublisher {
  private readonly rules: readonly CompiledRule[];
  private readonly stateDir: string | undefined;
  private readonly clock: Clock;
  private readonly log: BusEvent[] = [];
  private readonly queue: QueuedDelivery[] = [];
  private readonly history: DeliveryReport[] = [];

  /** @throws InvalidEventPatternError naming the rule whose pattern EventBridge would refuse. */
  constructor(options: LocalEventBusOptions) {
    this.stateDir = options.stateDir;
    this.clock = options.clock;
    this.rules = options.rules.map((rule) => {
      try {
        return { rule, pattern: compilePattern(rule.pattern) };
      } catch (error) {
        if (error instanceof InvalidEventPatternError) {
          throw new InvalidEventPatternError(`${error.reason} (rule ${rule.name})`, error.path);
        }
        throw error;
      }
    });
  }

  /**
   * Records the events (and appends them to events.jsonl) and queues their
   * deliveries. All or nothing: one invalid event and none is published.
   * @throws InvalidBusEventError for an event without a detail type or a JSON-object detail.
   */
  async publish(events: readonly BusInput[]): Promise<void> {
    const envelopes = events.map((event, index) => this.envelope(event, index));
    if (envelopes.length === 0) return;
    // PutEvents refuses an entry over 256 KB for good; the AWS publisher reports it so (EntryTooLarge).
    const oversized = envelopes
      .map((e) => ({
        e,
        size: entrySize({
          Time: new Date(e.time),
          Source: e.source,
          DetailType: e['detail-type'],
          Detail: JSON.stringify(e.detail),
        }),
      }))
      .filter(({ size }) => size > MAX_EVENT_ENTRY_BYTES);
    if (oversized.length > 0) {
      throw new EventDeliveryError(
        oversized.map(({ e, size }) => ({
          detailType: e['detail-type'],
          retryable: false,
          errorCode: 'EntryTooLarge',
          errorMessage: `entry is ${size} bytes; PutEvents takes at most ${MAX_EVENT_ENTRY_BYTES}`,
        })),
      );
    }
    if (this.stateDir !== undefined) {
      mkdirSync(this.stateDir, { recursive: true });
      appendFileSync(
        join(this.stateDir, EVENTS_FILE_NAME),
        envelopes.map((e) => `${JSON.stringify(e)}\n`).join(''),
        'utf8',
      );
    }
    for (const event of envelopes) {
      this.log.push(event);
      for (const { rule, pattern } of this.rules) {
        if (pattern.matches(event)) this.queue.push({ rule, event });
      }
    }
  }

  /**
   * Runs queued deliveries, in the order they were queued, until none is left,
   * including those queued by the targets meanwhile.
   * @returns the reports of the deliveries this call ran.
   */
  async drain(): Promise<DeliveryReport[]> {
    const reports: DeliveryReport[] = [];
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      const report = await this.deliver(next);
      this.history.push(report);
      reports.push(report);
    }
    return reports;
  }

  /** Every event published so far, as envelopes, in order. */
  published(): BusEvent[] {
    return this.log.map((e) => structuredClone(e));
  }

  /** Every finished delivery so far, in the order they finished. */
  deliveries(): DeliveryReport[] {
    return [...this.history];
  }

  /** How many deliveries wait for `drain`. */
  pending(): number {
    return this.queue.length;
  }

  /**
   * The names of the rules whose pattern matches an event: an envelope, or an event
   * as `publish` takes it (enveloped first).
   * @throws InvalidBusEventError when `event` is neither.
   */
  matchingRules(event: BusEvent | BusInput): string[] {
    const envelope = 'detail-type' in event ? event : this.envelope(event, 0);
    return this.rules.filter(({ pattern }) => pattern.matches(envelope)).map(({ rule }) => rule.name);
  }

  private envelope(event: unknown, index: number): BusEvent {
    const parsed = busInputSchema.safeParse(event);
    if (!parsed.success) throw new InvalidBusEventError(index, describeIssues(parsed.error));
    let detail: Record<string, unknown>;
    try {
      // As PutEvents serializes Detail: the targets get JSON, never the publisher's objects.
      detail = JSON.parse(JSON.stringify(parsed.data.detail));
    } catch (error) {
      throw new InvalidBusEventError(index, [
        `detail: not serializable as JSON (${errorInfo(error).message})`,
      ]);
    }
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': parsed.data.detailType,
      source: parsed.data.source ?? EVENT_SOURCE,
      account: LOCAL_ACCOUNT,
      time: this.timeOf(detail),
      region: LOCAL_REGION,
      resources: [],
      detail,
    };
  }

  private timeOf(detail: Record<string, unknown>): string {
    const occurredAt = detail.occurredAt;
    if (typeof occurredAt === 'string') {
      const time = new Date(occurredAt);
      if (!Number.isNaN(time.getTime())) return time.toISOString();
    }
    return this.clock.now().toISOString();
  }

  private async deliver({ rule, event }: QueuedDelivery): Promise<DeliveryReport> {
    const base = {
      rule: rule.name,
      eventId: event.id,
      detailType: event['detail-type'],
      upgradeId: typeof event.detail.upgradeId === 'string' ? event.detail.upgradeId : undefined,
    };
    let lastError: { name: string; message: string } = { name: 'Error', message: 'not attempted' };
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      try {
        // Each attempt gets its own copy, as each EventBridge invocation would.
        await rule.target(structuredClone(event));
        return { ...base, attempts: attempt, outcome: 'delivered' };
      } catch (error) {
        lastError = errorInfo(error);
      }
    }
    return { ...base, attempts: MAX_DELIVERY_ATTEMPTS, outcome: 'dead-lettered', error: lastError };
  }
}

/** Structural, not `instanceof Error`: errors may come from another realm under test runners. */
function errorInfo(error: unknown): { name: string; message: string } {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const name = 'name' in error && typeof error.name === 'string' ? error.name : 'Error';
    return { name, message: String(error.message) };
  }
  return { name: 'Error', message: String(error) };
}
