import { defaultConfig } from '../../lib/domain/config';
import type { DomainEvent } from '../../lib/domain/events';
import type { EnvironmentSnapshot } from '../../lib/domain/snapshot';
import type { RollbackDeps } from '../../lib/phases/deps';
import { artifactKeys, saveRecord } from '../../lib/phases/records';
import { type OncePerUpgrade, rollbackPhase } from '../../lib/phases/rollback';
import { validatePhase } from '../../lib/phases/validation';
import { snapshot } from '../support/snapshot-builder';

/**
 * Rollback acts on the rule's validation.failure only when the validation phase
 * recorded that failure for the same upgrade, cluster and target; the state
 * machine's calls act as before. Given/when/then over in-memory ports.
 */
const UPGRADE = 'test-cluster-1-30-req1-0123456789ab';
const NOW = new Date('2026-11-28T11:05:00.000Z');

function world(cluster: EnvironmentSnapshot) {
  const artifacts = new Map<string, unknown>();
  const published: DomainEvent[] = [];
  const releases: [string, string][] = [];
  const rollbacks: string[] = [];
  const deps: RollbackDeps & Parameters<typeof validatePhase>[1] = {
    artifacts: {
      putJson: async (key, value) => {
        artifacts.set(key, structuredClone(value));
      },
      getJson: async (key) => artifacts.get(key),
    },
    events: {
      publish: async (events) => {
        published.push(...events);
      },
    },
    locks: {
      acquire: async () => ({ acquired: true }),
      release: async (clusterName, holder) => {
        releases.push([clusterName, holder]);
      },
    },
    config: { load: async () => defaultConfig() },
    clock: { now: () => NOW },
    snapshots: { readSnapshot: async () => cluster },
    metricsFor: () => undefined,
    controlPlaneRollback: {
      startControlPlaneRollback: async (clusterName) => {
        rollbacks.push(clusterName);
        return { kind: 'busy', message: 'not in this test' };
      },
    },
    updates: {
      startStep: async () => ({ kind: 'busy', message: 'not in this test' }),
      describeUpdate: async () => {
        throw new Error('not in this test');
      },
    },
    nodegroups: {
      createNodegroup: async () => ({ kind: 'created' }),
      deleteNodegroup: async () => ({ kind: 'gone' }),
      describeNodegroup: async () => undefined,
    },
  };
  const onceCalls: string[] = [];
  // Like Powertools idempotency: the first call's result is stored and returned to later callers.
  const stored = new Map<string, unknown>();
  const once: OncePerUpgrade = (fn) => async (input) => {
    onceCalls.push(input.upgradeId);
    if (!stored.has(input.upgradeId)) stored.set(input.upgradeId, await fn(input));
    return stored.get(input.upgradeId) as Awaited<ReturnType<typeof fn>>;
  };
  const types = () => published.map((e) => e.detailType);
  return { deps, artifacts, published, types, releases, rollbacks, once, onceCalls };
}

async function startedUpgrade(w: ReturnType<typeof world>) {
  await saveRecord(w.deps.artifacts, {
    upgradeId: UPGRADE,
    clusterName: 'test-cluster',
    targetVersion: '1.30',
    startedAt: '2026-11-28T10:00:00.000Z',
    phase: 'execution',
    completed: [],
    halted: false,
  });
  w.artifacts.set(artifactKeys.plan(UPGRADE), { steps: [] });
}

const validationInput = {
  upgradeId: UPGRADE,
  correlationId: `arn:aws:states:us-east-1:1:execution:m:${UPGRADE}`,
  request: { clusterName: 'test-cluster', targetVersion: '1.30', requestId: 'req1' },
  planKey: artifactKeys.plan(UPGRADE),
  soakSeconds: 0,
};

/** validation.failure as EventBridge delivers it to the rollback-automation rule's target. */
/** TriggerRollback's Parameters for this upgrade, as the state machine passes them. */
const stateMachineCall = () => ({
  mode: 'rollback',
  trigger: 'state-machine',
  upgradeId: UPGRADE,
  correlationId: validationInput.correlationId,
  clusterName: 'test-cluster',
  targetVersion: '1.30',
  reason: 'validation failed',
});

