import { boundText } from '../domain/bounded';
import { AgentError } from '../domain/errors';
import {
  type AgentEventType,
  type EventContext,
  type EventDetail,
  makeEvent,
  type PhaseName,
} from '../domain/events';
import type { Clock, EventPublisher } from '../ports';
import { mayPublish, type PhasePublisher, type PublishedBy, type Publisher } from './published-events';

/** Whole seconds from one ISO 8601 time to another, never negative. */
export function secondsBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

type Envelope = 'schemaVersion' | 'upgradeId' | 'clusterName' | 'occurredAt' | 'correlationId';

/**
 * A function tried to publish a detail type that PUBLISHED_EVENTS does not list
 * for it: its IAM role would refuse the entry (NotAuthorizedForDetailTypeException).
 */
export class UndeclaredEventError extends AgentError {
  override readonly name = 'UndeclaredEventError';
  readonly retryable = false;
  constructor(publisher: Publisher, type: AgentEventType) {
    super(
      `${publisher} may not publish ${type}: add it to PUBLISHED_EVENTS (lib/phases/published-events.ts) and to the ${publisher} role's events:PutEvents condition in serverless.yml`,
    );
  }
}

/**
 * Publishes the events of one upgrade on behalf of one function, stamping the
 * shared fields and the time. It publishes only what that function's role may.
 */
export class UpgradeEvents<P extends Publisher = Publisher> {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    readonly context: EventContext,
    readonly by: P,
  ) {}

  static of<P extends Publisher>(
    by: P,
    deps: { readonly events: EventPublisher; readonly clock: Clock },
    context: EventContext,
  ): UpgradeEvents<P> {
    return new UpgradeEvents(deps.events, deps.clock, context, by);
  }

  /** The events of the upgrade a state-machine input belongs to. */
  static forInput<P extends Publisher>(
    by: P,
    deps: { readonly events: EventPublisher; readonly clock: Clock },
    input: {
      readonly upgradeId: string;
      readonly correlationId: string;
      readonly request: { readonly clusterName: string };
    },
  ): UpgradeEvents<P> {
    return UpgradeEvents.of(by, deps, {
      upgradeId: input.upgradeId,
      clusterName: input.request.clusterName,
      correlationId: input.correlationId,
    });
  }

  /** @throws UndeclaredEventError when this function may not publish `type`. */
  emit<T extends PublishedBy<P>>(type: T, fields: Omit<EventDetail<T>, Envelope>): Promise<void> {
    return this.send(type, fields);
  }

  private async send<T extends AgentEventType>(
    type: T,
    fields: Omit<EventDetail<T>, Envelope>,
  ): Promise<void> {
    if (!mayPublish(this.by, type)) throw new UndeclaredEventError(this.by, type);
    await this.publisher.publish([makeEvent(type, this.context, this.clock.now().toISOString(), fields)]);
  }

  /**
   * Runs a phase between phase.started and phase.completed; on error publishes
   * phase.failed and rethrows, so the state machine's Catch still sees the named error.
   * phase.completed carries the phase's duration: from this call's start, or from
   * `since` (ISO 8601, read once the work is done) for a phase that spans several calls.
   */
  async phase<R>(
    this: UpgradeEvents<PhasePublisher>,
    phase: PhaseName,
    work: () => Promise<R>,
    options: {
      announceStart?: boolean;
      summarize?: (result: R) => string | undefined;
      since?: () => string | undefined;
    } = {},
  ): Promise<R> {
    const began = this.clock.now().toISOString();
    if (options.announceStart !== false) await this.send('phase.started', { phase });
    try {
      const result = await work();
      const summary = options.summarize?.(result);
      if (summary !== undefined) {
        const durationSeconds = secondsBetween(options.since?.() ?? began, this.clock.now().toISOString());
        await this.send('phase.completed', { phase, summary, durationSeconds });
      }
      return result;
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      await this.send('phase.failed', {
        phase,
        error: { name: e.name, message: boundText(e.message, `the ${phase} function's log`) },
      }).catch(() => undefined);
      throw error;
    }
  }
}
