import type { AgentEventType } from '../domain/events';

/**
 * The detail types each function publishes: the one list that UpgradeEvents
 * enforces (a type error, and an UndeclaredEventError at run time) and that the
 * stack test holds each function role's `events:PutEvents` condition to. A phase
 * that starts publishing a new type must add it here, and the role then has to
 * allow it, or the stack test fails.
 */
export const PUBLISHED_EVENTS = {
  trigger: ['upgrade.failed'],
  perception: ['phase.started', 'phase.completed', 'phase.failed'],
  reasoning: ['phase.started', 'phase.completed', 'phase.failed', 'upgrade.started'],
  execution: ['phase.started', 'phase.completed', 'phase.failed', 'upgrade.waiting'],
  validation: [
    'phase.started',
    'phase.completed',
    'phase.failed',
    'validation.success',
    'validation.failure',
    'upgrade.completed',
  ],
  rollback: [
    'phase.started',
    'phase.completed',
    'phase.failed',
    'rollback.triggered',
    'rollback.completed',
    'upgrade.failed',
  ],
  approval: ['approval.requested', 'approval.granted', 'approval.rejected'],
  bluegreen: [
    'phase.started',
    'phase.completed',
    'phase.failed',
    'upgrade.waiting',
    'cluster.provisioned',
    'traffic.shifted',
    'cluster.decommissioned',
    'rollback.triggered',
    'rollback.completed',
    'upgrade.failed',
    'upgrade.completed',
  ],
} as const satisfies Record<string, readonly AgentEventType[]>;

/** A function that publishes agent events (one IAM role each). */
export type Publisher = keyof typeof PUBLISHED_EVENTS;
/** The detail types a function may publish. */
export type PublishedBy<P extends Publisher> = (typeof PUBLISHED_EVENTS)[P][number];
/** Functions that run a phase between phase.started and phase.completed/failed. */
export type PhasePublisher = {
  [P in Publisher]: 'phase.started' extends PublishedBy<P> ? P : never;
}[Publisher];

export function mayPublish(publisher: Publisher, type: AgentEventType): boolean {
  return (PUBLISHED_EVENTS[publisher] as readonly AgentEventType[]).includes(type);
}
