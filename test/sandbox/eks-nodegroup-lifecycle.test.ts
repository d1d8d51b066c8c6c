import { planNodegroupReplacement } from '../../lib/domain/nodegroup-replacement';
import { reason } from '../../lib/domain/reason';
import type { SandboxWorld } from '../../lib/sandbox/eks';
import {
  CLUSTER,
  controlPlaneStep,
  newWorld,
  nodegroupStep,
  opts,
  runToEnd,
  started,
} from '../fixtures/sandbox/world';

/** orders-prod moved 1.29 -> 1.30, then its node group general too (3 nodes). */
async function upgradedNodes(scenario?: string): Promise<SandboxWorld> {
  const world = newWorld(scenario ? { scenario } : {});
  const cp = await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp'));
  await runToEnd(world, started(cp));
  const ng = await world.updateRunner.startStep(
    CLUSTER,
    nodegroupStep('general', '1.29', '1.30'),
    opts('ng'),
  );
  await runToEnd(world, started(ng));
  return world;
}

async function replacementOf(world: SandboxWorld, name: string) {
  const upgraded = await world.nodegroups.describeNodegroup(CLUSTER, name);
  if (!upgraded) throw new Error(`no node group ${name}`);
  const plan = planNodegroupReplacement({
    upgradeId: 'up-1',
    clusterName: CLUSTER,
    upgraded,
    previous: { version: '1.29', releaseVersion: '1.29.3-20240531' },
  });
  if (plan.kind !== 'replacement') throw new Error(plan.reason);
  return plan.request;
}

async function statusAfter(world: SandboxWorld, name: string, minutes: number) {
  world.advance(minutes);
  return (await world.nodegroups.describeNodegroup(CLUSTER, name))?.status;
}

