import { artifactKeys } from '../../../lib/phases/records';
import {
  ACTIVE,
  ADDONS,
  BG_KEY,
  BLUE,
  type BlueGreenWorld,
  bgRecord,
  blueGreenWorld,
  GREEN,
  NODEGROUPS,
  PROFILES,
  RECORD_NAME,
  state,
  ZONE,
} from '../../support/blue-green-world';
import { CORRELATION, UPGRADE } from '../../support/phase-fixtures';
import { NOW } from '../../support/phase-world';

/**
 * The blue/green phase's ends: revert after a breach (traffic back on blue, green
 * deleted unless kept, the upgrade failed), decommission after the final bake (blue
 * deleted unless kept, the upgrade completed), abandon after any error; and the
 * teardown they share (parts first, one Fargate profile at a time, the cluster last).
 */

const STARTED = '2026-11-28T09:00:00.000Z';
const ready = { provisionedAt: '2026-11-28T09:30:00.000Z', readyAt: '2026-11-28T09:40:00.000Z' };
const breach = {
  percentage: 50,
  failedChecks: ['error_rate: 0.2', 'latency_p99: 900 ms'],
  at: '2026-11-28T09:58:00.000Z',
};
const breached = () => bgRecord({ ...ready, shifted: [10, 50], passed: 1, breach });
const finished = () => bgRecord({ ...ready, shifted: [10, 50, 100], passed: 3 });

const backOnBlue = [
  { setIdentifier: BLUE, value: `${BLUE}.ingress.example.com`, weight: 100 },
  { setIdentifier: GREEN, value: `${GREEN}.ingress.example.com`, weight: 0 },
];

/** Every delete asked of EKS, as [operation, cluster, part]. */
const deletes = (w: BlueGreenWorld) =>
  [
    ...jest.mocked(w.deps.nodegroups.deleteNodegroup).mock.calls.map(([c, n]) => ['nodegroup', c, n]),
    ...w.provisioner.deleteAddon.mock.calls.map(([c, a]) => ['addon', c, a]),
    ...w.provisioner.deleteFargateProfile.mock.calls.map(([c, p]) => ['fargate', c, p]),
    ...w.provisioner.deleteCluster.mock.calls.map(([c]) => ['cluster', c]),
  ] as string[][];

const blueUntouched = (w: BlueGreenWorld) => {
  expect(deletes(w).filter(([, c]) => c === BLUE)).toEqual([]);
  expect(w.provisioner.describeCluster).not.toHaveBeenCalledWith(BLUE);
  expect(w.types()).not.toContain('cluster.decommissioned');
};

