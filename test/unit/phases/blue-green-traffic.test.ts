import { artifactKeys } from '../../../lib/phases/records';
import {
  BG_KEY,
  BLUE,
  type BlueGreenWorld,
  bgRecord,
  blueGreenWorld,
  GREEN,
  RECORD_NAME,
  ZONE,
} from '../../support/blue-green-world';
import { UPGRADE } from '../../support/phase-fixtures';
import { NOW } from '../../support/phase-world';
import { nodegroup, snapshot } from '../../support/snapshot-builder';

/**
 * The blue/green phase's shift and gate actions: the Route 53 weights it sets (once
 * per step, whatever the retries), what it records, and how it judges green at each
 * step (the validation phase's checks), at the boundaries of those checks.
 */

const ready = { provisionedAt: '2026-11-28T09:30:00.000Z', readyAt: '2026-11-28T09:40:00.000Z' };
const METRICS = { type: 'alb', loadBalancer: 'app/web/1', targetGroup: 'targetgroup/web/2' };

const weights = (percentToGreen: number) => [
  { setIdentifier: BLUE, value: `${BLUE}.ingress.example.com`, weight: 100 - percentToGreen },
  { setIdentifier: GREEN, value: `${GREEN}.ingress.example.com`, weight: percentToGreen },
];

const nothingTornDown = (w: BlueGreenWorld) => {
  expect(w.provisioner.deleteCluster).not.toHaveBeenCalled();
  expect(w.deps.nodegroups.deleteNodegroup).not.toHaveBeenCalled();
  expect(w.provisioner.deleteAddon).not.toHaveBeenCalled();
  expect(w.provisioner.deleteFargateProfile).not.toHaveBeenCalled();
};

describe('shift', () => {
  test('given the first step, then one UPSERT of both weights, the shift recorded, traffic.shifted, then the soak', async () => {
    const w = blueGreenWorld({ blueGreen: { recordTtlSeconds: 30, soakSeconds: 420 }, bg: bgRecord(ready) });
    const result = await w.run('shift');
    expect(result).toEqual({
      status: 'baking',
      waitSeconds: 0,
      soakSeconds: 420,
      finalBakeSeconds: 3600,
      green: GREEN,
      percentage: 10,
      waitUntil: null,
    });
    expect(w.traffic.setWeights.mock.calls).toEqual([
      [{ hostedZoneId: ZONE, recordName: RECORD_NAME }, weights(10), { ttlSeconds: 30 }],
    ]);
    expect(w.writes(BG_KEY)).toEqual([bgRecord({ ...ready, shifted: [10] })]);
    expect(w.types()).toEqual(['traffic.shifted', 'phase.completed']);
    expect(w.details('traffic.shifted')).toEqual([
      expect.objectContaining({ fromCluster: BLUE, toCluster: GREEN, percentage: 10, occurredAt: NOW }),
    ]);
    expect(w.details('phase.completed')[0]?.summary).toBe(`blue/green shift: baking (10 % on ${GREEN})`);
    // The record is saved before the event: a lost response never shifts twice.
    const saved = jest.mocked(w.deps.artifacts.putJson).mock.invocationCallOrder[0] ?? 0;
    const published = jest.mocked(w.deps.events.publish).mock.invocationCallOrder[0] ?? 0;
    const set = w.traffic.setWeights.mock.invocationCallOrder[0] ?? 0;
    expect(set).toBeLessThan(saved);
    expect(saved).toBeLessThan(published);
  });

  test('given a gate passed, then the next weight', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10], passed: 1 }) });
    const result = await w.run('shift');
    expect(result).toMatchObject({ status: 'baking', percentage: 50, soakSeconds: 600 });
    expect(w.traffic.setWeights.mock.calls.map((c) => c[1])).toEqual([weights(50)]);
    expect(w.traffic.setWeights.mock.calls[0]?.[2]).toEqual({ ttlSeconds: 60 });
    expect(w.writes(BG_KEY)).toEqual([bgRecord({ ...ready, shifted: [10, 50], passed: 1 })]);
    expect(w.details('traffic.shifted').map((d) => d.percentage)).toEqual([50]);
  });

  test('given a retry of a step already shifted, then no second change and no second event, the same answer', async () => {
    const w = blueGreenWorld({
      blueGreen: { soakSeconds: 420 },
      bg: bgRecord({ ...ready, shifted: [10, 50], passed: 1 }),
    });
    const result = await w.run('shift');
    expect(result).toMatchObject({ status: 'baking', percentage: 50, soakSeconds: 420 });
    expect(w.traffic.setWeights).not.toHaveBeenCalled();
    expect(w.writes(BG_KEY)).toEqual([]);
    expect(w.types()).toEqual(['phase.completed']);
  });

  test('given every gate passed, then InvalidRequestError and nothing shifted', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10, 50, 100], passed: 3 }) });
    await expect(w.run('shift')).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: 'no traffic step after 3 passed gates',
    });
    expect(w.traffic.setWeights).not.toHaveBeenCalled();
    expect(w.types()).toEqual(['phase.failed']);
  });

  test('given no traffic config, then InvalidConfigError and the record keeps no shift', async () => {
    const w = blueGreenWorld({ blueGreen: { recordName: undefined }, bg: bgRecord(ready) });
    await expect(w.run('shift')).rejects.toMatchObject({ name: 'InvalidConfigError' });
    expect(w.traffic.setWeights).not.toHaveBeenCalled();
    expect(w.writes(BG_KEY)).toEqual([]);
  });

  test('given Route 53 refuses, then the shift is not recorded nor announced', async () => {
    const w = blueGreenWorld({ bg: bgRecord(ready) });
    w.traffic.setWeights.mockRejectedValueOnce(new Error('Throttling'));
    await expect(w.run('shift')).rejects.toThrow('Throttling');
    expect(w.writes(BG_KEY)).toEqual([]);
    expect(w.types()).toEqual(['phase.failed']);
  });
});

