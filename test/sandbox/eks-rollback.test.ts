import { ReadinessCheckFailedError } from '../../lib/aws/errors';
import type { SandboxWorld } from '../../lib/sandbox/eks';
import {
  addonStep,
  CLUSTER,
  controlPlaneStep,
  newWorld,
  nodegroupStep,
  opts,
  runToEnd,
  started,
} from '../fixtures/sandbox/world';

/** A world whose control plane went 1.29 -> 1.30 in place (node groups still at 1.29). */
async function upgradedWorld(): Promise<SandboxWorld> {
  const world = newWorld();
  await runToEnd(
    world,
    started(await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp'))),
  );
  return world;
}

describe('sandbox EKS control-plane rollback (VersionRollback)', () => {
  it('given an in-place upgrade to 1.30, when rolled back, then a VersionRollback brings 1.29 and the old platform back', async () => {
    const world = await upgradedWorld();
    const ref = started(
      await world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', { clientRequestToken: 'rb' }),
    );
    expect((await world.snapshotReader.readSnapshot(CLUSTER)).cluster.status).toBe('UPDATING');
    await expect(runToEnd(world, ref)).resolves.toMatchObject({
      state: 'Successful',
      type: 'VersionRollback',
    });
    expect((await world.snapshotReader.readSnapshot(CLUSTER)).cluster).toMatchObject({
      version: '1.29',
      platformVersion: 'eks.7',
      status: 'ACTIVE',
    });
  });

  it('given a finished rollback, when retried with its token, then the same update (the version moved meanwhile)', async () => {
    const world = await upgradedWorld();
    const ref = started(
      await world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', { clientRequestToken: 'rb' }),
    );
    await runToEnd(world, ref);
    const again = started(
      await world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', { clientRequestToken: 'rb' }),
    );
    expect(again.updateId).toBe(ref.updateId);
  });

  it('given a finished rollback, when asked again with a new token, then EKS refuses: already at 1.29', async () => {
    const world = await upgradedWorld();
    await runToEnd(
      world,
      started(
        await world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', { clientRequestToken: 'rb' }),
      ),
    );
    await expect(
      world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', { clientRequestToken: 'rb2' }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Unsupported Kubernetes minor version update from 1.29 to 1.29',
    });
  });

  it('given a cluster never upgraded, when rolled back, then InvalidRequestException (force does not help)', async () => {
    const world = newWorld();
    await expect(
      world.updateRunner.startControlPlaneRollback(CLUSTER, '1.28', {
        clientRequestToken: 'rb',
        force: true,
      }),
    ).rejects.toThrow(/cannot be rolled back: it was not upgraded in place/);
  });

  it('given an upgrade finished over 7 days ago, when rolled back, then the window has closed', async () => {
    const world = await upgradedWorld();
    world.advance(7 * 24 * 60 + 1);
    await expect(
      world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', { clientRequestToken: 'rb' }),
    ).rejects.toMatchObject({
      name: 'RollbackUnavailableError',
      message: expect.stringMatching(/more than 7 days ago/),
    });
  });

  it('given an upgrade to 1.30, when the rollback names 1.28, then EKS refuses: previous minor only', async () => {
    const world = await upgradedWorld();
    await expect(
      world.updateRunner.startControlPlaneRollback(CLUSTER, '1.28', { clientRequestToken: 'rb' }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('given an add-on moved to a 1.30-only version, when rolled back without force, then ReadinessCheckFailedError', async () => {
    const world = await upgradedWorld();
    const step = addonStep('kube-proxy', 'v1.29.3-eksbuild.2', 'v1.30.0-eksbuild.3');
    await runToEnd(world, started(await world.updateRunner.startStep(CLUSTER, step, opts('kp'))));
    await expect(
      world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', { clientRequestToken: 'rb' }),
    ).rejects.toThrow(/kube-proxy v1\.30\.0-eksbuild\.3 are not compatible with Kubernetes 1\.29/);
  });

  it('given an update in flight, when rolled back, then busy', async () => {
    const world = await upgradedWorld();
    started(
      await world.updateRunner.startStep(CLUSTER, nodegroupStep('general', '1.29', '1.30'), opts('ng')),
    );
    const outcome = await world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', {
      clientRequestToken: 'rb',
    });
    expect(outcome.kind).toBe('busy');
  });

  describe('kubelet skew readiness', () => {
    async function upgradedNodes(): Promise<SandboxWorld> {
      const world = await upgradedWorld();
      const step = nodegroupStep('general', '1.29', '1.30');
      await runToEnd(world, started(await world.updateRunner.startStep(CLUSTER, step, opts('ng'))));
      return world;
    }

    it('given a node group at 1.30, when rolled back without force, then ReadinessCheckFailedError', async () => {
      const world = await upgradedNodes();
      const attempt = world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', {
        clientRequestToken: 'rb',
      });
      await expect(attempt).rejects.toThrow(ReadinessCheckFailedError);
      await expect(attempt).rejects.toThrow(/Kubelet version skew/);
    });

    it('given a node group at 1.30, when rolled back with force, then it starts', async () => {
      const world = await upgradedNodes();
      const outcome = await world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', {
        clientRequestToken: 'rb',
        force: true,
      });
      expect(outcome.kind).toBe('started');
    });

    it('given a node group at 1.30 in the rollback window, when moved back to 1.29 first, then the rollback passes', async () => {
      const world = await upgradedNodes();
      const back = nodegroupStep('general', '1.30', '1.29');
      await expect(
        runToEnd(world, started(await world.updateRunner.startStep(CLUSTER, back, opts('ng-back')))),
      ).resolves.toMatchObject({ state: 'Successful' });
      const outcome = await world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', {
        clientRequestToken: 'rb',
      });
      expect(outcome.kind).toBe('started');
    });
  });
});