describe('revert after a breach', () => {
  test('given green breached and gone once deleted, then traffic back on blue, green deleted, rollback.completed, upgrade.failed, the lock released', async () => {
    const w = blueGreenWorld({ bg: breached(), blueGreen: { recordTtlSeconds: 15 } });
    const result = await w.run('revert', 'exec-9');
    expect(result).toEqual({
      status: 'done',
      waitSeconds: 0,
      soakSeconds: 0,
      finalBakeSeconds: 3600,
      green: GREEN,
      percentage: 0,
      waitUntil: null,
    });
    expect(w.traffic.setWeights.mock.calls).toEqual([
      [{ hostedZoneId: ZONE, recordName: RECORD_NAME }, backOnBlue, { ttlSeconds: 15 }],
    ]);
    expect(w.writes(BG_KEY)).toEqual([{ ...breached(), revertedAt: NOW }]);
    const reason = `green ${GREEN} breached at 50 %: error_rate: 0.2; latency_p99: 900 ms`;
    expect(w.types()).toEqual([
      'rollback.triggered',
      'traffic.shifted',
      'rollback.completed',
      'upgrade.failed',
      'phase.completed',
    ]);
    expect(w.details('rollback.triggered')).toEqual([
      expect.objectContaining({ reason, trigger: 'state-machine', correlationId: 'exec-9' }),
    ]);
    expect(w.details('traffic.shifted')).toEqual([
      expect.objectContaining({ fromCluster: GREEN, toCluster: BLUE, percentage: 0 }),
    ]);
    expect(w.details('rollback.completed')).toEqual([
      expect.objectContaining({
        outcome: 'reverted',
        hop: '1.30',
        actions: [
          { action: 'shift-traffic', resource: BLUE, result: `100 % of traffic back on ${BLUE}` },
          { action: 'delete-cluster', resource: GREEN, result: 'deleted' },
        ],
      }),
    ]);
    expect(w.details('upgrade.failed')).toEqual([
      expect.objectContaining({
        targetVersion: '1.30',
        phase: 'rollback',
        error: { name: 'GreenBreachedError', message: reason },
        reason: `${reason}; all traffic is back on ${BLUE}, which was not changed (exec-9)`,
        durationSeconds: 3600,
      }),
    ]);
    expect(w.details('phase.completed')[0]?.summary).toBe(`blue/green revert: done (0 % on ${GREEN})`);
    expect(w.deps.locks.release).toHaveBeenCalledWith(BLUE, UPGRADE);
    expect(w.provisioner.describeCluster.mock.calls).toEqual([[GREEN]]);
    blueUntouched(w);
  });

  test('given no breach recorded (green withdrawn), then the reason says so', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10] }) });
    await w.run('revert');
    const reason = `green ${GREEN} is being withdrawn`;
    expect(w.details('rollback.triggered')[0]?.reason).toBe(reason);
    expect(w.details('upgrade.failed')[0]).toMatchObject({
      error: { name: 'GreenBreachedError', message: reason },
      reason: `${reason}; all traffic is back on ${BLUE}, which was not changed (${CORRELATION})`,
    });
  });

  test('given green still being deleted, then waiting at 0 %, and no rollback.completed, upgrade.failed or release yet', async () => {
    const w = blueGreenWorld({ bg: breached(), blueGreen: { pollSeconds: 25 } });
    w.eks.clusters.set(GREEN, state('DELETING'));
    const result = await w.run('revert');
    expect(result).toMatchObject({ status: 'waiting', waitSeconds: 25, percentage: 0 });
    expect(w.types()).toEqual(['rollback.triggered', 'traffic.shifted']);
    expect(w.deps.locks.release).not.toHaveBeenCalled();
    expect(w.bg()?.revertedAt).toBe(NOW);
    blueUntouched(w);
  });

  test('given a re-sent revert after traffic went back, then no second shift or rollback.triggered, and the duration is to the first revert', async () => {
    const revertedAt = '2026-11-28T09:59:00.000Z';
    const w = blueGreenWorld({ bg: { ...breached(), revertedAt } });
    const result = await w.run('revert');
    expect(result).toMatchObject({ status: 'done', percentage: 0 });
    expect(w.traffic.setWeights).not.toHaveBeenCalled();
    expect(w.writes(BG_KEY)).toEqual([]);
    expect(w.types()).toEqual(['rollback.completed', 'upgrade.failed', 'phase.completed']);
    expect(w.details('upgrade.failed')[0]?.durationSeconds).toBe(3540);
  });

  test('given blueGreen/keepGreenOnFailure, then green is kept (not even described) and the actions say so', async () => {
    const w = blueGreenWorld({ bg: breached(), blueGreen: { keepGreenOnFailure: true } });
    w.eks.all(GREEN);
    expect((await w.run('revert')).status).toBe('done');
    expect(w.provisioner.describeCluster).not.toHaveBeenCalled();
    expect(deletes(w)).toEqual([]);
    expect(w.details('rollback.completed')[0]?.actions).toEqual([
      { action: 'shift-traffic', resource: BLUE, result: `100 % of traffic back on ${BLUE}` },
      {
        action: 'keep-cluster',
        resource: GREEN,
        result: 'kept for inspection (blueGreen/keepGreenOnFailure)',
      },
    ]);
    expect(w.details('upgrade.failed')).toHaveLength(1);
    expect(w.deps.locks.release).toHaveBeenCalledWith(BLUE, UPGRADE);
  });

  test('given no upgrade record, then upgrade.failed has no duration', async () => {
    const w = blueGreenWorld({ bg: breached(), upgrade: null });
    await w.run('revert');
    expect(w.details('upgrade.failed')[0]).not.toHaveProperty('durationSeconds');
  });

  test("given green's spec cannot be built any more, then green's cluster alone is deleted", async () => {
    const w = blueGreenWorld({ bg: breached() });
    w.store.delete(artifactKeys.snapshot(UPGRADE));
    w.eks.clusters.set(GREEN, ACTIVE);
    const result = await w.run('revert');
    expect(result).toMatchObject({ status: 'waiting', waitSeconds: 60 });
    expect(w.deps.nodegroups.describeNodegroup).not.toHaveBeenCalled();
    expect(deletes(w)).toEqual([['cluster', GREEN]]);
  });
});

