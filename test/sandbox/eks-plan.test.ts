import { reason } from '../../lib/domain/reason';
import type { SandboxWorld } from '../../lib/sandbox/eks';
import { CLUSTER, fixtureSnapshot, newWorld, runToEnd, started } from '../fixtures/sandbox/world';

/** Runs every step of the planner's in-place plan against the sandbox, as the state machine would. */
async function upgrade(world: SandboxWorld, targetVersion: string): Promise<string[]> {
  const snapshot = await world.snapshotReader.readSnapshot(CLUSTER, { targetVersion });
  const plan = reason(snapshot, { targetVersion, strategy: 'in_place', force: false });
  expect(plan.verdict).toBe('ready');
  const states: string[] = [];
  for (const step of plan.steps) {
    const outcome = await world.updateRunner.startStep(CLUSTER, step, {
      clientRequestToken: `upgrade-1:${step.id}`,
      force: false,
    });
    const status = await runToEnd(world, started(outcome));
    states.push(`${step.id} ${status.state}`);
  }
  return states;
}

describe('the planner against the sandbox EKS', () => {
  it('given orders-prod at 1.29, when the in-place plan to 1.31 runs step by step, then EKS accepts every step', async () => {
    const world = newWorld();
    const states = await upgrade(world, '1.31');
    expect(states.every((s) => s.endsWith('Successful'))).toBe(true);
    const after = await world.snapshotReader.readSnapshot(CLUSTER);
    expect(after.cluster).toMatchObject({ version: '1.31', status: 'ACTIVE' });
    expect(after.nodegroups.map((ng) => [ng.nodegroupName, ng.version, ng.status])).toEqual([
      ['general', '1.31', 'ACTIVE'],
      ['batch', '1.31', 'ACTIVE'],
    ]);
    expect(Object.fromEntries(after.addons.map((a) => [a.addonName, a.addonVersion]))).toEqual({
      'vpc-cni': 'v1.19.0-eksbuild.1',
      coredns: 'v1.11.3-eksbuild.1',
      'kube-proxy': 'v1.31.0-eksbuild.2',
    });
  });
});

describe('launch templates in the sandbox snapshot read', () => {
  it('given a seed with a launch template one version ahead of batch, the read carries it and the plan warns', async () => {
    const seed = fixtureSnapshot();
    const world = newWorld({
      snapshot: {
        ...seed,
        nodegroups: seed.nodegroups.map((ng) =>
          ng.nodegroupName === 'batch' ? { ...ng, launchTemplate: { id: 'lt-1', version: '$Default' } } : ng,
        ),
        launchTemplates: [
          {
            LaunchTemplateId: 'lt-1',
            LaunchTemplateName: 'batch',
            DefaultVersionNumber: 1,
            LatestVersionNumber: 2,
          },
        ],
      },
    });
    const snapshot = await world.snapshotReader.readSnapshot(CLUSTER, { targetVersion: '1.30' });
    expect(snapshot.launchTemplates).toEqual([
      {
        LaunchTemplateId: 'lt-1',
        LaunchTemplateName: 'batch',
        DefaultVersionNumber: 1,
        LatestVersionNumber: 2,
      },
    ]);
    const plan = reason(snapshot, { targetVersion: '1.30', strategy: 'in_place', force: false });
    expect(
      plan.findings.filter((f) => f.code === 'LAUNCH_TEMPLATE_UPDATE_PENDING').map((f) => f.resource),
    ).toEqual(['batch']);
  });

  it('given a seed without launch templates, the read has no launchTemplates part', async () => {
    const snapshot = await newWorld().snapshotReader.readSnapshot(CLUSTER);
    expect(snapshot.launchTemplates).toBeUndefined();
  });
});
