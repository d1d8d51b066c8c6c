import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventDetail } from '../../lib/domain/events';
import { runSandboxUpgrade, type SandboxRunReport } from '../../lib/sandbox/local-run';
import { createLocalStack } from '../../lib/sandbox/local-stack';

/**
 * Blue/green upgrades through the real ASL branch (aws-local-stepfunctions), the
 * bluegreen function and the sandbox's EKS and Route 53: payments-prod 1.30 -> 1.33
 * in one go, the jump this strategy is for.
 */
const SNAPSHOT = join(__dirname, '..', '..', 'demo', 'snapshots', 'payments-prod-1.30.json');
const BLUE = 'payments-prod';
const GREEN = 'payments-prod-1-33';

function run(scenario: string, config?: Record<string, unknown>, stateDir?: string) {
  return runSandboxUpgrade({
    stateDir: stateDir ?? mkdtempSync(join(tmpdir(), 'eua-bg-')),
    snapshotFile: SNAPSHOT,
    scenario,
    targetVersion: '1.33',
    strategy: 'blue_green',
    ...(config ? { config } : {}),
  });
}

/** The agent's events after the request, phase events left out. */
const flow = (r: SandboxRunReport) =>
  r.events.map((e) => e['detail-type']).filter((t) => !t.startsWith('phase.') && t !== 'upgrade.requested');
const shifts = (r: SandboxRunReport) =>
  r.events
    .filter((e) => e['detail-type'] === 'traffic.shifted')
    .map((e) => (e.detail as { percentage: number }).percentage);

