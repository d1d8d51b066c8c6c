import { type AgentConfig, defaultConfig, parseAgentConfig } from '../../lib/domain/config';
import type { AgentEventType, DomainEvent, EventDetail } from '../../lib/domain/events';
import type { EnvironmentSnapshot } from '../../lib/domain/snapshot';
import type { PhaseDeps } from '../../lib/phases/deps';
import type { OncePerUpgrade } from '../../lib/phases/rollback';
import type { MetricsReader, ValidationMetrics } from '../../lib/ports';
import { executionTimeoutSeconds } from '../../lib/sandbox/local-sfn/definition';
import { snapshot as buildSnapshot } from './snapshot-builder';

/**
 * Every port of a phase, in memory, each a jest.fn so a test can script an answer
 * (`jest.mocked(w.deps.updates.startStep).mockResolvedValueOnce(...)`) and assert
 * what the phase asked of EKS, stored and published.
 */

export const NOW = '2026-11-28T10:00:00.000Z';

export interface PhaseWorldOptions {
  readonly snapshot?: EnvironmentSnapshot;
  /** Raw configuration, parsed like SSM's (defaults filled in). */
  readonly config?: unknown;
  readonly now?: string;
  readonly metrics?: ValidationMetrics;
}

const notUsed = async () => {
  throw new Error('an in-place phase called a blue/green port');
};

export function phaseWorld(options: PhaseWorldOptions = {}) {
  const store = new Map<string, unknown>();
  const published: DomainEvent[] = [];
  let now = new Date(options.now ?? NOW);
  let cluster = options.snapshot ?? buildSnapshot();
  let config: AgentConfig = options.config === undefined ? defaultConfig() : parseAgentConfig(options.config);
  const metricsReader: MetricsReader = {
    readValidationMetrics: jest.fn(
      async () =>
        options.metrics ?? {
          errorRate: { value: 0, sampleCount: 10 },
          latencyP99: { value: 100, sampleCount: 10 },
        },
    ),
  };
  const deps: PhaseDeps = {
    snapshots: { readSnapshot: jest.fn(async () => structuredClone(cluster)) },
    updates: {
      startStep: jest.fn(async (clusterName: string) => ({
        kind: 'started' as const,
        update: { clusterName, updateId: 'update-1' },
      })),
      describeUpdate: jest.fn(async (ref) => ({
        updateId: ref.updateId,
        state: 'Successful' as const,
        errors: [],
      })),
    },
    insights: {
      readInsights: jest.fn(async () => []),
      refreshInsights: jest.fn(async () => undefined),
    },
    controlPlaneRollback: {
      startControlPlaneRollback: jest.fn(async (clusterName: string) => ({
        kind: 'started' as const,
        update: { clusterName, updateId: 'rollback-1' },
      })),
    },
    nodegroups: {
      createNodegroup: jest.fn(async () => ({ kind: 'created' as const })),
      deleteNodegroup: jest.fn(async () => ({ kind: 'deleting' as const })),
      describeNodegroup: jest.fn(async () => undefined),
    },
    // Blue/green's ports: the in-place phases never call them (the blue/green phase is tested on the sandbox).
    provisioner: new Proxy({} as PhaseDeps['provisioner'], { get: () => notUsed }),
    traffic: new Proxy({} as PhaseDeps['traffic'], { get: () => notUsed }),
    readiness: new Proxy({} as PhaseDeps['readiness'], { get: () => notUsed }),
    events: {
      publish: jest.fn(async (events: readonly DomainEvent[]) => {
        published.push(...structuredClone(events));
      }),
    },
    metricsFor: jest.fn(() => metricsReader),
    artifacts: {
      putJson: jest.fn(async (key: string, value: unknown) => {
        store.set(key, structuredClone(value));
      }),
      getJson: jest.fn(async (key: string) => structuredClone(store.get(key))),
    },
    locks: {
      acquire: jest.fn(async () => ({ acquired: true as const })),
      release: jest.fn(async () => undefined),
    },
    config: { load: jest.fn(async () => config) },
    clock: { now: jest.fn(() => new Date(now)) },
    executionTimeoutSeconds: executionTimeoutSeconds(),
  };
  // Like Powertools idempotency: the first call's result is stored and handed to later callers.
  const onceResults = new Map<string, unknown>();
  const once: OncePerUpgrade = (fn) => async (input) => {
    if (!onceResults.has(input.upgradeId)) onceResults.set(input.upgradeId, await fn(input));
    return onceResults.get(input.upgradeId) as Awaited<ReturnType<typeof fn>>;
  };
  return {
    deps,
    store,
    published,
    metricsReader,
    once,
    /** The detail types published, in order. */
    types: () => published.map((e) => e.detailType),
    /** The details of one detail type, in order. */
    details: <T extends AgentEventType>(type: T): EventDetail<T>[] =>
      published.filter((e) => e.detailType === type).map((e) => e.detail as EventDetail<T>),
    setNow: (iso: string) => {
      now = new Date(iso);
    },
    setCluster: (next: EnvironmentSnapshot) => {
      cluster = next;
    },
    setConfig: (raw: unknown) => {
      config = parseAgentConfig(raw);
    },
  };
}

export type PhaseWorld = ReturnType<typeof phaseWorld>;
