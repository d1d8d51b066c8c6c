import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/run-cli';

/** `run --sandbox --strategy blue_green` as a user runs it: exit codes, events in order, the report's finalState. */
const BIN = join(ROOT, 'bin', 'eks-upgrade-agent.cjs');
// A blue/green run is ~6x a hop's Lambda calls; on a shared 2-core machine it took up to 65 s.
const RUN_TIMEOUT_MS = 240_000;

function runBlueGreen(scenario: string) {
  const dir = mkdtempSync(join(tmpdir(), 'eua-cli-bg-'));
  const eventsOut = join(dir, 'events.jsonl');
  const r = spawnSync(
    process.execPath,
    [
      BIN,
      'run',
      '--sandbox',
      '--strategy',
      'blue_green',
      '--target',
      '1.33',
      '--scenario',
      scenario,
      '--state-dir',
      join(dir, 'state'),
      '--events-out',
      eventsOut,
      '--output',
      'json',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: RUN_TIMEOUT_MS },
  );
  const events = readFileSync(eventsOut, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { 'detail-type': string; detail: { percentage?: number } })
    .filter((e) => !e['detail-type'].startsWith('phase.'))
    .map((e) =>
      e['detail-type'] === 'traffic.shifted' ? `traffic.shifted ${e.detail.percentage}` : e['detail-type'],
    );
  return { code: r.status, report: JSON.parse(r.stdout), events, stderr: r.stderr };
}

describe('eks-upgrade-agent run --sandbox --strategy blue_green', () => {
  test(
    'happy: 1.30 -> 1.33 in one go, traffic 10/25/50/100, blue decommissioned, exit 0',
    () => {
      const r = runBlueGreen('happy');
      expect(r.code).toBe(0);
      expect(r.events).toEqual([
        'upgrade.requested',
        'upgrade.started',
        'cluster.provisioned',
        'traffic.shifted 10',
        'traffic.shifted 25',
        'traffic.shifted 50',
        'traffic.shifted 100',
        'cluster.decommissioned',
        'upgrade.completed',
      ]);
      expect(r.report.finalState.clusters).toEqual({
        'payments-prod-1-33': { version: '1.33', status: 'ACTIVE' },
        'payments-prod': { version: '1.30', status: 'DELETED' },
      });
      expect(r.report.finalState.trafficWeights).toEqual({ 'payments-prod': 0, 'payments-prod-1-33': 100 });
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'canary-breach: back to 100 % blue at the first step, blue untouched, no decommission, exit 1',
    () => {
      const r = runBlueGreen('canary-breach');
      expect(r.code).toBe(1);
      expect(r.report.outcome).toBe('rolled-back');
      expect(r.events).toEqual([
        'upgrade.requested',
        'upgrade.started',
        'cluster.provisioned',
        'traffic.shifted 10',
        'rollback.triggered',
        'traffic.shifted 0',
        'rollback.completed',
        'upgrade.failed',
      ]);
      expect(r.report.finalState.clusters['payments-prod']).toEqual({ version: '1.30', status: 'ACTIVE' });
      expect(r.report.finalState.trafficWeights).toEqual({ 'payments-prod': 100, 'payments-prod-1-33': 0 });
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'provision-failure: nothing shifted, green cleaned up, upgrade.failed, exit 1',
    () => {
      const r = runBlueGreen('provision-failure');
      expect(r.code).toBe(1);
      expect(r.events).toEqual(['upgrade.requested', 'upgrade.started', 'upgrade.failed']);
      expect(r.report.failure.error.name).toBe('GreenProvisioningFailedError');
      expect(r.report.finalState.clusters['payments-prod-1-33'].status).toBe('DELETED');
      expect(r.report.finalState.trafficWeights).toEqual({ 'payments-prod': 100 });
    },
    RUN_TIMEOUT_MS,
  );
});
