import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSeed } from '../../lib/sandbox/sim/run-seed';
import { loadBases, type SnapshotBase } from '../../lib/sandbox/sim/shape';

/**
 * Seeds the simulator once found breaking an invariant, each kept after its fix in
 * the product: the same seed must now keep every invariant.
 */
const FOUND: readonly { seed: number; what: string }[] = [
  {
    seed: 18,
    what: 'validation published upgrade.completed, its response was lost, and HandleFailure published upgrade.failed too',
  },
  {
    seed: 365,
    what: 'a node group moved before the failed hop was replaced at the version perception found, past the skew rule',
  },
  { seed: 5108, what: 'the same, with the kubelet three minors behind a 1.16 control plane' },
  {
    seed: 5261,
    what: 'HandleFailure crashed once (Runtime.ExitError, no retrier): no upgrade.failed, the lock never released',
  },
  {
    seed: 615,
    what: 'a second request after the first failed retried UpdateClusterVersion under its own token (a checker error: tokens are per upgrade)',
  },
  {
    seed: 1648,
    what: 'killed after the rollback reported; on resume HandleFailure published a second, different upgrade.failed',
  },
  {
    seed: 3872,
    what: 'killed after HandleFailure reported; the resumed run re-ran execution, halted, and failed it a second time differently',
  },
  {
    seed: 4844,
    what: 'killed after HandleFailure failed a crashed reasoning; the resumed run started over and completed a failed upgrade',
  },
  {
    seed: 4478,
    what: 'a request refused for a busy cluster came again once the cluster was free and started: two terminal events for one id',
  },
];

let bases: SnapshotBase[];
let workDir: string;
beforeAll(() => {
  bases = loadBases();
  workDir = mkdtempSync(join(tmpdir(), 'sim-regressions-'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('seeds that once broke an invariant', () => {
  it.each(FOUND)('seed $seed: $what', async ({ seed }) => {
    const result = await runSeed(seed, { bases, workDir });
    expect(result.violations).toEqual([]);
  });
});
