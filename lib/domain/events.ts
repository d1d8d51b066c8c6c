import * as z from 'zod';
import { lazy } from './lazy';
import { clusterNameSchema, requestIdSchema } from './request-fields';
import { kubernetesVersionSchema } from './version';

/**
 * The domain events: one zod schema per detail type, the single source of truth
 * for what each event carries. `events/README.md` is the human catalogue of the
 * same list (producers and consumers). Detail types are the seed's names.
 */

export const EVENT_SOURCE = 'eks-upgrade-agent';
export const SCHEMA_VERSION = '1';

/** The event schemas, built together on first use (lib/domain/lazy.ts). */
const schemas = lazy(() => {
  const phase = z.enum(['perception', 'reasoning', 'execution', 'validation', 'rollback']);

  const errorInfo = z.object({ name: z.string(), message: z.string() });

  /** Every agent event carries these. */
  const envelope = z.object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    upgradeId: z.string().min(1),
    clusterName: z.string().min(1),
    /** When it happened (ISO 8601). */
    occurredAt: z.string(),
    /** The Step Functions execution (or local run) the event belongs to. */
    correlationId: z.string().min(1),
  });

  /** Inbound: asks for an upgrade; the trigger rule starts the state machine with it. */
  const upgradeRequested = z.object({
    schemaVersion: z.literal(SCHEMA_VERSION).default(SCHEMA_VERSION),
    clusterName: clusterNameSchema(),
    targetVersion: kubernetesVersionSchema(),
    strategy: z.enum(['in_place', 'blue_green']).default('in_place'),
    force: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    /** The caller's id for this request; duplicates of one request start one upgrade. */
    requestId: requestIdSchema(),
    /** Recorded in events (each at most 256 KB with everything else): a name, not a document. */
    requestedBy: z.string().max(256).optional(),
  });

  /** Which bake gate a validation was: its stage and hop. */
  const gateInfo = z.object({
    stage: z.enum(['control-plane', 'canary', 'nodegroups']),
    hop: z.string(),
  });

  const details = {
    'upgrade.started': envelope.extend({
      currentVersion: z.string(),
      targetVersion: z.string(),
      strategy: z.string(),
      stepCount: z.number().int().nonnegative(),
      estimatedMinutes: z.number().nonnegative(),
    }),
    'upgrade.completed': envelope.extend({
      targetVersion: z.string(),
      durationSeconds: z.number().nonnegative(),
    }),
    'upgrade.failed': envelope.extend({
      targetVersion: z.string(),
      phase: phase.or(z.literal('trigger')),
      error: errorInfo,
      reason: z.string(),
      /** Seconds from the upgrade's start to its failure; absent when it never started (a refused request). */
      durationSeconds: z.number().nonnegative().optional(),
    }),
    /** A new hop would start outside the maintenance window: the upgrade waits for the next one. */
    'upgrade.waiting': envelope.extend({
      reason: z.literal('maintenance-window'),
      /** When the next window opens (ISO 8601 UTC): the state machine waits until then. */
      waitUntil: z.string(),
      /** The window as configured (normalised). */
      window: z.object({ days: z.array(z.string()), hours: z.string(), timeZone: z.string() }),
      /** The step that waits (the hop's first) and its hop. */
      stepId: z.string(),
      hop: z.string(),
    }),
    'phase.started': envelope.extend({ phase }),
    'phase.completed': envelope.extend({
      phase,
      summary: z.string().optional(),
      /** Seconds the phase took: this call, or since the execution phase (re)started (it spans many calls). */
      durationSeconds: z.number().nonnegative().optional(),
    }),
    'phase.failed': envelope.extend({ phase, error: errorInfo }),
    'validation.success': envelope.extend({
      success: z.literal(true),
      metrics: z.record(z.string(), z.number().nullable()),
      checks: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string() })),
      /** Present for a hop's bake gate; absent for the final validation. */
      gate: gateInfo.optional(),
    }),
    'validation.failure': envelope.extend({
      success: z.literal(false),
      metrics: z.record(z.string(), z.number().nullable()),
      checks: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string() })),
      targetVersion: z.string(),
      gate: gateInfo.optional(),
    }),
    'rollback.triggered': envelope.extend({
      reason: z.string(),
      trigger: z.enum(['state-machine', 'event-rule']),
    }),
    'rollback.completed': envelope.extend({
      /**
       * reverted: everything the current hop changed that can go back went back;
       * partially-reverted: some of it; stopped: nothing was reverted (steps halted).
       */
      outcome: z.enum(['reverted', 'partially-reverted', 'stopped']),
      /** The hop that was reverted; earlier hops passed their gates and are kept. */
      hop: z.string().optional(),
      /** The first LISTED_ACTIONS actions, in order. */
      actions: z.array(z.object({ action: z.string(), resource: z.string(), result: z.string() })),
      /** How many actions there were in all. */
      actionCount: z.number().int().nonnegative().optional(),
      /** When not all are listed: actions per kind, and the artifact key of the record that holds them all. */
      actionCounts: z.record(z.string(), z.number().int().nonnegative()).optional(),
      actionsKey: z.string().optional(),
    }),
    'traffic.shifted': envelope.extend({
      fromCluster: z.string(),
      toCluster: z.string(),
      percentage: z.number().min(0).max(100),
    }),
    'cluster.provisioned': envelope.extend({ newClusterName: z.string(), version: z.string() }),
    'cluster.decommissioned': envelope.extend({ decommissionedClusterName: z.string() }),
    /** The upgrade waits for a person (approval/mode required): what it would do, and how to answer. */
    'approval.requested': envelope.extend({
      currentVersion: z.string(),
      targetVersion: z.string(),
      strategy: z.string(),
      verdict: z.string(),
      stepCount: z.number().int().nonnegative(),
      estimatedMinutes: z.number().nonnegative(),
      /** The minor versions the control plane moves through, in order. */
      hops: z.array(z.string()),
      /** Findings per severity (the plan in the artifact store has them all). */
      findings: z.record(z.string(), z.number().int().nonnegative()),
      planKey: z.string(),
      /** With no answer by then, the upgrade ends without touching the cluster. */
      expiresAt: z.string(),
      /** How to approve or reject: the CLI commands and the API call. */
      howTo: z.object({ approve: z.string(), reject: z.string(), api: z.string() }),
    }),
    'approval.granted': envelope.extend({
      by: z.string(),
      comment: z.string().optional(),
      decidedAt: z.string(),
    }),
    /** Rejected by a person, or no answer in time (`by` is then the agent). */
    'approval.rejected': envelope.extend({
      outcome: z.enum(['rejected', 'timed-out']),
      by: z.string(),
      comment: z.string().optional(),
      decidedAt: z.string(),
    }),
  } as const;
  return { envelope, upgradeRequested, details };
});

