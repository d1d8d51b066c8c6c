import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSandboxUpgrade } from '../../lib/sandbox/local-run';
import { createLocalStack } from '../../lib/sandbox/local-stack';
import { DEMO_SNAPSHOT, wideDemoSnapshot } from '../support/wide-snapshot';

/**
 * Node-group updates of one hop in flight together, through the real ASL, phases and
 * sandbox EKS: the limit holds, the canary moves alone, and the control plane and
 * add-ons never share the cluster with another update.
 */
const stateDir = () => mkdtempSync(join(tmpdir(), 'eua-parallel-'));

function updatesOf(dir: string) {
  const stack = createLocalStack({ stateDir: dir, snapshotFile: DEMO_SNAPSHOT });
  const world = Object.values(stack.world.inspect().clusters)[0];
  if (!world) throw new Error('no cluster in the sandbox');
  return world.updates.map((u) => ({
    target: u.target.kind === 'cluster' ? 'cluster' : `${u.target.kind}:${u.target.name}`,
    kind: u.target.kind,
    from: Date.parse(u.createdAt),
    to: Date.parse(u.endsAt),
  }));
}

describe('parallel node groups', () => {
  test('given a plan that outlasts the 48 h execution one at a time, then it is refused before any update, naming the parallelism that fits', async () => {
    const dir = stateDir();
    const r = await runSandboxUpgrade({
      stateDir: dir,
      snapshotFile: DEMO_SNAPSHOT,
      snapshot: wideDemoSnapshot(60, ['aws-ebs-csi-driver']),
      targetVersion: '1.33',
      config: { execution: { maxParallelNodegroups: 1 } },
    });
    expect(r.outcome).toBe('blocked');
    expect(r.failure?.error.name).toBe('PlanBlockedError');
    expect(r.failure?.reason).toContain(
      'EXECUTION_TIMEOUT: the plan takes about 60.6 h with maxParallelNodegroups 1',
    );
    expect(r.failure?.reason).toContain('set execution/maxParallelNodegroups to 2 or more (it is 1)');
    expect(updatesOf(dir)).toEqual([]);
  });

  test('given 12 node groups and a limit of 4, then at most 4 node-group updates overlap, nothing overlaps the control plane or an add-on, and the canary moves alone', async () => {
    const dir = stateDir();
    const r = await runSandboxUpgrade({
      stateDir: dir,
      snapshotFile: DEMO_SNAPSHOT,
      snapshot: wideDemoSnapshot(12),
      targetVersion: '1.32',
      config: { execution: { maxParallelNodegroups: 4 } },
    });
    expect(r.outcome).toBe('completed');
    expect(r.completedSteps).toBe(r.plannedSteps);
    const updates = updatesOf(dir);
    const overlapping = (u: (typeof updates)[number]) =>
      updates.filter((o) => o !== u && o.from < u.to && u.from < o.to);
    for (const u of updates) {
      const others = overlapping(u);
      if (u.kind !== 'nodegroup') expect(others).toEqual([]);
      expect(others.every((o) => o.target !== u.target)).toBe(true);
    }
    // In flight at once: the most updates running at any update's start.
    const peak = Math.max(
      ...updates.map((u) => updates.filter((o) => o.from <= u.from && u.from < o.to).length),
    );
    expect(peak).toBe(4);
    // The canary (the smallest group: a system-bottlerocket copy) moves to each hop alone.
    const canary = updates.filter((u) => u.target === 'nodegroup:system-bottlerocket-002');
    expect(canary.length).toBeGreaterThanOrEqual(2);
    for (const u of canary.slice(-2)) expect(overlapping(u)).toEqual([]);
  });

  test('given the same cluster one at a time, then it takes longer and makes more polls', async () => {
    const run = (limit: number) =>
      runSandboxUpgrade({
        stateDir: stateDir(),
        snapshotFile: DEMO_SNAPSHOT,
        snapshot: wideDemoSnapshot(12),
        targetVersion: '1.32',
        config: { execution: { maxParallelNodegroups: limit } },
      });
    const [serial, parallel] = [await run(1), await run(4)];
    expect(serial.outcome).toBe('completed');
    expect(parallel.simulatedMinutes).toBeLessThan(serial.simulatedMinutes * 0.6);
    expect(parallel.figures.polls).toBeLessThan(serial.figures.polls);
  });
});
