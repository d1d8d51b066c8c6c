import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ThrottlingException } from '../../lib/sandbox/eks';
import type { Scenario } from '../../lib/sandbox/scenarios';
import { holdStateInMemory } from '../../lib/sandbox/state-store';
import {
  CLUSTER,
  controlPlaneStep,
  newWorld,
  nodegroupStep,
  opts,
  runToEnd,
  started,
  tempStateDir,
} from '../fixtures/sandbox/world';

/** A generated scenario (the simulator's): the simulated EKS reads the faults it carries. */
function scenario(fields: Partial<Scenario>): Scenario {
  return {
    name: 'simulated',
    summary: 'a generated scenario',
    updateFailures: [],
    metrics: {
      baseline: { errorRate: 0.002, latencyP99Ms: 180, sampleCount: 60 },
      afterUpgrade: { errorRate: 0.002, latencyP99Ms: 180, sampleCount: 60 },
    },
    ...fields,
  };
}

const cp130 = controlPlaneStep('1.29', '1.30');
const minutesOf = async (world: ReturnType<typeof newWorld>, ref: Parameters<typeof runToEnd>[1]) => {
  const start = world.now().getTime();
  await runToEnd(world, ref, 400);
  return (world.now().getTime() - start) / 60_000;
};

describe('a generated scenario in the simulated EKS', () => {
  it('fails the control-plane update with the given status and DescribeUpdate error code', async () => {
    const world = newWorld({
      scenario: scenario({
        updateFailures: [
          {
            resource: 'cluster',
            status: 'Cancelled',
            code: 'ClusterUnreachable',
            message: '{name} unreachable',
            afterMinutes: 7,
            bypassedByForce: false,
          },
        ],
      }),
    });
    const status = await runToEnd(
      world,
      started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp'))),
    );
    expect(status).toMatchObject({
      state: 'Cancelled',
      errors: [{ code: 'ClusterUnreachable', message: `${CLUSTER} unreachable`, resourceIds: [CLUSTER] }],
    });
    expect(world.inspect().clusters[CLUSTER]?.snapshot.cluster).toMatchObject({
      version: '1.29',
      status: 'ACTIVE',
    });
  });

  it('stretches the k-th accepted update by its duration factor (the long tail) and no other', async () => {
    const world = newWorld({ scenario: scenario({ durationScale: [3] }) });
    expect(
      await minutesOf(world, started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp')))),
    ).toBe(75);
    const ng = nodegroupStep('general', '1.29', '1.30');
    const normal = newWorld();
    const plain = await minutesOf(
      normal,
      started(await normal.updateRunner.startStep(CLUSTER, cp130, opts('cp'))),
    );
    expect(plain).toBe(25);
    const again = await minutesOf(
      world,
      started(await world.updateRunner.startStep(CLUSTER, ng, opts('ng'))),
    );
    const reference = await minutesOf(
      normal,
      started(await normal.updateRunner.startStep(CLUSTER, ng, opts('ng'))),
    );
    expect(again).toBe(reference);
  });

  it('throttles exactly the listed calls of an operation', async () => {
    const world = newWorld({
      scenario: scenario({ throttle: { firstCalls: {}, calls: { readSnapshot: [2, 4] } } }),
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(
        await world.snapshotReader.readSnapshot(CLUSTER).then(
          () => 'ok',
          (e) => (e instanceof ThrottlingException ? 'throttled' : 'other'),
        ),
      );
    }
    expect(outcomes).toEqual(['ok', 'throttled', 'ok', 'throttled', 'ok']);
  });

  it('answers the k-th metrics read with its scripted profile (a breach or no data at a chosen gate)', async () => {
    const breach = { errorRate: 0.09, latencyP99Ms: 1200, sampleCount: 60 };
    const noData = { errorRate: null, latencyP99Ms: null, sampleCount: 0 };
    const healthy = scenario({}).metrics.baseline;
    const world = newWorld({
      scenario: scenario({
        metrics: { baseline: healthy, afterUpgrade: healthy, byCall: [null, breach, noData] },
      }),
    });
    const query = { clusterName: CLUSTER, start: world.now(), end: world.now() };
    const reads = [];
    for (let i = 0; i < 4; i++) reads.push(await world.metricsReader.readValidationMetrics(query));
    expect(reads.map((r) => r.errorRate)).toEqual([
      { value: 0.002, sampleCount: 60 },
      { value: 0.09, sampleCount: 60 },
      { value: null, sampleCount: 0 },
      { value: 0.002, sampleCount: 60 },
    ]);
  });
});

describe('holdStateInMemory', () => {
  it('keeps the world of a state directory in memory: nothing is written there, and it is gone once released', async () => {
    const dir = tempStateDir();
    const release = holdStateInMemory(dir);
    const world = newWorld({ stateDir: dir });
    await runToEnd(world, started(await world.updateRunner.startStep(CLUSTER, cp130, opts('cp'))));
    expect(world.inspect().clusters[CLUSTER]?.snapshot.cluster.version).toBe('1.30');
    expect(readdirSync(dir)).toEqual([]);
    release();
    expect(existsSync(join(dir, 'eks-world.json'))).toBe(false);
    // Released, the directory is a plain (empty) one again: there is no world to read.
    expect(() => newWorld({ stateDir: dir, snapshot: undefined }).inspect()).toThrow('no sandbox world');
  });
});