describe('gate: what it reads', () => {
  test.each([
    [600, 600],
    [61, 61],
    [60, 60],
    [59, 60],
    [0, 60],
  ])("given a soak of %i s, then green's metrics of the last %i s are read", async (soak, window) => {
    const w = blueGreenWorld({
      config: { validation: { metrics: METRICS } },
      blueGreen: { soakSeconds: soak },
      bg: bgRecord({ ...ready, shifted: [10] }),
    });
    await w.run('gate');
    expect(w.deps.metricsFor).toHaveBeenCalledWith(METRICS);
    expect(w.metricsReader.readValidationMetrics).toHaveBeenCalledWith({
      clusterName: GREEN,
      start: new Date(Date.parse(NOW) - window * 1000),
      end: new Date(NOW),
    });
    expect(w.deps.snapshots.readSnapshot).toHaveBeenCalledWith(GREEN);
  });

  test('given no metrics source, then no metrics are read and the gate judges green alone', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10] }) });
    jest.mocked(w.deps.metricsFor).mockReturnValue(undefined);
    const result = await w.run('gate');
    expect(result.status).toBe('passed');
    expect(w.metricsReader.readValidationMetrics).not.toHaveBeenCalled();
  });
});

describe('gate: passed', () => {
  test('given green healthy at 10 %, then the gate is recorded passed, the step done, and the next step is a shift', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10] }) });
    const result = await w.run('gate');
    expect(result).toEqual({
      status: 'passed',
      waitSeconds: 0,
      soakSeconds: 0,
      finalBakeSeconds: 3600,
      green: GREEN,
      percentage: 10,
      waitUntil: null,
    });
    expect(w.writes(BG_KEY)).toEqual([bgRecord({ ...ready, shifted: [10], passed: 1 })]);
    expect(w.upgrade()?.completed).toEqual([{ stepId: `shift-traffic:${GREEN}:10`, finishedAt: NOW }]);
    expect(w.types()).toEqual(['phase.completed']);
    expect(w.details('phase.completed')[0]?.summary).toBe(`blue/green gate: passed (10 % on ${GREEN})`);
    expect(w.traffic.setWeights).not.toHaveBeenCalled();
    nothingTornDown(w);
  });

  test('given the last step passes, then done', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10, 50, 100], passed: 2 }) });
    const result = await w.run('gate');
    expect(result).toMatchObject({ status: 'done', percentage: 100 });
    expect(w.bg()?.passed).toBe(3);
    expect(w.upgrade()?.completed.map((c) => c.stepId)).toEqual([`shift-traffic:${GREEN}:100`]);
    // Blue stays until decommission.
    nothingTornDown(w);
    expect(w.types()).not.toContain('upgrade.completed');
  });

  test('given the second of three steps passes, then passed, not done', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10, 50], passed: 1 }) });
    expect(await w.run('gate')).toMatchObject({ status: 'passed', percentage: 50 });
    expect(w.bg()?.passed).toBe(2);
  });

  test('given a retried gate that passed already, then the count does not go back and the step is not recorded twice', async () => {
    const done = { stepId: `shift-traffic:${GREEN}:50`, finishedAt: '2026-11-28T09:55:00.000Z' };
    const w = blueGreenWorld({
      bg: bgRecord({ ...ready, shifted: [10, 50], passed: 2 }),
      upgrade: { completed: [done] },
    });
    expect(await w.run('gate')).toMatchObject({ status: 'passed', percentage: 50 });
    expect(w.bg()?.passed).toBe(2);
    expect(w.upgrade()?.completed).toEqual([done]);
  });

  test('given nothing shifted yet, then the gate judges 0 % and passes nothing', async () => {
    const w = blueGreenWorld({ bg: bgRecord(ready) });
    expect(await w.run('gate')).toMatchObject({ status: 'passed', percentage: 0 });
    expect(w.bg()?.passed).toBe(0);
  });
});