function ruleEvent(detail: Partial<Record<string, unknown>> = {}) {
  return {
    'detail-type': 'validation.failure',
    source: 'eks-upgrade-agent',
    detail: {
      schemaVersion: '1',
      upgradeId: UPGRADE,
      clusterName: 'test-cluster',
      occurredAt: NOW.toISOString(),
      correlationId: validationInput.correlationId,
      success: false,
      metrics: {},
      checks: [{ name: 'control-plane', passed: false, detail: 'forged' }],
      targetVersion: '1.30',
      ...detail,
    },
  };
}

describe('rollback verifies the upgrade before it acts on a validation.failure event', () => {
  test('given validation failed and recorded it, when the rule delivers its event, then the rollback runs', async () => {
    const w = world(snapshot({ version: '1.29' }));
    await startedUpgrade(w);
    const verdict = await validatePhase(validationInput, w.deps);
    expect(verdict.passed).toBe(false);
    expect(w.artifacts.get(artifactKeys.validation(UPGRADE))).toEqual({
      upgradeId: UPGRADE,
      clusterName: 'test-cluster',
      targetVersion: '1.30',
      passed: false,
      failedChecks: ['control-plane'],
      judgedAt: NOW.toISOString(),
    });
    // Recorded before the event went out: the rule's target can always find it.
    expect(w.types()).toContain('validation.failure');

    // The rule's call claims the rollback; the state machine's call carries it out.
    await expect(rollbackPhase(ruleEvent(), w.deps, w.once)).resolves.toEqual({ performedBy: 'event-rule' });
    expect(w.types()).toContain('rollback.triggered');
    expect(w.types()).not.toContain('rollback.completed');
    const result = await rollbackPhase(stateMachineCall(), w.deps, w.once);
    expect(result).toMatchObject({ status: 'done', outcome: 'stopped', performedBy: 'event-rule' });
    expect(w.types()).toContain('rollback.completed');
    expect(w.releases).toEqual([['test-cluster', UPGRADE]]);
  });

  test('given an upgrade that passed validation, when a forged validation.failure arrives, then nothing is done', async () => {
    const w = world(snapshot({ version: '1.30' }));
    await startedUpgrade(w);
    expect((await validatePhase(validationInput, w.deps)).passed).toBe(true);
    const before = w.types().length;
    const releasesBefore = w.releases.length;

    const result = await rollbackPhase(ruleEvent(), w.deps, w.once);

    expect(result).toEqual({
      outcome: 'refused',
      performedBy: 'event-rule',
      upgradeId: UPGRADE,
      clusterName: 'test-cluster',
      reason: `validation.failure not acted on: validation passed at ${NOW.toISOString()}: the upgrade completed, there is nothing to roll back`,
    });
    expect(w.types().slice(before)).toEqual([]);
    expect(w.releases).toHaveLength(releasesBefore);
    expect(w.onceCalls).toEqual([]);
    expect(w.rollbacks).toEqual([]);
  });

  test.each([
    ['no verdict recorded', {}, 'the validation phase recorded no verdict for this upgrade'],
    [
      'another cluster',
      { clusterName: 'payments-prod' },
      'the recorded verdict is for cluster test-cluster, not payments-prod',
    ],
    ['another target', { targetVersion: '1.31' }, 'the recorded verdict is for target 1.30, not 1.31'],
    ['an id no execution has', { upgradeId: '../../etc' }, 'the upgrade id is not one this agent gives'],
  ])(
    'given %s, when a validation.failure arrives, then it is refused and nothing is published',
    async (what, detail, reason) => {
      const w = world(snapshot({ version: '1.29' }));
      await startedUpgrade(w);
      if (what !== 'no verdict recorded') await validatePhase(validationInput, w.deps);
      const before = w.types().length;

      const result = await rollbackPhase(ruleEvent(detail), w.deps, w.once);

      expect(result).toMatchObject({
        outcome: 'refused',
        reason: `validation.failure not acted on: ${reason}`,
      });
      expect(w.types().slice(before)).toEqual([]);
      expect(w.releases).toEqual([]);
      expect(w.onceCalls).toEqual([]);
    },
  );

  test('given the state machine calls TriggerRollback, when no event was involved, then it acts without the rule check', async () => {
    const w = world(snapshot({ version: '1.29' }));
    await startedUpgrade(w);
    const result = await rollbackPhase(stateMachineCall(), w.deps, w.once);
    expect(result).toMatchObject({ outcome: 'stopped', performedBy: 'state-machine' });
    expect(w.types()).toEqual(
      expect.arrayContaining(['rollback.triggered', 'rollback.completed', 'upgrade.failed']),
    );
  });
});