describe('blue/green on the sandbox', () => {
  test('given a maintenance window, then green is created only once it opens (virtual time), and the upgrade completes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eua-bg-'));
    // The world starts on Friday 2026-11-27 08:00Z; 07:00 in New York is 12:00Z.
    const r = await run(
      'happy',
      { maintenanceWindow: { days: 'MON-SUN', hours: '07:00-08:00', timeZone: 'America/New_York' } },
      dir,
    );
    expect(r.outcome).toBe('completed');
    expect(flow(r).slice(0, 3)).toEqual(['upgrade.started', 'upgrade.waiting', 'cluster.provisioned']);
    const waiting = r.events.find((e) => e['detail-type'] === 'upgrade.waiting')
      ?.detail as unknown as EventDetail<'upgrade.waiting'>;
    expect(waiting).toMatchObject({
      waitUntil: '2026-11-27T12:00:00.000Z',
      stepId: `provision-cluster:${GREEN}`,
      hop: '1.33',
      occurredAt: '2026-11-27T08:00:00.000Z',
    });
    const world = createLocalStack({ stateDir: dir, snapshotFile: SNAPSHOT }).world.inspect();
    const created = world.clusters[GREEN]?.snapshot.cluster.createdAt;
    expect(created).toBe('2026-11-27T12:00:00.000Z');
  });

  test('happy: green at 1.33, traffic 10 -> 25 -> 50 -> 100, blue decommissioned, completed', async () => {
    const r = await run('happy');
    expect(r.outcome).toBe('completed');
    expect(r.executionStatus).toBe('SUCCEEDED');
    expect(flow(r)).toEqual([
      'upgrade.started',
      'cluster.provisioned',
      'traffic.shifted',
      'traffic.shifted',
      'traffic.shifted',
      'traffic.shifted',
      'cluster.decommissioned',
      'upgrade.completed',
    ]);
    expect(shifts(r)).toEqual([10, 25, 50, 100]);
    expect(r.finalState.clusters).toEqual({
      [GREEN]: { version: '1.33', status: 'ACTIVE' },
      [BLUE]: { version: '1.30', status: 'DELETED' },
    });
    expect(r.finalState.trafficWeights).toEqual({ [BLUE]: 0, [GREEN]: 100 });
    expect(r.finalState.controlPlane).toBe('1.33');
    expect(Object.values(r.finalState.nodegroups).every((v) => v === '1.33')).toBe(true);
    expect(r.changes).toEqual([
      { resource: `cluster ${GREEN}`, from: 'none', to: '1.33' },
      { resource: `cluster ${BLUE}`, from: '1.30', to: 'deleted' },
    ]);
    // Provisioning, the workloads' sync, four 10-minute soaks and the hour of final bake.
    expect(r.simulatedMinutes).toBeGreaterThan(40 + 60);
    expect(r.figures.awsApiCalls.createCluster).toBe(1);
    expect(r.completedSteps).toBe(r.plannedSteps);
    expect(r.plannedSteps).toBe(6);
  });

  test('canary-breach: green breaches at 10 %, all traffic back on blue at 1.30, green deleted, no decommission', async () => {
    const r = await run('canary-breach');
    expect(r.outcome).toBe('rolled-back');
    expect(r.executionStatus).toBe('FAILED');
    expect(shifts(r)).toEqual([10, 0]);
    expect(flow(r)).toEqual([
      'upgrade.started',
      'cluster.provisioned',
      'traffic.shifted',
      'rollback.triggered',
      'traffic.shifted',
      'rollback.completed',
      'upgrade.failed',
    ]);
    expect(r.rollback?.outcome).toBe('reverted');
    expect(r.finalState.clusters).toEqual({
      [BLUE]: { version: '1.30', status: 'ACTIVE' },
      [GREEN]: { version: '1.33', status: 'DELETED' },
    });
    expect(r.finalState.trafficWeights).toEqual({ [BLUE]: 100, [GREEN]: 0 });
    expect(r.failure?.reason).toContain(`green ${GREEN} breached at 10 %`);
  });

  test('canary-breach with keepGreenOnFailure: green is kept for inspection', async () => {
    const r = await run('canary-breach', { blueGreen: { keepGreenOnFailure: true } });
    expect(r.outcome).toBe('rolled-back');
    expect(r.finalState.clusters?.[GREEN]).toEqual({ version: '1.33', status: 'ACTIVE' });
    expect(r.rollback?.actions.map((a) => a.action)).toEqual(['shift-traffic', 'keep-cluster']);
  });

  test('provision-failure: a green node group fails, nothing shifted, green cleaned up, upgrade.failed', async () => {
    const r = await run('provision-failure');
    expect(r.outcome).toBe('failed');
    expect(shifts(r)).toEqual([]);
    expect(flow(r)).toEqual(['upgrade.started', 'upgrade.failed']);
    expect(r.failure?.error.name).toBe('GreenProvisioningFailedError');
    expect(r.failure?.reason).toContain('NodeCreationFailure');
    expect(r.finalState.clusters).toEqual({
      [BLUE]: { version: '1.30', status: 'ACTIVE' },
      [GREEN]: { version: '1.33', status: 'DELETED' },
    });
    expect(r.finalState.trafficWeights).toEqual({ [BLUE]: 100 });
  });

  test('provision timeout: green not ACTIVE in time fails cleanly, naming what is pending, nothing shifted', async () => {
    const r = await run('happy', { blueGreen: { provisionTimeoutSeconds: 600 } });
    expect(r.outcome).toBe('failed');
    expect(shifts(r)).toEqual([]);
    expect(flow(r)).toEqual(['upgrade.started', 'upgrade.failed']);
    expect(r.failure?.error.name).toBe('GreenProvisioningFailedError');
    expect(r.failure?.reason).toContain(`green ${GREEN} was not ACTIVE 600 s after its creation started`);
    expect(r.failure?.reason).toMatch(/still not ACTIVE: .*(node group|add-on|cluster)/);
    expect(r.finalState.clusters?.[GREEN]).toEqual({ version: '1.33', status: 'DELETED' });
    expect(r.finalState.trafficWeights).toEqual({ [BLUE]: 100 });
  });

  test('keepBlue: blue stays after the final bake, no cluster.decommissioned', async () => {
    const r = await run('happy', { blueGreen: { keepBlue: true, finalBakeSeconds: 0 } });
    expect(r.outcome).toBe('completed');
    expect(r.events.map((e) => e['detail-type'])).not.toContain('cluster.decommissioned');
    expect(r.finalState.clusters?.[BLUE]).toEqual({ version: '1.30', status: 'ACTIVE' });
    expect(r.finalState.trafficWeights).toEqual({ [BLUE]: 0, [GREEN]: 100 });
  });
});
