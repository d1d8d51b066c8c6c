import { ReadinessCheckFailedError, RollbackUnavailableError } from '../../../lib/domain/errors';
import { clientRequestToken } from '../../../lib/domain/request-token';
import type { RevertAction, RollbackPlan } from '../../../lib/domain/rollback-plan';
import {
  advanceRollback,
  loadRollbackRun,
  newRollbackRun,
  type RollbackRun,
  rollbackRunKey,
} from '../../../lib/phases/rollback-run';
import type { UpdateStatus } from '../../../lib/ports';
import { CLUSTER, UPGRADE } from '../../support/phase-fixtures';
import { NOW, phaseWorld } from '../../support/phase-world';

/** The control plane going back with EKS's version rollback, one poll at a time. */

const rollbackCp: RevertAction = {
  kind: 'rollback-control-plane',
  resource: `cluster/${CLUSTER}`,
  from: '1.30',
  to: '1.29',
  why: 'this hop moved it',
};

const base = {
  upgradeId: UPGRADE,
  clusterName: CLUSTER,
  targetVersion: '1.30',
  reason: 'gate control-plane at 1.30 failed',
  claimedBy: 'event-rule' as const,
};

function run(overrides: Partial<RollbackRun> = {}): RollbackRun {
  return {
    ...newRollbackRun(base, { hop: '1.30', actions: [rollbackCp], expected: 'reverted' }),
    ...overrides,
  };
}

const rolling = (updateId = 'rb-7') => ({ stage: 'rolling' as const, startedAt: NOW, updateId });
const status = (state: UpdateStatus['state'], errors: UpdateStatus['errors'] = []): UpdateStatus => ({
  updateId: 'rb-7',
  state,
  errors,
});

describe('newRollbackRun and loadRollbackRun', () => {
  test('given a plan, then the run starts at its first action with no results, and carries the hop only when there is one', async () => {
    const plan: RollbackPlan = { hop: '1.30', actions: [rollbackCp], expected: 'partially-reverted' };
    expect(newRollbackRun(base, plan)).toEqual({
      ...base,
      hop: '1.30',
      expected: 'partially-reverted',
      actions: [rollbackCp],
      cursor: 0,
      results: [],
    });
    expect(newRollbackRun(base, { actions: [], expected: 'stopped' })).not.toHaveProperty('hop');
  });

  test('given no stored run, then undefined; given one, then it is read back', async () => {
    const w = phaseWorld();
    expect(await loadRollbackRun(w.deps.artifacts, UPGRADE)).toBeUndefined();
    await w.deps.artifacts.putJson(rollbackRunKey(UPGRADE), run());
    expect(await loadRollbackRun(w.deps.artifacts, UPGRADE)).toEqual(run());
    expect(rollbackRunKey(UPGRADE)).toBe(`upgrades/${UPGRADE}/rollback.json`);
  });
});

