import {
  type AgentEventType,
  type EventContext,
  type EventDetail,
  makeEvent,
  type PhaseName,
} from '../domain/events';
import type { Clock, EventPublisher } from '../ports';

type Envelope = 'schemaVersion' | 'upgradeId' | 'clusterName' | 'occurredAt' | 'correlationId';

/** Publishes the events of one upgrade, stamping the shared fields and the time. */
export class UpgradeEvents {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    readonly context: EventContext,
  ) {}

  /** The events of the upgrade a state-machine input belongs to. */
  static forInput(
    deps: { readonly events: EventPublisher; readonly clock: Clock },
    input: {
      readonly upgradeId: string;
      readonly correlationId: string;
      readonly request: { readonly clusterName: string };
    },
  ): UpgradeEvents {
    return new UpgradeEvents(deps.events, deps.clock, {
      upgradeId: input.upgradeId,
      clusterName: input.request.clusterName,
      correlationId: input.correlationId,
    });
  }

  async emit<T extends AgentEventType>(type: T, fields: Omit<EventDetail<T>, Envelope>): Promise<void> {
    await this.publisher.publish([makeEvent(type, this.context, this.clock.now().toISOString(), fields)]);
  }

  /**
   * Runs a phase between phase.started and phase.completed; on error publishes
   * phase.failed and rethrows, so the state machine's Catch still sees the named error.
   */
  async phase<R>(
    phase: PhaseName,
    work: () => Promise<R>,
    options: { announceStart?: boolean; summarize?: (result: R) => string | undefined } = {},
  ): Promise<R> {
    if (options.announceStart !== false) await this.emit('phase.started', { phase });
    try {
      const result = await work();
      const summary = options.summarize?.(result);
      if (summary !== undefined) await this.emit('phase.completed', { phase, summary });
      return result;
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      await this.emit('phase.failed', { phase, error: { name: e.name, message: e.message } }).catch(
        () => undefined,
      );
      throw error;
    }
  }
}
