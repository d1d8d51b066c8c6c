import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSandboxUpgrade } from '../../lib/sandbox/local-run';

/**
 * EKS reports an upgrade insight as WARNING while its version is two minors ahead
 * and as ERROR once it is the next one. The plan can only announce that; execution
 * reads the insights again before each control-plane hop and stops there.
 */
const SNAPSHOT = join(__dirname, '..', '..', 'demo', 'snapshots', 'payments-prod-1.30.json');

function run(force = false) {
  return runSandboxUpgrade({
    stateDir: mkdtempSync(join(tmpdir(), 'eua-e2e-')),
    snapshotFile: SNAPSHOT,
    scenario: 'insight-later-hop',
    targetVersion: '1.32',
    force,
  });
}

describe('insight-later-hop, end to end', () => {
  test('the plan warns, the first hop runs, execution stops before 1.32 with InsightBlocksHopError', async () => {
    const r = await run();
    expect(r.findings.filter((f) => f.code.startsWith('INSIGHT'))).toEqual([
      expect.objectContaining({ code: 'INSIGHT_BLOCKS_LATER_HOP', severity: 'warn' }),
    ]);
    expect(r.outcome).toBe('failed');
    expect(r.failure?.phase).toBe('execution');
    expect(r.failure?.error.name).toBe('InsightBlocksHopError');
    expect(r.failure?.reason).toContain('upgrade insight(s) now in ERROR for 1.32');
    expect(r.changes).toContainEqual({ resource: 'control plane payments-prod', from: '1.30', to: '1.31' });
    expect(r.changes.some((c) => c.resource === 'control plane payments-prod' && c.to === '1.32')).toBe(
      false,
    );
  });

  test('with force, EKS is told to proceed and the upgrade completes', async () => {
    const r = await run(true);
    expect(r.outcome).toBe('completed');
    expect(r.changes).toContainEqual({ resource: 'control plane payments-prod', from: '1.30', to: '1.32' });
  });
});
