import type { EventBridgeClient as SdkEventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  type AgentEventType,
  type DomainEvent,
  type EventContext,
  type EventDetail,
  makeEvent,
} from '../../domain/events';
import type { EventPublisher } from '../../ports';
import { type BackoffPolicy, realSleep, type Sleep } from '../backoff';
import { defaultLogger, type EdgeLogger } from '../logger';
import { createEventBridgeSdkClient } from './clients';
import { deliverEvents } from './delivery';
import { deleteRule, putRule, putTargets, type RuleDefinition, type RuleTarget } from './rules';

/** What a typed publisher takes besides the context: the event's own fields. */
export type EventFields<T extends AgentEventType> = Omit<
  EventDetail<T>,
  'schemaVersion' | 'upgradeId' | 'clusterName' | 'occurredAt' | 'correlationId'
>;

export interface EventBridgeClientOptions {
  /** The seed's default: the account's `default` bus. */
  readonly busName?: string;
  readonly client?: SdkEventBridgeClient;
  readonly logger?: EdgeLogger;
  /** The clock for `occurredAt`. */
  readonly now?: () => Date;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** PutEvents rounds per event before giving up, the first included. Default 4. */
  readonly maxSendAttempts?: number;
  readonly backoff?: BackoffPolicy;
}

/** The input of publishValidationResult: one method for both outcomes, as in the seed. */
export type ValidationResultFields = Omit<EventFields<'validation.failure'>, 'success'> & {
  readonly success: boolean;
};

/**
 * The seed's EventBridgeClient: publishes the agent's domain events and manages
 * its rules. Every typed publisher builds its detail with `makeEvent` (so a
 * malformed event fails here, not at a consumer) and returns EventBridge's event id.
 */
export class EventBridgeClient implements EventPublisher {
  readonly busName: string;
  private readonly client: SdkEventBridgeClient;
  private readonly logger: EdgeLogger;
  private readonly now: () => Date;
  private readonly sleep: Sleep;
  private readonly random: (() => number) | undefined;
  private readonly maxSendAttempts: number;
  private readonly backoff: BackoffPolicy;

  constructor(options: EventBridgeClientOptions = {}) {
    this.busName = options.busName ?? 'default';
    this.client = options.client ?? createEventBridgeSdkClient();
    this.logger = options.logger ?? defaultLogger();
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random;
    this.maxSendAttempts = options.maxSendAttempts ?? 4;
    this.backoff = options.backoff ?? { baseMs: 200, maxMs: 5_000 };
  }

  /** @throws EventDeliveryError when an event still cannot be delivered after re-sending. */
  async publish(events: readonly DomainEvent[]): Promise<void> {
    await this.publishAll(events);
  }

  /**
   * Publishes events and returns their EventBridge ids, in order.
   * @throws EventDeliveryError when an event still cannot be delivered after re-sending.
   */
  publishAll(events: readonly DomainEvent[]): Promise<string[]> {
    if (events.length === 0) return Promise.resolve([]);
    return deliverEvents(events, {
      client: this.client,
      busName: this.busName,
      logger: this.logger,
      sleep: this.sleep,
      maxAttempts: this.maxSendAttempts,
      backoff: this.backoff,
      ...(this.random ? { random: this.random } : {}),
    });
  }

  /**
   * Builds one event (occurredAt from the clock), publishes it, returns its id.
   * @throws ZodError when the fields do not match the event's schema.
   * @throws EventDeliveryError when it cannot be delivered.
   */
  async publishEvent<T extends AgentEventType>(
    detailType: T,
    context: EventContext,
    fields: EventFields<T>,
  ): Promise<string> {
    const event = makeEvent(detailType, context, this.now().toISOString(), fields);
    const [id] = await this.publishAll([event]);
    return id ?? '';
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishUpgradeStarted(context: EventContext, fields: EventFields<'upgrade.started'>): Promise<string> {
    return this.publishEvent('upgrade.started', context, fields);
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishUpgradeCompleted(context: EventContext, fields: EventFields<'upgrade.completed'>): Promise<string> {
    return this.publishEvent('upgrade.completed', context, fields);
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishUpgradeFailed(context: EventContext, fields: EventFields<'upgrade.failed'>): Promise<string> {
    return this.publishEvent('upgrade.failed', context, fields);
  }

  /**
   * Publishes validation.success or validation.failure, as `success` says.
   * @throws EventDeliveryError when the event cannot be delivered.
   */
  publishValidationResult(context: EventContext, fields: ValidationResultFields): Promise<string> {
    const { success, targetVersion, metrics, checks } = fields;
    return success
      ? this.publishEvent('validation.success', context, { success: true, metrics, checks })
      : this.publishEvent('validation.failure', context, { success: false, metrics, checks, targetVersion });
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishPhaseStarted(context: EventContext, fields: EventFields<'phase.started'>): Promise<string> {
    return this.publishEvent('phase.started', context, fields);
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishPhaseCompleted(context: EventContext, fields: EventFields<'phase.completed'>): Promise<string> {
    return this.publishEvent('phase.completed', context, fields);
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishPhaseFailed(context: EventContext, fields: EventFields<'phase.failed'>): Promise<string> {
    return this.publishEvent('phase.failed', context, fields);
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishRollbackTriggered(
    context: EventContext,
    fields: EventFields<'rollback.triggered'>,
  ): Promise<string> {
    return this.publishEvent('rollback.triggered', context, fields);
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishRollbackCompleted(
    context: EventContext,
    fields: EventFields<'rollback.completed'>,
  ): Promise<string> {
    return this.publishEvent('rollback.completed', context, fields);
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishTrafficShifted(context: EventContext, fields: EventFields<'traffic.shifted'>): Promise<string> {
    return this.publishEvent('traffic.shifted', context, fields);
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishClusterProvisioned(
    context: EventContext,
    fields: EventFields<'cluster.provisioned'>,
  ): Promise<string> {
    return this.publishEvent('cluster.provisioned', context, fields);
  }

  /** @throws EventDeliveryError when the event cannot be delivered. */
  publishClusterDecommissioned(
    context: EventContext,
    fields: EventFields<'cluster.decommissioned'>,
  ): Promise<string> {
    return this.publishEvent('cluster.decommissioned', context, fields);
  }

  /** Creates or updates a rule on this bus (unless the rule names another); returns its ARN. */
  createRule(rule: RuleDefinition): Promise<string> {
    return putRule(this.client, rule, this.busName);
  }

  /** @throws EventRuleError naming the targets EventBridge refused. */
  putTargets(ruleName: string, targets: readonly RuleTarget[]): Promise<void> {
    return putTargets(this.client, ruleName, targets, this.busName);
  }

  /**
   * Removes the rule's targets, then the rule; a missing rule is not an error.
   * @throws EventRuleError when targets cannot be removed.
   */
  deleteRule(ruleName: string): Promise<void> {
    return deleteRule(this.client, ruleName, this.busName);
  }
}

/** An error as the events carry it: its name (the Catch contract) and message. */
export function errorInfo(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
