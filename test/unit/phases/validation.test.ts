import { artifactKeys, type ValidationRecord } from '../../../lib/phases/records';
import { validatePhase } from '../../../lib/phases/validation';
import {
  CLUSTER,
  CORRELATION,
  cpStep,
  givenUpgrade,
  REQUEST,
  storedRecord,
  UPGRADE,
} from '../../support/phase-fixtures';
import { NOW, type PhaseWorld, phaseWorld } from '../../support/phase-world';
import { nodegroup, snapshot } from '../../support/snapshot-builder';

/**
 * Validation over in-memory ports: the metric window it reads, the version it
 * holds the cluster to (the hop for a gate), what it records, and what it
 * publishes and releases for a gate, a final pass and a failure.
 */

const METRICS = { type: 'alb', loadBalancer: 'app/web/1', targetGroup: 'targetgroup/web/2' };

function call(soakSeconds: number, gate: Record<string, string> | null = null) {
  return {
    upgradeId: UPGRADE,
    correlationId: CORRELATION,
    request: REQUEST,
    planKey: artifactKeys.plan(UPGRADE),
    soakSeconds,
    ...(gate ? { gate } : {}),
  };
}

const canaryGate = { stepId: 'gate:1.30:canary', stage: 'canary', hop: '1.30' };
const secondsBefore = (s: number) => new Date(Date.parse(NOW) - s * 1000);
const verdictOf = (w: PhaseWorld) => w.store.get(artifactKeys.validation(UPGRADE)) as ValidationRecord;

async function world(options: Parameters<typeof phaseWorld>[0] = {}) {
  const w = phaseWorld({
    snapshot: snapshot({ version: '1.30' }),
    config: { validation: { metrics: METRICS } },
    ...options,
  });
  await givenUpgrade(w, [cpStep()], { phase: 'execution', startedAt: '2026-11-28T09:00:00.400Z' });
  return w;
}

describe('validatePhase: the metrics it reads', () => {
  test.each([
    [300, 300],
    [61, 61],
    [59, 60],
    [0, 60],
  ])('given a soak of %i s, then the metrics of the last %i s are read', async (soak, window) => {
    const w = await world();
    await validatePhase(call(soak), w.deps);
    expect(w.deps.metricsFor).toHaveBeenCalledWith(METRICS);
    expect(w.metricsReader.readValidationMetrics).toHaveBeenCalledWith({
      clusterName: CLUSTER,
      start: secondsBefore(window),
      end: new Date(NOW),
    });
  });

  test('given no metrics source (type none), then nothing is read and the cluster alone is judged', async () => {
    const w = await world({ config: {} });
    jest.mocked(w.deps.metricsFor).mockReturnValue(undefined);
    const result = await validatePhase(call(300), w.deps);
    expect(w.deps.metricsFor).toHaveBeenCalledWith({ type: 'none' });
    expect(result).toEqual({ passed: true, failedChecks: [], final: true });
    expect(w.details('validation.success')[0]?.checks.map((c) => c.name)).toContain('metrics');
  });

  test('given an error rate over the limit, then validation.failure with the readings and the failed check', async () => {
    const w = await world({
      metrics: { errorRate: { value: 0.2, sampleCount: 50 }, latencyP99: { value: 80, sampleCount: 50 } },
    });
    const result = await validatePhase(call(300), w.deps);
    expect(result).toEqual({ passed: false, failedChecks: ['error_rate'], final: true });
    expect(w.details('validation.failure')).toEqual([
      expect.objectContaining({
        success: false,
        targetVersion: '1.30',
        metrics: { error_rate: 0.2, latency_p99: 80 },
        checks: expect.arrayContaining([expect.objectContaining({ name: 'error_rate', passed: false })]),
      }),
    ]);
    expect(w.details('validation.failure')[0]).not.toHaveProperty('gate');
    expect(w.types()).not.toContain('upgrade.completed');
    expect(w.deps.locks.release).not.toHaveBeenCalled();
    expect(w.details('phase.completed')[0]?.summary).toBe('failed: error_rate');
  });
});