describe('gate: breached', () => {
  test('given green not at the target, then the breach is recorded with the failed checks, and nothing is shifted or deleted', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10, 50], passed: 1 }) });
    w.setCluster(
      snapshot({
        version: '1.30',
        cluster: { name: GREEN, version: '1.29', status: 'ACTIVE', resourcesVpcConfig: { subnetIds: ['s'] } },
        nodegroups: [nodegroup('general', '1.30', { status: 'DEGRADED' })],
      }),
    );
    const result = await w.run('gate');
    expect(result).toEqual({
      status: 'breached',
      waitSeconds: 0,
      soakSeconds: 0,
      finalBakeSeconds: 3600,
      green: GREEN,
      percentage: 50,
      waitUntil: null,
    });
    expect(w.writes(BG_KEY)).toEqual([
      bgRecord({
        ...ready,
        shifted: [10, 50],
        passed: 1,
        breach: {
          percentage: 50,
          failedChecks: [
            `control-plane: cluster ${GREEN} is ACTIVE at 1.29 (target 1.30)`,
            'nodegroups: not ready: general (DEGRADED 1.30)',
          ],
          at: NOW,
        },
      }),
    ]);
    expect(w.upgrade()?.completed).toEqual([]);
    expect(w.types()).toEqual(['phase.completed']);
    expect(w.details('phase.completed')[0]?.summary).toBe(`blue/green gate: breached (50 % on ${GREEN})`);
    expect(w.traffic.setWeights).not.toHaveBeenCalled();
    nothingTornDown(w);
    expect(w.deps.locks.release).not.toHaveBeenCalled();
  });

  test("given green's node groups one minor behind, then breached: green's node groups may not lag", async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10] }) });
    w.setCluster(
      snapshot({
        version: '1.30',
        cluster: { name: GREEN, version: '1.30', status: 'ACTIVE', resourcesVpcConfig: { subnetIds: ['s'] } },
        nodegroups: [nodegroup('general', '1.29')],
      }),
    );
    expect((await w.run('gate')).status).toBe('breached');
    expect(w.bg()?.breach?.failedChecks).toEqual(['nodegroups: not ready: general (ACTIVE 1.29)']);
  });

  test.each([
    [0.01, 'passed'],
    [0.0101, 'breached'],
  ])('given an error rate of %f against a 1 % limit, then %s', async (rate, status) => {
    const w = blueGreenWorld({
      config: { validation: { metrics: METRICS } },
      bg: bgRecord({ ...ready, shifted: [10] }),
    });
    jest.mocked(w.metricsReader.readValidationMetrics).mockResolvedValue({
      errorRate: { value: rate, sampleCount: 50 },
      latencyP99: { value: 100, sampleCount: 50 },
    });
    expect((await w.run('gate')).status).toBe(status);
    if (status === 'breached')
      expect(w.bg()?.breach?.failedChecks).toEqual([expect.stringMatching(/^error_rate: /)]);
    else expect(w.bg()?.breach).toBeUndefined();
  });

  test('given the gate reads green (not blue)', async () => {
    const w = blueGreenWorld({ bg: bgRecord({ ...ready, shifted: [10] }) });
    await w.run('gate');
    expect(jest.mocked(w.deps.snapshots.readSnapshot).mock.calls).toEqual([[GREEN]]);
    expect(w.store.has(artifactKeys.validation(UPGRADE))).toBe(false);
  });
});
