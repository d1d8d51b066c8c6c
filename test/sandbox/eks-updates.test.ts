import { ClusterNotFoundError } from '../../lib/aws/errors';
import { parseSnapshot } from '../../lib/domain/snapshot';
import { ManualClock } from '../../lib/sandbox/eks';
import {
  addonStep,
  CLUSTER,
  controlPlaneStep,
  EPOCH,
  newWorld,
  nodegroupStep,
  opts,
  runToEnd,
  started,
} from '../fixtures/sandbox/world';

const cp130 = controlPlaneStep('1.29', '1.30');

describe('sandbox EKS updates over virtual time', () => {
  it('given a control-plane update, when 24 virtual minutes pass, then it is InProgress and the cluster UPDATING', async () => {
    const world = newWorld();
    const ref = started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp')));
    world.advance(24);
    await expect(world.updateRunner.describeUpdate(ref)).resolves.toMatchObject({ state: 'InProgress' });
    const snapshot = await world.snapshotReader.readSnapshot(CLUSTER);
    expect(snapshot.cluster).toMatchObject({ status: 'UPDATING', version: '1.29' });
  });

  it('given a control-plane update, when 25 virtual minutes pass, then it is Successful and the cluster ACTIVE at 1.30', async () => {
    const world = newWorld();
    const ref = started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp')));
    world.advance(25);
    await expect(world.updateRunner.describeUpdate(ref)).resolves.toEqual({
      updateId: ref.updateId,
      state: 'Successful',
      type: 'VersionUpdate',
      errors: [],
    });
    const snapshot = await world.snapshotReader.readSnapshot(CLUSTER);
    expect(snapshot.cluster).toMatchObject({ status: 'ACTIVE', version: '1.30', platformVersion: 'eks.1' });
  });

  it('given an add-on update, when 3 virtual minutes pass, then the add-on runs the new version and is ACTIVE', async () => {
    const world = newWorld();
    const ref = started(
      await world.updateRunner.startStep(
        CLUSTER,
        addonStep('vpc-cni', 'v1.18.1-eksbuild.1', 'v1.18.3-eksbuild.2'),
        opts('a'),
      ),
    );
    const during = await world.snapshotReader.readSnapshot(CLUSTER);
    expect(during.addons.find((a) => a.addonName === 'vpc-cni')?.status).toBe('UPDATING');
    world.advance(3);
    await expect(world.updateRunner.describeUpdate(ref)).resolves.toMatchObject({ state: 'Successful' });
    const after = await world.snapshotReader.readSnapshot(CLUSTER);
    expect(after.addons.find((a) => a.addonName === 'vpc-cni')).toMatchObject({
      status: 'ACTIVE',
      addonVersion: 'v1.18.3-eksbuild.2',
    });
  });

  it.each([
    ['general', 15], // 3 nodes, maxUnavailable 1: three batches of 5 minutes
    ['batch', 10], // 4 nodes, maxUnavailablePercentage 50: two batches
  ])('given node group %s, when updated, then it takes %i virtual minutes', async (name, minutes) => {
    const world = newWorld();
    await runToEnd(world, started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp'))));
    const ref = started(
      await world.updateRunner.startStep(CLUSTER, nodegroupStep(name, '1.29', '1.30'), opts('ng')),
    );
    world.advance(minutes - 1);
    await expect(world.updateRunner.describeUpdate(ref)).resolves.toMatchObject({ state: 'InProgress' });
    world.advance(1);
    await expect(world.updateRunner.describeUpdate(ref)).resolves.toMatchObject({ state: 'Successful' });
    const ng = (await world.snapshotReader.readSnapshot(CLUSTER)).nodegroups.find(
      (n) => n.nodegroupName === name,
    );
    expect(ng).toMatchObject({
      status: 'ACTIVE',
      version: '1.30',
      releaseVersion: expect.stringMatching(/^1\.30\.0-\d{8}$/),
    });
  });

  it('given an injected clock, when it moves, then virtual time follows it plus the stored offset', async () => {
    const clock = new ManualClock(EPOCH);
    const world = newWorld({ clock });
    const ref = started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp')));
    clock.advanceMinutes(20);
    world.advance(5);
    expect(world.now()).toEqual(new Date(EPOCH.getTime() + 25 * 60_000));
    await expect(world.updateRunner.describeUpdate(ref)).resolves.toMatchObject({ state: 'Successful' });
  });

  describe('one update at a time', () => {
    it('given a control-plane update in progress, when an add-on update starts, then busy naming the update', async () => {
      const world = newWorld();
      const ref = started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp')));
      const outcome = await world.updateRunner.startStep(
        CLUSTER,
        addonStep('vpc-cni', 'v1.18.1-eksbuild.1', 'v1.18.3-eksbuild.2'),
        opts('a'),
      );
      expect(outcome).toEqual({ kind: 'busy', message: `Cluster has update ${ref.updateId} in progress` });
    });

    it('given a busy answer, when the update in the way has ended, then the same request starts', async () => {
      const world = newWorld();
      started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp')));
      const step = nodegroupStep('general', '1.29', '1.29');
      expect((await world.updateRunner.startStep(CLUSTER, step, opts('ng'))).kind).toBe('busy');
      world.advance(25);
      expect((await world.updateRunner.startStep(CLUSTER, step, opts('ng'))).kind).toBe('started');
    });
  });

  describe('clientRequestToken', () => {
    it('given a started update, when the same request comes with the same token, then the same update is returned', async () => {
      const world = newWorld();
      const first = started(await world.updateRunner.startStep(CLUSTER, cp130, opts('tok')));
      const again = started(await world.updateRunner.startStep(CLUSTER, cp130, opts('tok')));
      expect(again).toEqual(first);
      expect(world.inspect().clusters[CLUSTER]?.updates).toHaveLength(1);
    });

    it('given a finished update, when its request is retried with its token, then the same update (not a version error)', async () => {
      const world = newWorld();
      const first = started(await world.updateRunner.startStep(CLUSTER, cp130, opts('tok')));
      world.advance(30);
      const again = started(await world.updateRunner.startStep(CLUSTER, cp130, opts('tok')));
      expect(again.updateId).toBe(first.updateId);
    });

    it('given a used token, when another request uses it, then EKS refuses', async () => {
      const world = newWorld();
      started(await world.updateRunner.startStep(CLUSTER, cp130, opts('tok')));
      world.advance(30);
      await expect(
        world.updateRunner.startStep(CLUSTER, nodegroupStep('general', '1.29', '1.30'), opts('tok')),
      ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    });
  });

  describe('describeUpdate', () => {
    it('given a node-group update, when described without the node group name, then it is not found (as in EKS)', async () => {
      const world = newWorld();
      const ref = started(
        await world.updateRunner.startStep(CLUSTER, nodegroupStep('general', '1.29', '1.29'), opts('ng')),
      );
      await expect(
        world.updateRunner.describeUpdate({ clusterName: CLUSTER, updateId: ref.updateId }),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: `No update found for ID: ${ref.updateId}`,
      });
    });
  });

  describe('readSnapshot', () => {
    it('given a target, when read, then a valid snapshot trimmed like the AWS reader', async () => {
      const world = newWorld();
      const snapshot = await world.snapshotReader.readSnapshot(CLUSTER, { targetVersion: '1.30' });
      expect(parseSnapshot(JSON.parse(JSON.stringify(snapshot)))).toEqual(snapshot);
      expect(snapshot.capturedAt).toBe(EPOCH.toISOString());
      const clusterVersions = new Set(
        snapshot.addonVersions.flatMap((a) =>
          a.addonVersions.flatMap((v) => v.compatibilities.map((c) => c.clusterVersion)),
        ),
      );
      expect([...clusterVersions].sort()).toEqual(['1.29', '1.30']);
      // Every category, as the AWS reader lists them: the planner tells them apart.
      expect(snapshot.insights.map((i) => i.category)).toEqual(['UPGRADE_READINESS', 'MISCONFIGURATION']);
      expect(snapshot.clusterVersions?.map((v) => v.clusterVersion)).toEqual(['1.29', '1.30']);
    });

    it('given an unknown cluster, when read, then ClusterNotFoundError as from the AWS reader', async () => {
      const world = newWorld();
      await expect(world.snapshotReader.readSnapshot('nope')).rejects.toThrow(ClusterNotFoundError);
    });
  });
});
