import type { RevertAction } from '../../../lib/domain/rollback-plan';
import type { Nodegroup } from '../../../lib/domain/snapshot';
import { advanceRollback, type RollbackRun, rollbackRunKey } from '../../../lib/phases/rollback-run';
import { CLUSTER, UPGRADE } from '../../support/phase-fixtures';
import { NOW, phaseWorld } from '../../support/phase-world';

/**
 * A node group going back by replacement, one poll at a time: create the
 * replacement, wait until ACTIVE, delete the upgraded group, wait until it is gone.
 */

const replace = (desiredSize?: number): Extract<RevertAction, { kind: 'replace-nodegroup' }> => ({
  kind: 'replace-nodegroup',
  resource: 'nodegroup/general',
  nodegroup: 'general',
  from: '1.30',
  to: '1.29',
  request: {
    clusterName: CLUSTER,
    nodegroupName: 'general-r1',
    clientRequestToken: 'tok',
    nodeRole: 'arn:aws:iam::123456789012:role/node',
    subnets: ['subnet-a'],
    version: '1.29',
    ...(desiredSize !== undefined ? { scalingConfig: { desiredSize } } : {}),
  },
  notCarried: [],
  why: 'moved 1.29 -> 1.30 in the failed hop',
});

const keep: RevertAction = { kind: 'keep', resource: 'addon/vpc-cni', why: 'EKS does not downgrade add-ons' };

function run(actions: RevertAction[], overrides: Partial<RollbackRun> = {}): RollbackRun {
  return {
    upgradeId: UPGRADE,
    clusterName: CLUSTER,
    targetVersion: '1.30',
    reason: 'gate canary at 1.30 failed',
    claimedBy: 'state-machine',
    hop: '1.30',
    expected: 'reverted',
    actions: actions.map((a) => ({ ...a })),
    cursor: 0,
    results: [],
    ...overrides,
  };
}

const minutesAgo = (m: number) => new Date(Date.parse(NOW) - m * 60_000).toISOString();
const group = (status: Nodegroup['status'], extra: Partial<Nodegroup> = {}) =>
  ({ nodegroupName: 'x', version: '1.29', status, ...extra }) as Nodegroup;

