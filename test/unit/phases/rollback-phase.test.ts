import { RollbackUnavailableError } from '../../../lib/domain/errors';
import type { UpgradeStep } from '../../../lib/domain/plan-types';
import { artifactKeys, type UpgradeRecord } from '../../../lib/phases/records';
import { rollbackPhase } from '../../../lib/phases/rollback';
import { type RollbackRun, rollbackRunKey } from '../../../lib/phases/rollback-run';
import {
  CLUSTER,
  CORRELATION,
  cpStep,
  gateStep,
  givenUpgrade,
  nodegroupStep,
  storedRecord,
  UPGRADE,
} from '../../support/phase-fixtures';
import { NOW, type PhaseWorld, phaseWorld } from '../../support/phase-world';
import { snapshot } from '../../support/snapshot-builder';

/**
 * TriggerRollback end to end over in-memory ports: the claim halts the upgrade and
 * decides what the failed hop reverts; the polls carry it out (the control-plane
 * revert branch included, on by default); the end report goes out once.
 */

const REASON = 'gate control-plane at 1.30 failed: error-rate';
const call = (trigger: 'state-machine' | 'event-rule' = 'state-machine') => ({
  mode: 'rollback',
  trigger,
  upgradeId: UPGRADE,
  correlationId: CORRELATION,
  clusterName: CLUSTER,
  targetVersion: '1.30',
  reason: REASON,
});
const hoursAgo = (h: number) => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();

/** The control-plane hop to 1.30 completed an hour ago, and its gate failed. */
async function failedControlPlaneGate(options: { config?: unknown; record?: Partial<UpgradeRecord> } = {}) {
  const w = phaseWorld({
    snapshot: snapshot({ version: '1.30' }),
    ...(options.config !== undefined ? { config: options.config } : {}),
  });
  const steps: UpgradeStep[] = [cpStep(), gateStep('control-plane')];
  await givenUpgrade(w, steps, {
    completed: [{ stepId: 'control-plane:1.30', finishedAt: hoursAgo(1) }],
    lastHopCompletedAt: hoursAgo(1),
    ...options.record,
  });
  await w.deps.artifacts.putJson(artifactKeys.snapshot(UPGRADE), snapshot({ version: '1.29' }));
  return w;
}

const storedRun = (w: PhaseWorld) => w.store.get(rollbackRunKey(UPGRADE)) as RollbackRun;

describe('rollbackPhase: the control plane goes back with EKS version rollback', () => {
  test('given a failed gate after the control-plane hop, then the claim halts the upgrade, says so, and starts the rollback', async () => {
    const w = await failedControlPlaneGate();
    const result = await rollbackPhase(call(), w.deps, w.once);
    expect(result).toEqual({
      status: 'waiting',
      waitSeconds: 900,
      outcome: 'pending',
      performedBy: 'state-machine',
    });
    expect(storedRecord(w)).toMatchObject({ halted: true, phase: 'rollback' });
    expect(w.types()).toEqual(['phase.started', 'rollback.triggered', 'phase.completed']);
    expect(w.details('rollback.triggered')).toEqual([
      expect.objectContaining({
        reason: REASON,
        trigger: 'state-machine',
        upgradeId: UPGRADE,
        clusterName: CLUSTER,
      }),
    ]);
    expect(w.details('phase.completed')[0]).toMatchObject({
      phase: 'rollback',
      summary: 'rollback claimed by state-machine',
    });
    expect(w.deps.snapshots.readSnapshot).toHaveBeenCalledWith(CLUSTER);
    expect(w.deps.controlPlaneRollback.startControlPlaneRollback).toHaveBeenCalledWith(
      CLUSTER,
      '1.29',
      expect.objectContaining({ clientRequestToken: expect.any(String) }),
    );
    expect(storedRun(w)).toMatchObject({
      upgradeId: UPGRADE,
      clusterName: CLUSTER,
      targetVersion: '1.30',
      reason: REASON,
      claimedBy: 'state-machine',
      hop: '1.30',
      expected: 'reverted',
      actions: [expect.objectContaining({ kind: 'rollback-control-plane', from: '1.30', to: '1.29' })],
    });
    expect(w.deps.locks.release).not.toHaveBeenCalled();
  });

  test('given the EKS rollback succeeds, then rollback.completed and upgrade.failed tell what was reverted, once, and the lock is released', async () => {
    const w = await failedControlPlaneGate();
    await rollbackPhase(call(), w.deps, w.once);
    jest
      .mocked(w.deps.updates.describeUpdate)
      .mockResolvedValueOnce({ updateId: 'rollback-1', state: 'InProgress', errors: [] });
    expect(await rollbackPhase(call(), w.deps, w.once)).toEqual({
      status: 'waiting',
      waitSeconds: 120,
      outcome: 'pending',
      performedBy: 'state-machine',
    });
    const done = await rollbackPhase(call(), w.deps, w.once);
    expect(done).toEqual({
      status: 'done',
      waitSeconds: 0,
      outcome: 'reverted',
      performedBy: 'state-machine',
    });
    expect(w.details('rollback.completed')).toEqual([
      expect.objectContaining({
        outcome: 'reverted',
        hop: '1.30',
        actions: [
          {
            action: 'rollback-control-plane',
            resource: `cluster/${CLUSTER}`,
            result: 'rolled back: EKS version rollback 1.30 -> 1.29 (update rollback-1)',
          },
        ],
      }),
    ]);
    expect(w.details('upgrade.failed')).toEqual([
      expect.objectContaining({
        targetVersion: '1.30',
        phase: 'validation',
        error: { name: 'ValidationFailed', message: REASON },
        reason: `${REASON}; rollback reverted of hop 1.30: reverted cluster/${CLUSTER}`,
        // From the record's start (09:00) to the rollback's end (10:00, the world's clock).
        durationSeconds: 3600,
      }),
    ]);
    expect(w.deps.locks.release).toHaveBeenCalledWith(CLUSTER, UPGRADE);

    // A retried poll after the end: the same answer, nothing published or released again.
    const published = w.published.length;
    expect(await rollbackPhase(call(), w.deps, w.once)).toEqual(done);
    expect(w.published).toHaveLength(published);
    expect(w.deps.locks.release).toHaveBeenCalledTimes(1);
  });

  test('given EKS refuses the rollback, then upgrade.failed names the cluster as not reverted', async () => {
    const w = await failedControlPlaneGate();
    jest
      .mocked(w.deps.controlPlaneRollback.startControlPlaneRollback)
      .mockRejectedValueOnce(new RollbackUnavailableError(CLUSTER, 'no rollback available'));
    const result = await rollbackPhase(call(), w.deps, w.once);
    expect(result).toMatchObject({ status: 'done', outcome: 'stopped' });
    expect(w.details('upgrade.failed')[0]?.reason).toBe(
      `${REASON}; rollback stopped of hop 1.30: reverted nothing; not reverted cluster/${CLUSTER}`,
    );
  });

  test('given control-plane rollback disabled by configuration, then the control plane is kept and the rollback stops', async () => {
    const w = await failedControlPlaneGate({ config: { rollback: { revertControlPlane: 'false' } } });
    const result = await rollbackPhase(call(), w.deps, w.once);
    expect(result).toMatchObject({ status: 'done', outcome: 'stopped' });
    expect(w.deps.controlPlaneRollback.startControlPlaneRollback).not.toHaveBeenCalled();
    expect(w.details('rollback.completed')[0]?.actions).toEqual([
      {
        action: 'keep',
        resource: `cluster/${CLUSTER}`,
        result: 'kept: control plane stays at 1.30: control-plane rollback is disabled by configuration',
      },
    ]);
    expect(w.details('upgrade.failed')[0]?.reason).toBe(
      `${REASON}; rollback stopped of hop 1.30: reverted nothing`,
    );
  });

  test('given the hop completed more than 7 days ago, then the rollback window has passed and the control plane stays', async () => {
    const w = await failedControlPlaneGate({ record: { lastHopCompletedAt: hoursAgo(7 * 24 + 1) } });
    await rollbackPhase(call(), w.deps, w.once);
    expect(w.deps.controlPlaneRollback.startControlPlaneRollback).not.toHaveBeenCalled();
    expect(storedRun(w).actions[0]).toMatchObject({ kind: 'keep', why: expect.stringContaining('7-day') });
  });

  test('given nothing of the upgrade completed, then the rollback stops with no hop and no action', async () => {
    const w = await failedControlPlaneGate({ record: { completed: [] } });
    const result = await rollbackPhase(call(), w.deps, w.once);
    expect(result).toMatchObject({ status: 'done', outcome: 'stopped' });
    expect(w.details('rollback.completed')).toEqual([
      expect.objectContaining({ outcome: 'stopped', actions: [] }),
    ]);
    expect(w.details('rollback.completed')[0]).not.toHaveProperty('hop');
    expect(w.details('upgrade.failed')[0]?.reason).toBe(`${REASON}; rollback stopped: reverted nothing`);
  });
});