describe('teardown of green (through revert)', () => {
  test('given green ACTIVE with every part, then node groups and add-ons deleted, one Fargate profile, the cluster not yet', async () => {
    const w = blueGreenWorld({ bg: breached(), blueGreen: { pollSeconds: 40 } });
    w.eks.all(GREEN);
    const result = await w.run('revert');
    expect(result).toMatchObject({ status: 'waiting', waitSeconds: 40, percentage: 0 });
    expect(w.deps.nodegroups.describeNodegroup).toHaveBeenCalledTimes(2);
    expect(deletes(w)).toEqual([
      ...NODEGROUPS.map((n) => ['nodegroup', GREEN, n]),
      ...ADDONS.map((a) => ['addon', GREEN, a]),
      ['fargate', GREEN, PROFILES[0]],
    ]);
  });

  test('given parts already going, then nothing is deleted again and it waits', async () => {
    const w = blueGreenWorld({ bg: breached() });
    w.eks.all(GREEN, 'DELETING');
    w.eks.clusters.set(GREEN, ACTIVE);
    expect((await w.run('revert')).status).toBe('waiting');
    expect(deletes(w)).toEqual([]);
  });

  test.each(['CREATING', 'UPDATING'])(
    'given a node group %s, then it is left to finish, and the cluster waits for it',
    async (status) => {
      const w = blueGreenWorld({ bg: breached() });
      w.eks.clusters.set(GREEN, ACTIVE);
      w.eks.setNodegroup(GREEN, 'general', status as 'CREATING');
      expect((await w.run('revert')).status).toBe('waiting');
      expect(deletes(w)).toEqual([]);
    },
  );

  test('given an add-on CREATING and nothing attached, then the add-on is left and the cluster deleted', async () => {
    const w = blueGreenWorld({ bg: breached() });
    w.eks.clusters.set(GREEN, ACTIVE);
    w.eks.addons.set(`${GREEN}/coredns`, state('CREATING'));
    w.eks.addons.set(`${GREEN}/eks-pod-identity-agent`, state('DELETING'));
    expect((await w.run('revert')).status).toBe('waiting');
    expect(deletes(w)).toEqual([['cluster', GREEN]]);
  });

  test('given add-ons ACTIVE and nothing attached, then add-ons and the cluster are deleted in one call', async () => {
    const w = blueGreenWorld({ bg: breached() });
    w.eks.clusters.set(GREEN, ACTIVE);
    for (const a of ADDONS) w.eks.addons.set(`${GREEN}/${a}`, ACTIVE);
    w.provisioner.deleteCluster.mockResolvedValueOnce({ kind: 'gone' });
    expect((await w.run('revert')).status).toBe('done');
    expect(deletes(w)).toEqual([...ADDONS.map((a) => ['addon', GREEN, a]), ['cluster', GREEN]]);
  });

  test.each(['CREATING', 'DELETING'])(
    'given a Fargate profile %s, then no other profile is deleted while it is',
    async (status) => {
      const w = blueGreenWorld({ bg: breached() });
      w.eks.clusters.set(GREEN, ACTIVE);
      w.eks.profiles.set(`${GREEN}/fp-a`, ACTIVE);
      w.eks.profiles.set(`${GREEN}/fp-b`, state(status));
      expect((await w.run('revert')).status).toBe('waiting');
      expect(deletes(w)).toEqual([]);
    },
  );

  test('given the first profile gone and the second there, then the second is deleted', async () => {
    const w = blueGreenWorld({ bg: breached() });
    w.eks.clusters.set(GREEN, ACTIVE);
    w.eks.profiles.set(`${GREEN}/fp-b`, ACTIVE);
    expect((await w.run('revert')).status).toBe('waiting');
    expect(deletes(w)).toEqual([['fargate', GREEN, 'fp-b']]);
  });

  test.each([
    ['deleting', 'waiting'],
    ['busy', 'waiting'],
    ['gone', 'done'],
  ] as const)('given nothing attached and DeleteCluster answers %s, then %s', async (kind, status) => {
    const w = blueGreenWorld({ bg: breached() });
    w.eks.clusters.set(GREEN, ACTIVE);
    w.provisioner.deleteCluster.mockResolvedValueOnce(
      kind === 'busy' ? { kind, message: 'ResourceInUse' } : { kind },
    );
    expect((await w.run('revert')).status).toBe(status);
    expect(deletes(w)).toEqual([['cluster', GREEN]]);
  });

  test('given the cluster DELETING, then its parts are not even described', async () => {
    const w = blueGreenWorld({ bg: breached() });
    w.eks.clusters.set(GREEN, state('DELETING'));
    await w.run('revert');
    expect(w.deps.nodegroups.describeNodegroup).not.toHaveBeenCalled();
    expect(w.provisioner.describeAddon).not.toHaveBeenCalled();
    expect(w.provisioner.describeFargateProfile).not.toHaveBeenCalled();
    expect(deletes(w)).toEqual([]);
  });
});

