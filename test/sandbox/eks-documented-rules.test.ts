import { ReadinessCheckFailedError } from '../../lib/aws/errors';
import type { Insight } from '../../lib/domain/snapshot';
import { InvalidRequestException } from '../../lib/sandbox/eks';
import {
  CLUSTER,
  controlPlaneStep,
  EPOCH,
  fixtureSnapshot,
  newWorld,
  nodegroupStep,
  opts,
  runToEnd,
  started,
} from '../fixtures/sandbox/world';

/** The sandbox enforces what EKS's API reference documents, with EKS's exception and words. */
describe('sandbox EKS: documented rules', () => {
  it('given node groups behind the cluster, when the control plane is updated, then InvalidRequestException names them', async () => {
    const snapshot = fixtureSnapshot();
    for (const ng of snapshot.nodegroups) ng.version = '1.28';
    const world = newWorld({ snapshot });
    const start = world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp'));
    await expect(start).rejects.toThrow(InvalidRequestException);
    await expect(start).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message:
        'Nodegroups general,batch must be updated to match cluster version 1.29 before updating cluster version',
      $metadata: { httpStatusCode: 400 },
      clusterName: CLUSTER,
    });
    expect(world.inspect().clusters[CLUSTER]?.updates).toEqual([]);
  });

  it('given the node groups brought to the cluster version, then the control-plane update starts', async () => {
    const snapshot = fixtureSnapshot();
    for (const ng of snapshot.nodegroups) ng.version = '1.28';
    const world = newWorld({ snapshot });
    for (const ng of snapshot.nodegroups) {
      const step = nodegroupStep(ng.nodegroupName, '1.28', '1.29');
      await runToEnd(
        world,
        started(await world.updateRunner.startStep(CLUSTER, step, opts(ng.nodegroupName))),
      );
    }
    const ref = started(
      await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp')),
    );
    expect(ref).toEqual({ clusterName: CLUSTER, updateId: expect.any(String) });
  });

  describe('insights follow the control plane', () => {
    const warningFor131: Insight = {
      id: 'later-hop',
      name: 'Deprecated APIs removed in Kubernetes v1.31',
      category: 'UPGRADE_READINESS',
      kubernetesVersion: '1.31',
      lastRefreshTime: EPOCH.toISOString(),
      insightStatus: { status: 'WARNING', reason: 'Deprecated API usage detected within the last 30 days.' },
    };

    it('given a WARNING for 1.31 at 1.29, when the cluster reaches 1.30, then it is an ERROR that refuses 1.31', async () => {
      const snapshot = fixtureSnapshot();
      snapshot.insights = [warningFor131];
      const world = newWorld({ snapshot });
      expect((await world.insightsReader.readInsights(CLUSTER)).map((i) => i.insightStatus.status)).toEqual([
        'WARNING',
      ]);
      const hop = started(
        await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp')),
      );
      const end = await runToEnd(world, hop);
      expect(end.state).toBe('Successful');
      const [now] = await world.insightsReader.readInsights(CLUSTER);
      expect(now?.insightStatus).toEqual({
        status: 'ERROR',
        reason:
          'Deprecated API usage detected within the last 30 days. The cluster is now at 1.30, one minor below 1.31.',
      });
      for (const ng of fixtureSnapshot().nodegroups) {
        const step = nodegroupStep(ng.nodegroupName, '1.29', '1.30');
        await runToEnd(
          world,
          started(await world.updateRunner.startStep(CLUSTER, step, opts(`ng-${ng.nodegroupName}`))),
        );
      }
      await expect(
        world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.30', '1.31'), opts('cp-2')),
      ).rejects.toThrow(ReadinessCheckFailedError);
    });

    it('given a refresh, then every insight carries the time of it', async () => {
      const snapshot = fixtureSnapshot();
      snapshot.insights = [warningFor131];
      const world = newWorld({ snapshot });
      world.advance(90);
      await world.insightsReader.refreshInsights(CLUSTER);
      const [insight] = await world.insightsReader.readInsights(CLUSTER);
      expect(insight?.lastRefreshTime).toBe(new Date(EPOCH.getTime() + 90 * 60_000).toISOString());
      expect(world.inspect().calls).toMatchObject({ readInsights: 1, refreshInsights: 1 });
    });
  });
});