describe('rollbackPhase: node groups go back to the version and AMI the upgrade found', () => {
  const general = (version: string, release: string, template: string) => ({
    nodegroupName: 'general',
    version,
    status: 'ACTIVE',
    releaseVersion: release,
    launchTemplate: { id: 'lt-1', version: template },
    nodeRole: 'arn:aws:iam::123456789012:role/node',
    subnets: ['subnet-a'],
  });

  test('given the perception snapshot, then the replacement gets its release and launch template version', async () => {
    const w = phaseWorld({
      snapshot: snapshot({ version: '1.30', nodegroups: [general('1.30', '1.30.2-20261101', '8')] }),
    });
    await givenUpgrade(w, [cpStep(), nodegroupStep()], {
      completed: [
        { stepId: 'control-plane:1.30', finishedAt: hoursAgo(2) },
        { stepId: 'nodegroup:general:1.30', finishedAt: hoursAgo(1) },
      ],
      lastHopCompletedAt: hoursAgo(2),
    });
    await w.deps.artifacts.putJson(
      artifactKeys.snapshot(UPGRADE),
      snapshot({
        version: '1.29',
        nodegroups: [
          general('1.29', '1.29.9-20261001', '7'),
          { nodegroupName: 'batch', version: '1.29', status: 'ACTIVE' },
        ],
      }),
    );
    await rollbackPhase(call(), w.deps, w.once);
    expect(w.deps.nodegroups.createNodegroup).toHaveBeenCalledWith(
      expect.objectContaining({
        version: '1.29',
        releaseVersion: '1.29.9-20261001',
        launchTemplate: { id: 'lt-1', version: '7' },
      }),
    );
  });

  test('given no perception snapshot (a record made by hand), then the replacement still goes back to the version before the hop', async () => {
    const w = phaseWorld({
      snapshot: snapshot({ version: '1.30', nodegroups: [general('1.30', '1.30.2-20261101', '8')] }),
    });
    await givenUpgrade(w, [nodegroupStep()], {
      completed: [{ stepId: 'nodegroup:general:1.30', finishedAt: hoursAgo(1) }],
    });
    await rollbackPhase(call(), w.deps, w.once);
    const created = jest.mocked(w.deps.nodegroups.createNodegroup).mock.calls[0]?.[0];
    expect(created).toMatchObject({ version: '1.29' });
    // The live node group's release is one of the upgraded version: never asked for with 1.29.
    expect(created).not.toHaveProperty('releaseVersion');
  });
});