describe('advanceRollback: the control plane', () => {
  test('given nothing in flight, then EKS is asked for the version rollback with a token of its own, and it waits 20 min (clamped)', async () => {
    const w = phaseWorld({ config: { execution: { maxPollSeconds: 5000 } } });
    const r = run();
    expect(await advanceRollback(r, w.deps)).toEqual({ wait: 1200 });
    expect(w.deps.controlPlaneRollback.startControlPlaneRollback).toHaveBeenCalledWith(CLUSTER, '1.29', {
      clientRequestToken: clientRequestToken(UPGRADE, 'rollback-control-plane:1.29'),
    });
    expect(r.inFlight).toEqual({ stage: 'rolling', startedAt: NOW, updateId: 'rollback-1' });
    expect(w.store.get(rollbackRunKey(UPGRADE))).toEqual(r);
  });

  test('given EKS is busy, then it waits the busy retry and records nothing in flight', async () => {
    const w = phaseWorld({ config: { execution: { busyRetrySeconds: 50 } } });
    jest
      .mocked(w.deps.controlPlaneRollback.startControlPlaneRollback)
      .mockResolvedValueOnce({ kind: 'busy', message: 'update in progress' });
    const r = run();
    expect(await advanceRollback(r, w.deps)).toEqual({ wait: 50 });
    expect(r.inFlight).toBeUndefined();
    expect(r.results).toEqual([]);
  });

  test.each([
    ['RollbackUnavailableError', new RollbackUnavailableError(CLUSTER, 'no rollback for this cluster')],
    ['ReadinessCheckFailedError', new ReadinessCheckFailedError(CLUSTER, 'no rollback for this cluster')],
  ])(
    'given EKS refuses with %s, then the action fails with EKS message and the rollback stops',
    async (_, error) => {
      const w = phaseWorld();
      jest.mocked(w.deps.controlPlaneRollback.startControlPlaneRollback).mockRejectedValueOnce(error);
      const r = run();
      expect(await advanceRollback(r, w.deps)).toEqual({ finished: 'stopped' });
      expect(r.results).toEqual([
        {
          action: 'rollback-control-plane',
          resource: `cluster/${CLUSTER}`,
          result: 'refused by EKS: no rollback for this cluster',
          ok: false,
        },
      ]);
    },
  );

  test('given another error (throttling), then it propagates so the state machine retries, and nothing is recorded', async () => {
    const w = phaseWorld();
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      eksMessage: 'x',
    });
    jest.mocked(w.deps.controlPlaneRollback.startControlPlaneRollback).mockRejectedValueOnce(throttled);
    const r = run();
    await expect(advanceRollback(r, w.deps)).rejects.toBe(throttled);
    expect(r.results).toEqual([]);
    expect(w.deps.artifacts.putJson).not.toHaveBeenCalled();
  });

  test('given the rollback in progress, then DescribeUpdate on the cluster and a 2 min wait', async () => {
    const w = phaseWorld({ config: { execution: { minPollSeconds: 5 } } });
    jest.mocked(w.deps.updates.describeUpdate).mockResolvedValueOnce(status('InProgress'));
    const r = run({ inFlight: rolling() });
    expect(await advanceRollback(r, w.deps)).toEqual({ wait: 120 });
    expect(w.deps.updates.describeUpdate).toHaveBeenCalledWith({ clusterName: CLUSTER, updateId: 'rb-7' });
    expect(w.deps.controlPlaneRollback.startControlPlaneRollback).not.toHaveBeenCalled();
  });

  test('given the rollback succeeded, then reverted with the update id', async () => {
    const w = phaseWorld();
    jest.mocked(w.deps.updates.describeUpdate).mockResolvedValueOnce(status('Successful'));
    const r = run({ inFlight: rolling() });
    expect(await advanceRollback(r, w.deps)).toEqual({ finished: 'reverted' });
    expect(r.results).toEqual([
      {
        action: 'rollback-control-plane',
        resource: `cluster/${CLUSTER}`,
        result: 'rolled back: EKS version rollback 1.30 -> 1.29 (update rb-7)',
        ok: true,
      },
    ]);
    expect(r.inFlight).toBeUndefined();
  });

  test.each<[UpdateStatus['state'], UpdateStatus['errors'], string]>([
    [
      'Failed',
      [
        { code: 'ClusterUnreachable', message: 'API down', resourceIds: [] },
        { code: 'Other', message: 'm', resourceIds: [] },
      ],
      'failed: EKS version rollback ended Failed: ClusterUnreachable: API down; Other: m',
    ],
    ['Cancelled', [], 'failed: EKS version rollback ended Cancelled: no error detail'],
  ])('given the rollback ended %s, then the action fails with EKS detail', async (state, errors, result) => {
    const w = phaseWorld();
    jest.mocked(w.deps.updates.describeUpdate).mockResolvedValueOnce(status(state, errors));
    const r = run({ inFlight: rolling() });
    expect(await advanceRollback(r, w.deps)).toEqual({ finished: 'stopped' });
    expect(r.results[0]).toEqual({
      action: 'rollback-control-plane',
      resource: `cluster/${CLUSTER}`,
      result,
      ok: false,
    });
  });

  test('given a run already finished, then nothing is asked and its outcome comes back', async () => {
    const w = phaseWorld();
    const r = run({ outcome: 'partially-reverted', cursor: 1 });
    expect(await advanceRollback(r, w.deps)).toEqual({ finished: 'partially-reverted' });
    expect(w.deps.updates.describeUpdate).not.toHaveBeenCalled();
    expect(w.deps.artifacts.putJson).not.toHaveBeenCalled();
  });

  test('given only kept resources, then each is reported kept and the outcome is the expected one', async () => {
    const w = phaseWorld();
    const r = newRollbackRun(base, {
      hop: '1.30',
      actions: [{ kind: 'keep', resource: 'addon/coredns', why: 'no downgrade' }],
      expected: 'stopped',
    });
    expect(await advanceRollback(r, w.deps)).toEqual({ finished: 'stopped' });
    expect(r.results).toEqual([
      { action: 'keep', resource: 'addon/coredns', result: 'kept: no downgrade', ok: null },
    ]);
    expect(r.cursor).toBe(1);
    expect(w.store.get(rollbackRunKey(UPGRADE))).toEqual({ ...r, outcome: 'stopped' });
  });
});