describe('decommission after the final bake', () => {
  test('given blue gone once deleted, then the step is done, the upgrade completed (saved before the event), cluster.decommissioned, upgrade.completed, lock released', async () => {
    const w = blueGreenWorld({ bg: finished(), upgrade: { startedAt: STARTED } });
    const result = await w.run('decommission');
    expect(result).toEqual({
      status: 'done',
      waitSeconds: 0,
      soakSeconds: 0,
      finalBakeSeconds: 3600,
      green: GREEN,
      percentage: 100,
      waitUntil: null,
    });
    expect(w.provisioner.describeCluster.mock.calls).toEqual([[BLUE]]);
    expect(w.upgrade()).toMatchObject({
      completedAt: NOW,
      completed: [{ stepId: `decommission-cluster:${BLUE}`, finishedAt: NOW }],
    });
    expect(w.types()).toEqual(['cluster.decommissioned', 'upgrade.completed', 'phase.completed']);
    expect(w.details('cluster.decommissioned')).toEqual([
      expect.objectContaining({ decommissionedClusterName: BLUE }),
    ]);
    expect(w.details('upgrade.completed')).toEqual([
      expect.objectContaining({ targetVersion: '1.30', durationSeconds: 3600 }),
    ]);
    expect(w.details('phase.completed')[0]?.summary).toBe(
      `blue/green decommission: done (100 % on ${GREEN})`,
    );
    expect(w.deps.locks.release).toHaveBeenCalledWith(BLUE, UPGRADE);
    const lastSave = Math.max(...jest.mocked(w.deps.artifacts.putJson).mock.invocationCallOrder);
    const completed = jest.mocked(w.deps.events.publish).mock.invocationCallOrder[1] ?? 0;
    expect(lastSave).toBeLessThan(completed);
    expect(w.traffic.setWeights).not.toHaveBeenCalled();
    expect(w.writes(BG_KEY)).toEqual([]);
  });

  test("given blue with its parts, then blue's node groups, add-ons and first Fargate profile are deleted, and it waits", async () => {
    const w = blueGreenWorld({ bg: finished(), blueGreen: { pollSeconds: 35 } });
    w.eks.all(BLUE);
    w.eks.all(GREEN);
    const result = await w.run('decommission');
    expect(result).toMatchObject({ status: 'waiting', waitSeconds: 35, percentage: 100 });
    expect(deletes(w)).toEqual([
      ...NODEGROUPS.map((n) => ['nodegroup', BLUE, n]),
      ...ADDONS.map((a) => ['addon', BLUE, a]),
      ['fargate', BLUE, 'fp-a'],
    ]);
    expect(w.types()).toEqual([]);
    expect(w.upgrade()?.completedAt).toBeUndefined();
    expect(w.deps.locks.release).not.toHaveBeenCalled();
  });

  test('given blueGreen/keepBlue, then blue is not touched and no cluster.decommissioned, yet the upgrade completes', async () => {
    const w = blueGreenWorld({ bg: finished(), blueGreen: { keepBlue: true } });
    w.eks.all(BLUE);
    expect((await w.run('decommission')).status).toBe('done');
    expect(w.provisioner.describeCluster).not.toHaveBeenCalled();
    expect(deletes(w)).toEqual([]);
    expect(w.types()).toEqual(['upgrade.completed', 'phase.completed']);
    expect(w.upgrade()?.completedAt).toBe(NOW);
    expect(w.deps.locks.release).toHaveBeenCalledWith(BLUE, UPGRADE);
  });

  test('given a retry after the upgrade was completed, then blue is not described again, completedAt kept, the same duration', async () => {
    const completedAt = '2026-11-28T09:30:00.000Z';
    const done = { stepId: `decommission-cluster:${BLUE}`, finishedAt: completedAt };
    const w = blueGreenWorld({ bg: finished(), upgrade: { completedAt, completed: [done] } });
    w.eks.all(BLUE);
    expect((await w.run('decommission')).status).toBe('done');
    expect(w.provisioner.describeCluster).not.toHaveBeenCalled();
    expect(deletes(w)).toEqual([]);
    expect(w.writes(artifactKeys.record(UPGRADE))).toEqual([]);
    expect(w.details('upgrade.completed')[0]?.durationSeconds).toBe(1800);
    expect(w.types()).toEqual(['cluster.decommissioned', 'upgrade.completed', 'phase.completed']);
  });

  test.each([
    ['2026-11-28T09:00:00.400Z', 3600],
    ['2026-11-28T09:00:00.600Z', 3599],
    ['2026-11-28T11:00:00.000Z', 0],
  ])('given the upgrade started at %s, then upgrade.completed says %i s', async (startedAt, seconds) => {
    const w = blueGreenWorld({ bg: finished(), upgrade: { startedAt } });
    await w.run('decommission');
    expect(w.details('upgrade.completed')[0]?.durationSeconds).toBe(seconds);
  });

  test('given no upgrade record, then the duration is 0 and no record is written', async () => {
    const w = blueGreenWorld({ bg: finished(), upgrade: null });
    expect((await w.run('decommission')).status).toBe('done');
    expect(w.details('upgrade.completed')[0]?.durationSeconds).toBe(0);
    expect(w.upgrade()).toBeUndefined();
    expect(w.deps.locks.release).toHaveBeenCalledWith(BLUE, UPGRADE);
  });

  test('given the decommission step done already but not the completion, then the step is not recorded twice', async () => {
    const done = { stepId: `decommission-cluster:${BLUE}`, finishedAt: '2026-11-28T09:59:00.000Z' };
    const w = blueGreenWorld({ bg: finished(), upgrade: { completed: [done] } });
    await w.run('decommission');
    expect(w.upgrade()).toMatchObject({ completed: [done], completedAt: NOW });
  });

  test('given green is never deleted by decommission', async () => {
    const w = blueGreenWorld({ bg: finished() });
    w.eks.all(GREEN);
    await w.run('decommission');
    expect(deletes(w).filter(([, c]) => c === GREEN)).toEqual([]);
    expect(w.provisioner.describeCluster).not.toHaveBeenCalledWith(GREEN);
  });
});

