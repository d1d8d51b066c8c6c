import { reason } from '../../lib/domain/reason';
import type { SandboxWorld } from '../../lib/sandbox/eks';
import { CLUSTER, newWorld, runToEnd, started } from '../fixtures/sandbox/world';

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
