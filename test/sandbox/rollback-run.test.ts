import { defaultConfig } from '../../lib/domain/config';
import { planRollback, type RollbackStepView } from '../../lib/domain/rollback-plan';
import {
  advanceRollback,
  loadRollbackRun,
  newRollbackRun,
  type RollbackRun,
} from '../../lib/phases/rollback-run';
import type { ArtifactStore } from '../../lib/ports';
import type { SandboxWorld } from '../../lib/sandbox/eks';
import {
  CLUSTER,
  controlPlaneStep,
  fixtureSnapshot,
  newWorld,
  nodegroupStep,
  opts,
  runToEnd,
  started,
} from '../fixtures/sandbox/world';

/**
 * Carrying out a rollback plan against the sandbox EKS, poll by poll, as the state
 * machine's TriggerRollback ⟲ WaitForRollback does: retries never repeat an effect,
 * and a failed action ends the rollback (it reports, it does not loop).
 */
const steps: RollbackStepView[] = [
  { id: 'control-plane:1.30', kind: 'control-plane', hop: '1.30', from: '1.29', to: '1.30' },
  { id: 'gate:1.30:control-plane', kind: 'gate', hop: '1.30', from: '1.30', to: '1.30' },
  { id: 'nodegroup:general:1.30', kind: 'nodegroup', name: 'general', hop: '1.30', from: '1.29', to: '1.30' },
];

class MemoryArtifacts implements ArtifactStore {
  readonly items = new Map<string, unknown>();
  async putJson(key: string, value: unknown) {
    this.items.set(key, structuredClone(value));
  }
  async getJson(key: string) {
    return structuredClone(this.items.get(key));
  }
}

async function failedCanary(scenario?: string) {
  const world = newWorld(scenario ? { scenario } : {});
  await runToEnd(
    world,
    started(await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp'))),
  );
  await runToEnd(
    world,
    started(
      await world.updateRunner.startStep(CLUSTER, nodegroupStep('general', '1.29', '1.30'), opts('ng')),
    ),
  );
  const start = fixtureSnapshot();
  const plan = planRollback({
    upgradeId: 'up-1',
    steps,
    completed: steps.map((s) => s.id),
    snapshot: await world.snapshotReader.readSnapshot(CLUSTER),
    addonVersions: start.addonVersions,
    previousNodegroups: { general: { version: '1.29', releaseVersion: '1.29.3-20240531' } },
    now: world.now().toISOString(),
    revertControlPlane: true,
  });
  const artifacts = new MemoryArtifacts();
  const deps = {
    nodegroups: world.nodegroups,
    controlPlaneRollback: world.updateRunner,
    updates: world.updateRunner,
    artifacts,
    config: { load: async () => defaultConfig() },
    clock: world.clock,
  };
  const run = newRollbackRun(
    {
      upgradeId: 'up-1',
      clusterName: CLUSTER,
      targetVersion: '1.31',
      reason: 'gate failed',
      claimedBy: 'state-machine',
    },
    plan,
  );
  return { world, deps, run, artifacts };
}

/** Polls until finished, moving virtual time by each wait; counts the polls. */
async function drive(world: SandboxWorld, run: RollbackRun, deps: Parameters<typeof advanceRollback>[1]) {
  for (let polls = 1; polls < 100; polls++) {
    const step = await advanceRollback(run, deps);
    if ('finished' in step) return { outcome: step.finished, polls };
    world.advance(step.wait / 60);
  }
  throw new Error('the rollback did not finish in 100 polls');
}

const calls = (world: SandboxWorld) => world.inspect().calls;

describe('advanceRollback against the sandbox EKS', () => {
  it('replaces the node group, then rolls the control plane back: reverted, every result stated', async () => {
    const { world, deps, run } = await failedCanary();
    await expect(drive(world, run, deps)).resolves.toMatchObject({ outcome: 'reverted' });
    expect(run.results.map((r) => [r.action, r.resource, r.ok])).toEqual([
      ['replace-nodegroup', 'nodegroup/general', true],
      ['rollback-control-plane', `cluster/${CLUSTER}`, true],
    ]);
    const cluster = world.inspect().clusters[CLUSTER]?.snapshot;
    expect(cluster?.cluster.version).toBe('1.29');
    expect(
      cluster?.nodegroups.map((n) => [n.nodegroupName.replace(/-rb-[0-9a-f]{8}$/, '-rb'), n.version]),
    ).toEqual([
      ['batch', '1.29'],
      ['general-rb', '1.29'],
    ]);
  });

  it('given every call retried from the state saved before it (a Lambda that died after its effect), then no effect happens twice', async () => {
    const { world, deps, run, artifacts } = await failedCanary();
    let current: RollbackRun = run;
    for (let i = 0; i < 100; i++) {
      const before = structuredClone(current);
      const step = await advanceRollback(current, deps);
      // The same poll again, from the state as it was before the first attempt.
      const again = await advanceRollback(before, deps);
      expect('finished' in again).toBe('finished' in step);
      current = (await loadRollbackRun(artifacts, 'up-1')) ?? current;
      if ('finished' in step) break;
      world.advance(step.wait / 60);
    }
    expect(current.outcome).toBe('reverted');
    const counted = calls(world);
    expect(counted.createNodegroup).toBe(2);
    expect(
      world
        .inspect()
        .clusters[CLUSTER]?.snapshot.nodegroups.filter((n) => n.nodegroupName.startsWith('general-rb-')),
    ).toHaveLength(1);
    const rollbacks = world.inspect().clusters[CLUSTER]?.updates.filter((u) => u.type === 'VersionRollback');
    expect(rollbacks).toHaveLength(1);
  });

  it('given EKS refuses the version rollback after the replacement, then partially reverted, and later polls change nothing', async () => {
    const { world, deps, run } = await failedCanary('rollback-refused');
    await expect(drive(world, run, deps)).resolves.toMatchObject({ outcome: 'partially-reverted' });
    expect(run.results.at(-1)).toMatchObject({
      action: 'rollback-control-plane',
      ok: false,
      result: expect.stringMatching(/^refused by EKS: .*Kubernetes API compatibility for rollback/),
    });
    const before = calls(world);
    await expect(advanceRollback(run, deps)).resolves.toEqual({ finished: 'partially-reverted' });
    expect(calls(world)).toEqual(before);
  });

  it('given the replacement cannot be created, then the rollback stops there: the control plane is not attempted', async () => {
    const { world, deps, run } = await failedCanary();
    const replace = run.actions[0] as unknown as { request: { nodegroupName: string } };
    replace.request.nodegroupName = 'n'.repeat(64);
    await expect(drive(world, run, deps)).resolves.toEqual({ outcome: 'stopped', polls: 1 });
    expect(run.results.map((r) => [r.action, r.ok, r.result.split(':')[0]])).toEqual([
      ['replace-nodegroup', false, 'failed'],
      ['rollback-control-plane', null, 'not attempted'],
    ]);
    expect(calls(world).startControlPlaneRollback).toBeUndefined();
  });
});
