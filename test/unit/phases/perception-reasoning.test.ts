import type { UpgradePlan } from '../../../lib/domain/plan-types';
import { perceive } from '../../../lib/phases/perception';
import { reasonPhase } from '../../../lib/phases/reasoning';
import { artifactKeys } from '../../../lib/phases/records';
import { CLUSTER, CORRELATION, REQUEST, record, storedRecord, UPGRADE } from '../../support/phase-fixtures';
import { NOW, type PhaseWorld, phaseWorld } from '../../support/phase-world';
import { addon, addonInfo, minors, nodegroup, snapshot } from '../../support/snapshot-builder';

/** Perception and reasoning over in-memory ports: what they store, publish and hand on. */

const call = (request: Record<string, unknown> = {}) => ({
  upgradeId: UPGRADE,
  correlationId: CORRELATION,
  request: { ...REQUEST, ...request },
});

const cluster = snapshot({
  version: '1.29',
  nodegroups: [nodegroup('general', '1.29'), nodegroup('batch', '1.29')],
  addons: [addon('eks-pod-identity-agent', 'v1.3.4-eksbuild.1')],
});

describe('perceive', () => {
  test('given a cluster, then its snapshot (trimmed to the target) and a fresh record are stored and a summary handed on', async () => {
    const w = phaseWorld({ snapshot: cluster });
    const result = await perceive(call(), w.deps);
    expect(w.deps.snapshots.readSnapshot).toHaveBeenCalledWith(CLUSTER, { targetVersion: '1.30' });
    expect(result).toEqual({
      snapshotKey: artifactKeys.snapshot(UPGRADE),
      currentVersion: '1.29',
      nodegroupCount: 2,
      addonCount: 1,
    });
    expect(w.store.get(artifactKeys.snapshot(UPGRADE))).toEqual(cluster);
    expect(storedRecord(w)).toEqual({
      upgradeId: UPGRADE,
      clusterName: CLUSTER,
      targetVersion: '1.30',
      startedAt: NOW,
      phase: 'perception',
      completed: [],
      halted: false,
    });
    expect(w.types()).toEqual(['phase.started', 'phase.completed']);
    expect(w.details('phase.completed')[0]).toMatchObject({
      phase: 'perception',
      correlationId: CORRELATION,
      summary: `read ${CLUSTER} at 1.29: 2 node group(s), 1 add-on(s)`,
    });
  });

  test('given the read fails, then phase.failed carries the error and nothing is stored', async () => {
    const w = phaseWorld();
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    jest.mocked(w.deps.snapshots.readSnapshot).mockRejectedValueOnce(denied);
    await expect(perceive(call(), w.deps)).rejects.toBe(denied);
    expect(w.store.size).toBe(0);
    expect(w.details('phase.failed')).toEqual([
      expect.objectContaining({
        phase: 'perception',
        error: { name: 'AccessDeniedException', message: 'not authorized' },
      }),
    ]);
  });
});

async function reasoned(w: PhaseWorld, snap = cluster) {
  await w.deps.artifacts.putJson(artifactKeys.snapshot(UPGRADE), snap);
  await w.deps.artifacts.putJson(artifactKeys.record(UPGRADE), record({ phase: 'perception' }));
}

const reasoningCall = (request: Record<string, unknown> = {}) => ({
  ...call(request),
  snapshotKey: artifactKeys.snapshot(UPGRADE),
});

describe('reasonPhase', () => {
  test('given a ready plan, then it is stored, upgrade.started tells its size, and the record is in reasoning', async () => {
    const w = phaseWorld();
    await reasoned(w);
    const result = await reasonPhase(reasoningCall(), w.deps);
    const plan = w.store.get(artifactKeys.plan(UPGRADE)) as UpgradePlan;
    expect(plan.verdict).toBe('ready');
    expect(result).toEqual({
      planKey: artifactKeys.plan(UPGRADE),
      verdict: 'ready',
      stepCount: plan.steps.length,
      estimatedMinutes: plan.estimatedMinutes,
      approval: { required: false, timeoutSeconds: 43_200 },
    });
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(storedRecord(w).phase).toBe('reasoning');
    expect(w.details('upgrade.started')).toEqual([
      expect.objectContaining({
        currentVersion: '1.29',
        targetVersion: '1.30',
        strategy: 'in_place',
        stepCount: plan.steps.length,
        estimatedMinutes: plan.estimatedMinutes,
      }),
    ]);
    expect(w.details('phase.completed')[0]?.summary).toBe(
      `plan ready: ${plan.steps.length} step(s), about ${plan.estimatedMinutes} min`,
    );
  });

  test('given a dry run, then the plan is stored but the upgrade does not start', async () => {
    const w = phaseWorld();
    await reasoned(w);
    await reasonPhase(reasoningCall({ dryRun: true }), w.deps);
    expect(w.store.has(artifactKeys.plan(UPGRADE))).toBe(true);
    expect(w.types()).toEqual(['phase.started', 'phase.completed']);
    expect(w.details('phase.completed')[0]?.summary).toMatch(/^dry run: plan ready: /);
  });

  test('given a blocking finding, then the plan is stored and PlanBlockedError lists the findings', async () => {
    const w = phaseWorld();
    // An add-on with no version that runs on 1.30 blocks the hop.
    const blocked = snapshot({
      version: '1.29',
      addons: [addon('vpc-cni', 'v1.0.0-eksbuild.1')],
      addonVersions: [addonInfo('vpc-cni', [{ v: 'v1.0.0-eksbuild.1', on: minors(28, 29) }])],
    });
    await reasoned(w, blocked);
    const error = await reasonPhase(reasoningCall(), w.deps).catch((e: unknown) => e);
    const plan = w.store.get(artifactKeys.plan(UPGRADE)) as UpgradePlan;
    const blocking = plan.findings.filter((f) => f.severity === 'block');
    expect(plan.verdict).toBe('blocked');
    expect(blocking.length).toBeGreaterThan(0);
    expect(error).toMatchObject({
      name: 'PlanBlockedError',
      message: `plan blocked by ${blocking.length} finding(s): ${blocking.map((f) => `${f.code}: ${f.message}`).join(' | ')}`,
    });
    expect(w.types()).toEqual(['phase.started', 'phase.failed']);
  });

  test('given a malformed input, then each phase names itself in the InvalidRequestError', async () => {
    const w = phaseWorld();
    await expect(perceive({ upgradeId: UPGRADE }, w.deps)).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringMatching(/^perception input is invalid: /),
    });
    await expect(reasonPhase({ upgradeId: UPGRADE }, w.deps)).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringMatching(/^reasoning input is invalid: /),
    });
    expect(w.types()).toEqual([]);
  });

  test('given no snapshot at the key, then InvalidRequestError names the key', async () => {
    const w = phaseWorld();
    await w.deps.artifacts.putJson(artifactKeys.record(UPGRADE), record());
    await expect(reasonPhase(reasoningCall(), w.deps)).rejects.toThrow(
      `no snapshot at ${artifactKeys.snapshot(UPGRADE)}`,
    );
  });
});