describe('validatePhase: the final validation', () => {
  test('given a healthy cluster at the target, then the upgrade is complete, its duration told, and the lock released', async () => {
    const w = await world();
    const result = await validatePhase(call(300), w.deps);
    expect(result).toEqual({ passed: true, failedChecks: [], final: true });
    expect(storedRecord(w).phase).toBe('validation');
    expect(storedRecord(w).completed).toEqual([]);
    expect(w.types()).toEqual([
      'phase.started',
      'validation.success',
      'upgrade.completed',
      'phase.completed',
    ]);
    expect(w.details('validation.success')[0]).not.toHaveProperty('gate');
    expect(w.details('validation.success')[0]).toMatchObject({
      success: true,
      metrics: { error_rate: 0, latency_p99: 100 },
    });
    // 09:00:00.4 to 10:00:00.0: 3599.6 s, rounded.
    expect(w.details('upgrade.completed')).toEqual([
      expect.objectContaining({ targetVersion: '1.30', durationSeconds: 3600 }),
    ]);
    expect(w.deps.locks.release).toHaveBeenCalledWith(CLUSTER, UPGRADE);
    expect(w.details('phase.completed')[0]?.summary).toBe('all checks passed');
    // Saved before upgrade.completed: a later retry or failure handler sees a finished upgrade.
    expect(storedRecord(w)).toMatchObject({ upgradeId: UPGRADE, completedAt: NOW, halted: false });
  });

  test('given the upgrade completed already (a retry after a lost response), then the same completion again: no new verdict, nothing read', async () => {
    const w = await world();
    await givenUpgrade(w, [cpStep()], {
      startedAt: '2026-11-28T09:00:00.000Z',
      completedAt: '2026-11-28T09:30:00.000Z',
    });
    const metricsFor = jest.spyOn(w.deps, 'metricsFor');
    w.setNow('2026-11-28T12:00:00.000Z');
    const result = await validatePhase(call(300), w.deps);
    expect(result).toEqual({ passed: true, failedChecks: [], final: true });
    expect(w.types()).toEqual(['phase.started', 'upgrade.completed', 'phase.completed']);
    // The duration to the recorded completion, not to now.
    expect(w.details('upgrade.completed')).toEqual([
      expect.objectContaining({ targetVersion: '1.30', durationSeconds: 1800 }),
    ]);
    expect(w.store.has(artifactKeys.validation(UPGRADE))).toBe(false);
    expect(metricsFor).not.toHaveBeenCalled();
    expect(w.deps.snapshots.readSnapshot).not.toHaveBeenCalled();
    expect(w.deps.locks.release).toHaveBeenCalledWith(CLUSTER, UPGRADE);
  });

  test('given a gate of an upgrade recorded as complete, then the gate is still judged (only the final validation is answered from the record)', async () => {
    const w = await world();
    await givenUpgrade(w, [cpStep()], { completedAt: '2026-11-28T09:30:00.000Z' });
    const result = await validatePhase(call(300, canaryGate), w.deps);
    expect(result).toEqual({ passed: true, failedChecks: [], final: false });
    expect(w.types()).toEqual(['phase.started', 'validation.success', 'phase.completed']);
    expect(verdictOf(w)).toMatchObject({ passed: true, judgedAt: NOW });
  });

  test('given a record that started after the clock (skew), then the duration is never negative', async () => {
    const w = await world();
    await givenUpgrade(w, [cpStep()], { startedAt: '2026-11-28T10:00:05.000Z' });
    await validatePhase(call(300), w.deps);
    expect(w.details('upgrade.completed')[0]?.durationSeconds).toBe(0);
  });

  test('given the cluster is not at the target, then it fails and the verdict is recorded before the event', async () => {
    const w = await world({ snapshot: snapshot({ version: '1.29' }) });
    jest.mocked(w.deps.events.publish).mockImplementation(async (events) => {
      if (events[0]?.detailType === 'validation.failure') expect(verdictOf(w)).toBeDefined();
      w.published.push(...events);
    });
    await validatePhase(call(300), w.deps);
    expect(verdictOf(w)).toEqual({
      upgradeId: UPGRADE,
      clusterName: CLUSTER,
      targetVersion: '1.30',
      passed: false,
      failedChecks: ['control-plane'],
      judgedAt: NOW,
    });
    expect(w.types()).toContain('validation.failure');
  });
});