describe('sandbox CreateNodegroup', () => {
  it('given a replacement request, then the group is CREATING at 1.29 with its release, and ACTIVE after launch + a minute per node', async () => {
    const world = await upgradedNodes();
    const request = await replacementOf(world, 'general');
    await expect(world.nodegroups.createNodegroup(request)).resolves.toEqual({ kind: 'created' });
    expect(await world.nodegroups.describeNodegroup(CLUSTER, request.nodegroupName)).toMatchObject({
      status: 'CREATING',
      version: '1.29',
      releaseVersion: '1.29.3-20240531',
      subnets: request.subnets,
      scalingConfig: { minSize: 3, maxSize: 6, desiredSize: 3 },
    });
    expect(await statusAfter(world, request.nodegroupName, 7)).toBe('CREATING');
    expect(await statusAfter(world, request.nodegroupName, 1)).toBe('ACTIVE');
  });

  it('given a retry of the same request, then "exists" and still one group', async () => {
    const world = await upgradedNodes();
    const request = await replacementOf(world, 'general');
    await world.nodegroups.createNodegroup(request);
    await expect(world.nodegroups.createNodegroup(request)).resolves.toEqual({ kind: 'exists' });
    const names = world.inspect().clusters[CLUSTER]?.snapshot.nodegroups.map((n) => n.nodegroupName);
    expect(names?.filter((n) => n === request.nodegroupName)).toHaveLength(1);
  });

  it('given a version above the control plane or a name over 63 characters, then InvalidParameterException', async () => {
    const world = await upgradedNodes();
    const request = await replacementOf(world, 'general');
    await expect(world.nodegroups.createNodegroup({ ...request, version: '1.31' })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      world.nodegroups.createNodegroup({ ...request, nodegroupName: 'n'.repeat(64) }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('sandbox DeleteNodegroup', () => {
  it('given an ACTIVE group, then DELETING for a minute per node, then gone; a retry is "gone"', async () => {
    const world = await upgradedNodes();
    await expect(world.nodegroups.deleteNodegroup(CLUSTER, 'general')).resolves.toEqual({ kind: 'deleting' });
    await expect(world.nodegroups.deleteNodegroup(CLUSTER, 'general')).resolves.toEqual({ kind: 'deleting' });
    expect(await statusAfter(world, 'general', 2)).toBe('DELETING');
    expect(await statusAfter(world, 'general', 1)).toBeUndefined();
    await expect(world.nodegroups.deleteNodegroup(CLUSTER, 'general')).resolves.toEqual({ kind: 'gone' });
  });

  it('given a group mid-update, then busy', async () => {
    const world = newWorld();
    const cp = await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp'));
    await runToEnd(world, started(cp));
    started(await world.updateRunner.startStep(CLUSTER, nodegroupStep('batch', '1.29', '1.30'), opts('ng')));
    await expect(world.nodegroups.deleteNodegroup(CLUSTER, 'batch')).resolves.toMatchObject({ kind: 'busy' });
  });

  it('given a PodDisruptionBudget holding the drain (nodegroup-regression), then the deletion lasts 10 minutes longer', async () => {
    const world = await upgradedNodes('nodegroup-regression');
    await world.nodegroups.deleteNodegroup(CLUSTER, 'general');
    expect(await statusAfter(world, 'general', 12)).toBe('DELETING');
    expect(await statusAfter(world, 'general', 1)).toBeUndefined();
  });

  it('given the upgraded group replaced and deleted, then the control-plane rollback passes its kubelet check', async () => {
    const world = await upgradedNodes();
    const request = await replacementOf(world, 'general');
    await world.nodegroups.createNodegroup(request);
    world.advance(8);
    await world.nodegroups.deleteNodegroup(CLUSTER, 'general');
    const early = world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', { clientRequestToken: 'rb' });
    await expect(early).rejects.toThrow(/Kubelet version skew/);
    world.advance(3);
    const outcome = await world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', {
      clientRequestToken: 'rb',
    });
    expect(outcome.kind).toBe('started');
  });
});

describe('sandbox rollback refusal (scenario rollback-refused)', () => {
  it('given a rollback-readiness insight in ERROR, then EKS refuses with its reason, and force overrides it', async () => {
    const world = newWorld({ scenario: 'rollback-refused' });
    await runToEnd(
      world,
      started(await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp'))),
    );
    await expect(
      world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', { clientRequestToken: 'rb' }),
    ).rejects.toMatchObject({
      name: 'ReadinessCheckFailedError',
      message: expect.stringMatching(/Kubernetes API compatibility for rollback \(Objects were stored/),
    });
    await expect(
      world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', {
        clientRequestToken: 'rb',
        force: true,
      }),
    ).resolves.toMatchObject({ kind: 'started' });
  });

  it('the refusal is a rollback-readiness insight, listed as EKS lists it, and the plan is not blocked by it', async () => {
    const world = newWorld({ scenario: 'rollback-refused' });
    const snapshot = await world.snapshotReader.readSnapshot(CLUSTER, { targetVersion: '1.30' });
    expect(snapshot.insights.filter((i) => i.category === 'ROLLBACK_READINESS')).toEqual([
      expect.objectContaining({
        id: 'sandbox-rollback-refusal',
        insightStatus: expect.objectContaining({ status: 'ERROR' }),
      }),
    ]);
    const plan = reason(snapshot, { targetVersion: '1.30', strategy: 'in_place', force: false });
    expect(plan.findings.filter((f) => f.severity === 'block')).toEqual([]);
  });
});

describe('sandbox metrics of nodegroup-regression', () => {
  const read = (world: SandboxWorld) =>
    world.metricsReader.readValidationMetrics({ clusterName: CLUSTER, start: world.now(), end: world.now() });

  it('healthy after the control-plane hop, breaching once a node group runs 1.30, healthy again once it is replaced back', async () => {
    const world = newWorld({ scenario: 'nodegroup-regression' });
    await runToEnd(
      world,
      started(await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp'))),
    );
    expect((await read(world)).errorRate.value).toBe(0.002);
    await runToEnd(
      world,
      started(
        await world.updateRunner.startStep(CLUSTER, nodegroupStep('general', '1.29', '1.30'), opts('ng')),
      ),
    );
    expect((await read(world)).errorRate.value).toBe(0.09);
    const request = await replacementOf(world, 'general');
    await world.nodegroups.createNodegroup(request);
    world.advance(8);
    await world.nodegroups.deleteNodegroup(CLUSTER, 'general');
    world.advance(13);
    expect((await read(world)).errorRate.value).toBe(0.002);
  });
});
