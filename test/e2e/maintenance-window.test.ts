import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventDetail } from '../../lib/domain/events';
import { isInsideWindow, opensHop, parseMaintenanceWindow } from '../../lib/domain/maintenance-window';
import { runSandboxUpgrade, type SandboxRunReport } from '../../lib/sandbox/local-run';
import { createLocalStack } from '../../lib/sandbox/local-stack';

/**
 * Maintenance windows end to end: the real ASL (WaitForWindow, a timestamp wait on the
 * sandbox's virtual clock), the real execution phase and the sandbox EKS. The demo
 * snapshot's world starts on Friday 2026-11-27 08:00Z (03:00 in New York).
 */
const SNAPSHOT = join(__dirname, '..', '..', 'demo', 'snapshots', 'payments-prod-1.30.json');
const stateDir = () => mkdtempSync(join(tmpdir(), 'eua-window-'));

/** EKS updates the sandbox accepted, with when they started (virtual time). */
function updatesOf(dir: string) {
  const stack = createLocalStack({ stateDir: dir, snapshotFile: SNAPSHOT });
  const cluster = Object.values(stack.world.inspect().clusters)[0];
  if (!cluster) throw new Error('no cluster in the sandbox');
  return cluster.updates.map((u) => ({ kind: u.target.kind, type: u.type, createdAt: u.createdAt }));
}

const waitingEvents = (r: SandboxRunReport) =>
  r.events
    .filter((e) => e['detail-type'] === 'upgrade.waiting')
    .map((e) => e.detail as unknown as EventDetail<'upgrade.waiting'>);

describe('maintenance window, end to end', () => {
  test('given a run that starts outside the window, then it waits (virtual time) for it, and every hop starts inside a window', async () => {
    const config = { days: 'MON-SUN', hours: '07:00-08:00', timeZone: 'America/New_York' };
    const window = parseMaintenanceWindow(config);
    const dir = stateDir();
    const r = await runSandboxUpgrade({
      stateDir: dir,
      snapshotFile: SNAPSHOT,
      targetVersion: '1.32',
      config: { maintenanceWindow: config },
    });

    expect(r.outcome).toBe('completed');
    expect(r.completedSteps).toBe(r.plannedSteps);
    expect(r.timeline.origin).toBe('2026-11-27T08:00:00.000Z');
    // 07:00 EST is 12:00Z: the first hop waits four hours, the second for the next morning.
    expect(waitingEvents(r).map((d) => [d.hop, d.waitUntil])).toEqual([
      ['1.31', '2026-11-27T12:00:00.000Z'],
      ['1.32', '2026-11-28T12:00:00.000Z'],
    ]);
    expect(waitingEvents(r)[0]?.window).toEqual({
      days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'],
      hours: '07:00-08:00',
      timeZone: 'America/New_York',
    });

    // EKS saw each control-plane update start inside a window (after the hop's pre-hop add-on moves).
    const updates = updatesOf(dir);
    const controlPlane = updates.filter((u) => u.kind === 'cluster' && u.type === 'VersionUpdate');
    expect(controlPlane.map((u) => u.createdAt.slice(0, 10))).toEqual(['2026-11-27', '2026-11-28']);
    for (const u of controlPlane) expect(isInsideWindow(new Date(u.createdAt), window)).toBe(true);
    // Nothing reached EKS before the first window opened.
    expect(updates.every((u) => u.createdAt >= '2026-11-27T12:00:00.000Z')).toBe(true);
    // The first step of each hop (as the run watched it) started inside a window too.
    const origin = Date.parse(r.timeline.origin);
    const firsts = r.steps.filter((_, i) => opensHop(r.steps, i));
    expect(firsts).toHaveLength(2);
    for (const step of firsts) {
      const startedAt = r.timeline.steps[step.id]?.startedAt;
      expect(startedAt).toBeDefined();
      expect(isInsideWindow(new Date(origin + (startedAt as number) * 60_000), window)).toBe(true);
    }
    // Something of hop 1.31 started after its window closed (a hop once begun runs on).
    const closed = Date.parse('2026-11-27T13:00:00.000Z');
    const lateStarts = r.steps.filter(
      (s) => s.hop === '1.31' && origin + (r.timeline.steps[s.id]?.startedAt ?? 0) * 60_000 >= closed,
    );
    expect(lateStarts.length).toBeGreaterThan(0);
    // Virtual time, not the machine's: the whole run is over a day of simulated time.
    expect(r.simulatedMinutes).toBeGreaterThan(24 * 60);
    expect(r.wallMilliseconds).toBeLessThan(60_000);
  });

  test('given a window that makes the hops outlast the 48 h execution, then it is refused before any update, saying to widen the window', async () => {
    const dir = stateDir();
    const r = await runSandboxUpgrade({
      stateDir: dir,
      snapshotFile: SNAPSHOT,
      targetVersion: '1.32',
      config: { maintenanceWindow: { days: 'MON', hours: '02:00-03:00', timeZone: 'Europe/Berlin' } },
    });
    expect(r.outcome).toBe('blocked');
    expect(r.failure?.error.name).toBe('PlanBlockedError');
    expect(r.failure?.reason).toContain(
      'each hop starting in the maintenance window MON 02:00-03:00 Europe/Berlin',
    );
    expect(r.failure?.reason).toContain('widen the maintenance window');
    expect(updatesOf(dir)).toEqual([]);
    expect(waitingEvents(r)).toEqual([]);
  });
});