describe('validatePhase: a gate', () => {
  test('given a passing canary gate, then the gate is recorded as completed, success names the gate, and nothing is released', async () => {
    const w = await world();
    const result = await validatePhase(call(120, canaryGate), w.deps);
    expect(result).toEqual({ passed: true, failedChecks: [], final: false });
    expect(storedRecord(w).completed).toEqual([{ stepId: 'gate:1.30:canary', finishedAt: NOW }]);
    expect(w.details('validation.success')).toEqual([
      expect.objectContaining({ gate: { stage: 'canary', hop: '1.30' } }),
    ]);
    expect(w.types()).not.toContain('upgrade.completed');
    expect(w.deps.locks.release).not.toHaveBeenCalled();
    expect(verdictOf(w)).toMatchObject({ passed: true, targetVersion: '1.30' });
    expect(w.details('phase.completed')[0]?.summary).toBe('gate gate:1.30:canary: all checks passed');
  });

  test('given earlier steps recorded, then a passing gate is added after them', async () => {
    const w = await world();
    const earlier = { stepId: 'control-plane:1.30', finishedAt: 'earlier' };
    await givenUpgrade(w, [cpStep()], { completed: [earlier] });
    await validatePhase(call(120, canaryGate), w.deps);
    expect(storedRecord(w).completed).toEqual([earlier, { stepId: 'gate:1.30:canary', finishedAt: NOW }]);
  });

  test('given a malformed gate, then InvalidRequestError names the validation input', async () => {
    const w = await world();
    await expect(validatePhase(call(120, { ...canaryGate, stage: 'final' }), w.deps)).rejects.toThrow(
      /^validation input is invalid: gate\.stage/,
    );
  });

  test('given several failed checks, then the summary lists them separated by commas', async () => {
    const w = await world({
      snapshot: snapshot({ version: '1.29' }),
      metrics: { errorRate: { value: 0.5, sampleCount: 9 }, latencyP99: { value: 10, sampleCount: 9 } },
    });
    await validatePhase(call(300), w.deps);
    expect(w.details('phase.completed')[0]?.summary).toBe('failed: control-plane, error_rate');
  });

  test('given a gate passed already (a retry), then it is not recorded twice', async () => {
    const w = await world();
    await givenUpgrade(w, [cpStep()], { completed: [{ stepId: 'gate:1.30:canary', finishedAt: 'earlier' }] });
    await validatePhase(call(120, canaryGate), w.deps);
    expect(storedRecord(w).completed).toEqual([{ stepId: 'gate:1.30:canary', finishedAt: 'earlier' }]);
  });

  test('given a gate of an intermediate hop, then the cluster is held to the hop, not the final target', async () => {
    const w = await world({ snapshot: snapshot({ version: '1.30' }) });
    const result = await validatePhase(
      {
        ...call(120, { stepId: 'gate:1.30:control-plane', stage: 'control-plane', hop: '1.30' }),
        request: { ...REQUEST, targetVersion: '1.31' },
      },
      w.deps,
    );
    expect(result.passed).toBe(true);
    expect(verdictOf(w).targetVersion).toBe('1.31');
  });

  test.each([
    ['control-plane', true],
    ['canary', true],
    ['nodegroups', false],
  ])('given a %s gate with a node group still at 1.29, then it passes: %s', async (stage, passed) => {
    const w = await world({
      snapshot: snapshot({ version: '1.30', nodegroups: [nodegroup('batch', '1.29')] }),
    });
    const result = await validatePhase(
      call(120, { stepId: `gate:1.30:${stage}`, stage, hop: '1.30' }),
      w.deps,
    );
    expect(result.passed).toBe(passed);
  });

  test('given a failing gate, then validation.failure names the gate and no completion is recorded', async () => {
    const w = await world({ snapshot: snapshot({ version: '1.29' }) });
    const result = await validatePhase(call(300, canaryGate), w.deps);
    expect(result).toEqual({ passed: false, failedChecks: ['control-plane'], final: false });
    expect(w.details('validation.failure')[0]).toMatchObject({ gate: { stage: 'canary', hop: '1.30' } });
    expect(storedRecord(w).completed).toEqual([]);
  });
});
