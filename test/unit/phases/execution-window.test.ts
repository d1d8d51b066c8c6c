import { executePhase } from '../../../lib/phases/execution';
import {
  addonStep,
  cpStep,
  executionCall,
  FRESH,
  gateStep,
  givenUpgrade,
  nodegroupStep,
  storedRecord,
} from '../../support/phase-fixtures';
import { phaseWorld } from '../../support/phase-world';

/**
 * Maintenance windows in the execution phase: a hop's first step starts only inside
 * the window; outside it the phase answers `window` with the next opening, and what a
 * hop already started carries on. NOW (phase-world) is Saturday 2026-11-28 10:00Z.
 */
const WEEKDAY_NIGHTS = { days: 'MON-FRI', hours: '02:00-06:00', timeZone: 'Europe/Berlin' };
/** Monday 2026-11-30 02:00 CET. */
const MONDAY_OPENS = '2026-11-30T01:00:00.000Z';

const hop = (from: string, to: '1.30' | '1.31') => [
  cpStep(from, to),
  gateStep('control-plane', to),
  nodegroupStep('general', from, to),
  gateStep('nodegroups', to),
];

describe('executePhase: maintenance window', () => {
  test('given a fresh upgrade outside the window, then nothing starts, the phase answers window with the next opening and publishes upgrade.waiting', async () => {
    const w = phaseWorld({ config: { maintenanceWindow: WEEKDAY_NIGHTS } });
    await givenUpgrade(w, hop('1.29', '1.30'));
    const result = await executePhase(executionCall(), w.deps);
    expect(result).toEqual({
      status: 'window',
      waitSeconds: 0,
      soakSeconds: 0,
      gate: null,
      waitUntil: MONDAY_OPENS,
      started: [],
      finished: [],
      progress: FRESH,
    });
    expect(w.deps.updates.startStep).not.toHaveBeenCalled();
    // Insights are read when the hop really starts, not hours before.
    expect(w.deps.insights.readInsights).not.toHaveBeenCalled();
    expect(w.details('upgrade.waiting')).toEqual([
      expect.objectContaining({
        reason: 'maintenance-window',
        waitUntil: MONDAY_OPENS,
        window: {
          days: ['MON', 'TUE', 'WED', 'THU', 'FRI'],
          hours: '02:00-06:00',
          timeZone: 'Europe/Berlin',
        },
        stepId: 'control-plane:1.30',
        hop: '1.30',
        occurredAt: '2026-11-28T10:00:00.000Z',
      }),
    ]);
    expect(w.details('phase.completed')).toEqual([
      expect.objectContaining({ summary: `waiting for the maintenance window until ${MONDAY_OPENS}` }),
    ]);
  });

  test('given the window has opened, then the hop starts', async () => {
    const w = phaseWorld({ config: { maintenanceWindow: WEEKDAY_NIGHTS }, now: MONDAY_OPENS });
    await givenUpgrade(w, hop('1.29', '1.30'));
    const result = await executePhase(executionCall(), w.deps);
    expect(result.status).toBe('waiting');
    expect(result.waitUntil).toBeNull();
    expect(result.started).toEqual(['control-plane:1.30']);
    expect(w.types()).not.toContain('upgrade.waiting');
  });

  test('given no window configured, or one turned off, then any time is fine', async () => {
    for (const config of [undefined, { maintenanceWindow: { ...WEEKDAY_NIGHTS, enabled: 'false' } }]) {
      const w = phaseWorld({ config });
      await givenUpgrade(w, hop('1.29', '1.30'));
      const result = await executePhase(executionCall(), w.deps);
      expect(result.started).toEqual(['control-plane:1.30']);
    }
  });

  test('given a hop already started, then its node groups and add-ons start outside the window', async () => {
    const w = phaseWorld({ config: { maintenanceWindow: WEEKDAY_NIGHTS } });
    const steps = [
      cpStep('1.29', '1.30'),
      addonStep('vpc-cni', '1.30'),
      nodegroupStep('general', '1.29', '1.30'),
    ];
    await givenUpgrade(w, steps, {
      completed: [{ stepId: 'control-plane:1.30', finishedAt: '2026-11-28T09:00:00.000Z' }],
    });
    const result = await executePhase(executionCall({ ...FRESH, next: 1, done: 1, polls: 3 }), w.deps);
    expect(result.status).toBe('waiting');
    expect(result.started).toEqual(['addon:vpc-cni:1.30']);
    expect(w.types()).not.toContain('upgrade.waiting');
  });

  test('given an update in flight when the window closes, then it is still polled and recorded', async () => {
    const w = phaseWorld({ config: { maintenanceWindow: WEEKDAY_NIGHTS } });
    const steps = hop('1.29', '1.30');
    await givenUpgrade(w, steps);
    const progress = {
      ...FRESH,
      next: 1,
      inFlight: [
        { stepId: 'control-plane:1.30', updateId: 'u-1', startedAt: '2026-11-28T09:30:00.000Z', polls: 1 },
      ],
    };
    const result = await executePhase(executionCall(progress), w.deps);
    expect(w.deps.updates.describeUpdate).toHaveBeenCalledTimes(1);
    expect(result.finished).toEqual(['control-plane:1.30']);
    // The next step is the hop's gate: the state machine runs it, window or not.
    expect(result.status).toBe('gate');
  });

  test('given the next hop after a passed gate, outside the window, then it waits', async () => {
    const w = phaseWorld({ config: { maintenanceWindow: WEEKDAY_NIGHTS } });
    const steps = [...hop('1.29', '1.30'), ...hop('1.30', '1.31')];
    await givenUpgrade(w, steps, {
      completed: steps.slice(0, 4).map((s) => ({ stepId: s.id, finishedAt: '2026-11-28T09:00:00.000Z' })),
    });
    const result = await executePhase(executionCall({ ...FRESH, next: 3, done: 2, polls: 4 }), w.deps);
    expect(result).toMatchObject({
      status: 'window',
      waitUntil: MONDAY_OPENS,
      finished: ['gate:1.30:nodegroups'],
    });
    expect(result.progress.next).toBe(4);
    expect(w.details('upgrade.waiting')).toEqual([
      expect.objectContaining({ stepId: 'control-plane:1.31', hop: '1.31' }),
    ]);
    expect(w.deps.updates.startStep).not.toHaveBeenCalled();
  });

  test('given a hop that opens while an update of the last one is in flight, outside the window, then it keeps polling and announces no wait yet', async () => {
    // No gate between the hops (a plan of node groups only): the next hop's first step could
    // start beside the update in flight, but the window is shut. The update is still polled.
    const w = phaseWorld({ config: { maintenanceWindow: WEEKDAY_NIGHTS } });
    const [a, b] = [nodegroupStep('a', '1.29', '1.30'), nodegroupStep('b', '1.30', '1.31')];
    await givenUpgrade(w, [a, b]);
    jest
      .mocked(w.deps.updates.describeUpdate)
      .mockResolvedValue({ updateId: 'u-1', state: 'InProgress', errors: [] });
    const progress = {
      ...FRESH,
      next: 1,
      polls: 2,
      inFlight: [{ stepId: a.id, updateId: 'u-1', startedAt: '2026-11-28T09:50:00.000Z', polls: 2 }],
    };
    const result = await executePhase(executionCall(progress), w.deps);
    expect(result).toMatchObject({ status: 'waiting', waitUntil: null, started: [], finished: [] });
    expect(result.progress.inFlight.map((f) => f.stepId)).toEqual([a.id]);
    expect(w.deps.updates.startStep).not.toHaveBeenCalled();
    expect(w.types()).not.toContain('upgrade.waiting');
    expect(storedRecord(w).phaseStartedAt).not.toBe(MONDAY_OPENS);
  });

  test('given the window shut for the next hop, then the record says the phase starts again when it opens, and the rest of it is kept', async () => {
    const w = phaseWorld({ config: { maintenanceWindow: WEEKDAY_NIGHTS } });
    const steps = [...hop('1.29', '1.30'), ...hop('1.30', '1.31')];
    const completed = steps
      .slice(0, 4)
      .map((s) => ({ stepId: s.id, finishedAt: '2026-11-28T09:00:00.000Z' }));
    await givenUpgrade(w, steps, { completed, phaseStartedAt: '2026-11-28T08:00:00.000Z' });
    const before = storedRecord(w);
    await executePhase(executionCall({ ...FRESH, next: 4, done: 4, polls: 4 }), w.deps);
    expect(storedRecord(w)).toEqual({ ...before, phaseStartedAt: MONDAY_OPENS });
  });

  test('given a plan whose hops cannot all start in the window within the execution timeout, then it is refused before any step', async () => {
    // Half an hour a week: a second hop would start a week later, past the 48 h execution.
    const w = phaseWorld({
      config: { maintenanceWindow: { days: 'SAT', hours: '10:00-10:30', timeZone: 'UTC' } },
    });
    await givenUpgrade(w, [...hop('1.29', '1.30'), ...hop('1.30', '1.31')]);
    const error = await executePhase(executionCall(), w.deps).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'PlanBlockedError',
      codes: ['EXECUTION_TIMEOUT'],
      message: expect.stringContaining(
        'each hop starting in the maintenance window SAT 10:00-10:30 UTC (from 2026-11-28T10:00:00.000Z)',
      ),
    });
    expect((error as Error).message).toContain('widen the maintenance window');
    expect(w.deps.updates.startStep).not.toHaveBeenCalled();
  });
});