describe('abandon after an error', () => {
  test('given traffic on green, then it goes back to blue, green is deleted, and nothing else is published', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10, 50], passed: 1 }) });
    const result = await w.run('abandon');
    expect(result).toEqual({
      status: 'done',
      waitSeconds: 0,
      soakSeconds: 0,
      finalBakeSeconds: 3600,
      green: GREEN,
      percentage: 0,
      waitUntil: null,
    });
    expect(w.traffic.setWeights.mock.calls).toEqual([
      [{ hostedZoneId: ZONE, recordName: RECORD_NAME }, backOnBlue, { ttlSeconds: 60 }],
    ]);
    expect(w.writes(BG_KEY)).toEqual([bgRecord({ ...ready, shifted: [10, 50], passed: 1, revertedAt: NOW })]);
    expect(w.types()).toEqual(['traffic.shifted', 'phase.completed']);
    expect(w.details('traffic.shifted')).toEqual([
      expect.objectContaining({ fromCluster: GREEN, toCluster: BLUE, percentage: 0 }),
    ]);
    expect(w.details('phase.completed')[0]?.summary).toBe(`blue/green abandon: done (0 % on ${GREEN})`);
    expect(w.provisioner.describeCluster.mock.calls).toEqual([[GREEN]]);
    // HandleFailure publishes upgrade.failed and releases the lock.
    expect(w.deps.locks.release).not.toHaveBeenCalled();
    blueUntouched(w);
  });

  test('given nothing shifted, then no traffic change, green is still deleted', async () => {
    const w = blueGreenWorld({ bg: bgRecord(ready) });
    w.eks.clusters.set(GREEN, ACTIVE);
    const result = await w.run('abandon');
    expect(result).toMatchObject({ status: 'waiting', waitSeconds: 60, percentage: 0 });
    expect(w.traffic.setWeights).not.toHaveBeenCalled();
    expect(w.writes(BG_KEY)).toEqual([]);
    expect(deletes(w)).toEqual([['cluster', GREEN]]);
    // Waiting: no phase.completed until green is gone.
    expect(w.types()).toEqual([]);
  });

  test('given traffic reverted already, then no second shift', async () => {
    const w = blueGreenWorld({
      bg: bgRecord({ ...ready, shifted: [10], revertedAt: '2026-11-28T09:59:00.000Z' }),
    });
    expect((await w.run('abandon')).status).toBe('done');
    expect(w.traffic.setWeights).not.toHaveBeenCalled();
    expect(w.types()).toEqual(['phase.completed']);
  });

  test('given no blue/green record (failed before green was started), then nothing is shifted, described or deleted', async () => {
    const w = blueGreenWorld();
    const result = await w.run('abandon');
    expect(result).toMatchObject({ status: 'done', percentage: 0 });
    expect(w.traffic.setWeights).not.toHaveBeenCalled();
    expect(w.provisioner.describeCluster).not.toHaveBeenCalled();
    expect(w.writes(BG_KEY)).toEqual([]);
    expect(w.types()).toEqual(['phase.completed']);
  });

  test('given blueGreen/keepGreenOnFailure, then traffic goes back but green is kept', async () => {
    const w = blueGreenWorld({
      bg: bgRecord({ ...ready, shifted: [10] }),
      blueGreen: { keepGreenOnFailure: true },
    });
    w.eks.all(GREEN);
    expect(await w.run('abandon')).toMatchObject({ status: 'done', percentage: 0 });
    expect(w.traffic.setWeights).toHaveBeenCalledTimes(1);
    expect(w.provisioner.describeCluster).not.toHaveBeenCalled();
    expect(deletes(w)).toEqual([]);
  });

  test('given green with its parts, then they are deleted first and it waits at 0 %', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10] }), blueGreen: { pollSeconds: 50 } });
    w.eks.all(GREEN);
    const result = await w.run('abandon');
    expect(result).toMatchObject({ status: 'waiting', waitSeconds: 50, percentage: 0 });
    expect(deletes(w)).toEqual([
      ...NODEGROUPS.map((n) => ['nodegroup', GREEN, n]),
      ...ADDONS.map((a) => ['addon', GREEN, a]),
      ['fargate', GREEN, 'fp-a'],
    ]);
  });

  test("given green's spec cannot be built, then green's cluster alone is deleted", async () => {
    const w = blueGreenWorld({ bg: bgRecord() });
    w.store.delete(artifactKeys.snapshot(UPGRADE));
    w.eks.all(GREEN);
    expect((await w.run('abandon')).status).toBe('waiting');
    expect(w.deps.nodegroups.describeNodegroup).not.toHaveBeenCalled();
    expect(w.provisioner.describeAddon).not.toHaveBeenCalled();
    expect(w.provisioner.describeFargateProfile).not.toHaveBeenCalled();
    expect(deletes(w)).toEqual([['cluster', GREEN]]);
  });
});