describe('advanceRollback: replacing a node group', () => {
  test('given nothing in flight, then the replacement is created and the wait is 5 min plus 1 min per node', async () => {
    const w = phaseWorld();
    const r = run([replace(3)]);
    expect(await advanceRollback(r, w.deps)).toEqual({ wait: 480 });
    expect(w.deps.nodegroups.createNodegroup).toHaveBeenCalledWith(replace(3).request);
    expect(r.inFlight).toStrictEqual({ stage: 'creating', startedAt: NOW });
    expect(w.store.get(rollbackRunKey(UPGRADE))).toEqual(r);
  });

  test('given no desired size (or zero), then it waits as for one node, clamped to the poll bounds', async () => {
    const w = phaseWorld({ config: { execution: { maxPollSeconds: 330 } } });
    expect(await advanceRollback(run([replace()]), w.deps)).toEqual({ wait: 330 });
    const v = phaseWorld();
    expect(await advanceRollback(run([replace(0)]), v.deps)).toEqual({ wait: 360 });
  });

  test('given CreateNodegroup is refused, then the action fails with EKS words and the rest is not attempted', async () => {
    const w = phaseWorld();
    jest
      .mocked(w.deps.nodegroups.createNodegroup)
      .mockRejectedValueOnce(Object.assign(new Error('subnet full'), { name: 'InvalidParameterException' }));
    const r = run([replace(2), replace(1), keep]);
    expect(await advanceRollback(r, w.deps)).toEqual({ finished: 'stopped' });
    expect(r.results).toEqual([
      {
        action: 'replace-nodegroup',
        resource: 'nodegroup/general',
        result: 'failed: CreateNodegroup general-r1 was refused: InvalidParameterException: subnet full',
        ok: false,
      },
      {
        action: 'replace-nodegroup',
        resource: 'nodegroup/general',
        result: 'not attempted: an earlier revert action failed',
        ok: null,
      },
      { action: 'keep', resource: 'addon/vpc-cni', result: 'kept: EKS does not downgrade add-ons', ok: null },
    ]);
    expect(r.cursor).toBe(3);
    expect(r.outcome).toBe('stopped');
    expect(w.store.get(rollbackRunKey(UPGRADE))).toEqual(r);
  });

  test('given a thrown non-Error, then its text is the reason', async () => {
    const w = phaseWorld();
    jest.mocked(w.deps.nodegroups.createNodegroup).mockRejectedValueOnce('quota');
    const r = run([replace(1)]);
    await advanceRollback(r, w.deps);
    expect(r.results[0]?.result).toBe('failed: CreateNodegroup general-r1 was refused: quota');
  });

  test('given the replacement is still CREATING, then it looks again in a minute, nothing else changes', async () => {
    const w = phaseWorld({ config: { execution: { minPollSeconds: 5 } } });
    jest.mocked(w.deps.nodegroups.describeNodegroup).mockResolvedValueOnce(group('CREATING'));
    const inFlight = { stage: 'creating' as const, startedAt: minutesAgo(3) };
    const r = run([replace(1)], { inFlight });
    expect(await advanceRollback(r, w.deps)).toEqual({ wait: 60 });
    expect(w.deps.nodegroups.describeNodegroup).toHaveBeenCalledWith(CLUSTER, 'general-r1');
    expect(w.deps.nodegroups.deleteNodegroup).not.toHaveBeenCalled();
    expect(r.inFlight).toEqual(inFlight);
  });

  test.each<[Nodegroup | undefined, string]>([
    [
      group('CREATE_FAILED', {
        health: {
          issues: [
            { code: 'Ec2SubnetInvalidConfiguration', message: 'no public IP' },
            { code: 'AccessDenied', message: 'role' },
          ],
        },
      } as Partial<Nodegroup>),
      'failed: replacement general-r1 is CREATE_FAILED (Ec2SubnetInvalidConfiguration: no public IP; AccessDenied: role); general is kept at 1.30',
    ],
    [group('DEGRADED'), 'failed: replacement general-r1 is DEGRADED; general is kept at 1.30'],
    [undefined, 'failed: replacement general-r1 is gone; general is kept at 1.30'],
  ])(
    'given the replacement did not become ACTIVE (%#), then the upgraded group is kept and the action fails',
    async (found, result) => {
      const w = phaseWorld();
      jest.mocked(w.deps.nodegroups.describeNodegroup).mockResolvedValueOnce(found);
      const r = run([replace(1)], { inFlight: { stage: 'creating', startedAt: minutesAgo(9) } });
      expect(await advanceRollback(r, w.deps)).toEqual({ finished: 'stopped' });
      expect(r.results).toEqual([
        { action: 'replace-nodegroup', resource: 'nodegroup/general', result, ok: false },
      ]);
      expect(r.inFlight).toBeUndefined();
      expect(w.deps.nodegroups.deleteNodegroup).not.toHaveBeenCalled();
    },
  );

  test('given the replacement is ACTIVE, then the upgraded group is deleted and the wait is a minute per node', async () => {
    const w = phaseWorld();
    jest.mocked(w.deps.nodegroups.describeNodegroup).mockResolvedValueOnce(group('ACTIVE'));
    const r = run([replace(4)], { inFlight: { stage: 'creating', startedAt: minutesAgo(9) } });
    expect(await advanceRollback(r, w.deps)).toEqual({ wait: 240 });
    expect(w.deps.nodegroups.deleteNodegroup).toHaveBeenCalledWith(CLUSTER, 'general');
    expect(r.inFlight).toStrictEqual({ stage: 'deleting', startedAt: NOW });
  });

  test('given EKS is busy with the upgraded group, then it waits the busy retry and stays in creating', async () => {
    const w = phaseWorld({ config: { execution: { busyRetrySeconds: 75 } } });
    jest.mocked(w.deps.nodegroups.describeNodegroup).mockResolvedValueOnce(group('ACTIVE'));
    jest.mocked(w.deps.nodegroups.deleteNodegroup).mockResolvedValueOnce({ kind: 'busy', message: 'update' });
    const inFlight = { stage: 'creating' as const, startedAt: minutesAgo(9) };
    const r = run([replace(1)], { inFlight });
    expect(await advanceRollback(r, w.deps)).toEqual({ wait: 75 });
    expect(r.inFlight).toEqual(inFlight);
  });

  test('given the upgraded group is gone, then the action succeeds and says how long it took', async () => {
    const w = phaseWorld();
    const r = run([replace(1), keep], { inFlight: { stage: 'deleting', startedAt: minutesAgo(12.4) } });
    expect(await advanceRollback(r, w.deps)).toEqual({ finished: 'reverted' });
    expect(w.deps.nodegroups.describeNodegroup).toHaveBeenCalledWith(CLUSTER, 'general');
    expect(r.results).toEqual([
      {
        action: 'replace-nodegroup',
        resource: 'nodegroup/general',
        result: 'replaced: general-r1 runs 1.29 and general (1.30) was drained and deleted (12 min)',
        ok: true,
      },
      { action: 'keep', resource: 'addon/vpc-cni', result: 'kept: EKS does not downgrade add-ons', ok: null },
    ]);
    expect(r.inFlight).toBeUndefined();
    expect(r.outcome).toBe('reverted');
    expect(w.store.get(rollbackRunKey(UPGRADE))).toEqual(r);
  });

  test('given the upgraded group is still DELETING, then it looks again in a minute', async () => {
    const w = phaseWorld({ config: { execution: { minPollSeconds: 5 } } });
    jest.mocked(w.deps.nodegroups.describeNodegroup).mockResolvedValueOnce(group('DELETING'));
    const r = run([replace(1)], { inFlight: { stage: 'deleting', startedAt: minutesAgo(1) } });
    expect(await advanceRollback(r, w.deps)).toEqual({ wait: 60 });
    expect(r.results).toEqual([]);
  });

  test('given a later action fails after a replacement succeeded, then the outcome is partially reverted', async () => {
    const w = phaseWorld();
    jest.mocked(w.deps.nodegroups.describeNodegroup).mockResolvedValueOnce(group('DELETE_FAILED'));
    const r = run([keep, replace(1)], {
      cursor: 1,
      results: [{ action: 'replace-nodegroup', resource: 'nodegroup/batch', result: 'replaced', ok: true }],
      inFlight: { stage: 'deleting', startedAt: minutesAgo(1) },
    });
    expect(await advanceRollback(r, w.deps)).toEqual({ finished: 'partially-reverted' });
    expect(r.results[1]).toEqual({
      action: 'replace-nodegroup',
      resource: 'nodegroup/general',
      result: 'failed: general is DELETE_FAILED instead of deleted; general-r1 runs 1.29 beside it',
      ok: false,
    });
  });
});