/** Inbound: asks for an upgrade; the trigger rule starts the state machine with it. */
export const upgradeRequestedDetail = () => schemas().upgradeRequested;
/** One schema per detail type the agent publishes. */
export const eventDetailSchemas = () => schemas().details;

type DetailSchemas = ReturnType<typeof eventDetailSchemas>;
export type AgentEventType = keyof DetailSchemas;
export type PhaseName = EventDetail<'phase.completed'>['phase'];
/** Every detail type, in the schemas' order (a unit test holds the two together). */
export const AGENT_EVENT_TYPES: AgentEventType[] = [
  'upgrade.started',
  'upgrade.completed',
  'upgrade.failed',
  'upgrade.waiting',
  'phase.started',
  'phase.completed',
  'phase.failed',
  'validation.success',
  'validation.failure',
  'rollback.triggered',
  'rollback.completed',
  'traffic.shifted',
  'cluster.provisioned',
  'cluster.decommissioned',
  'approval.requested',
  'approval.granted',
  'approval.rejected',
];
export type EventDetail<T extends AgentEventType> = z.infer<DetailSchemas[T]>;
export type UpgradeRequestedDetail = z.infer<ReturnType<typeof upgradeRequestedDetail>>;

/** A domain event ready to publish: a detail type and its detail. */
export type DomainEvent = {
  [T in AgentEventType]: { readonly detailType: T; readonly detail: EventDetail<T> };
}[AgentEventType];

/** The fields every event of one upgrade shares. */
type Envelope = z.infer<ReturnType<typeof schemas>['envelope']>;
export type EventContext = Pick<Envelope, 'upgradeId' | 'clusterName' | 'correlationId'>;

/**
 * Builds a typed event; `occurredAt` is passed in because the domain never reads the clock.
 * The detail is validated, so a malformed event fails where it is made, not at the bus.
 */
export function makeEvent<T extends AgentEventType>(
  detailType: T,
  context: EventContext,
  occurredAt: string,
  fields: Omit<EventDetail<T>, keyof Envelope>,
): DomainEvent {
  const detail = eventDetailSchemas()[detailType].parse({
    schemaVersion: SCHEMA_VERSION,
    ...context,
    occurredAt,
    ...fields,
  });
  return { detailType, detail } as DomainEvent;
}
