import {
  CLUSTER,
  controlPlaneStep,
  EPOCH,
  newWorld,
  opts,
  runToEnd,
  started,
} from '../fixtures/sandbox/world';

const window = { clusterName: CLUSTER, start: EPOCH, end: new Date(EPOCH.getTime() + 15 * 60_000) };

describe('sandbox validation metrics', () => {
  it('given the happy scenario, when read, then healthy values with samples', async () => {
    const world = newWorld({ scenario: 'happy' });
    await expect(world.metricsReader.readValidationMetrics(window)).resolves.toEqual({
      errorRate: { value: 0.002, sampleCount: 60 },
      latencyP99: { value: 180, sampleCount: 60 },
    });
  });

  it('given validation-failure, when the control plane has not moved, then healthy; once it reaches 1.30, a breach', async () => {
    const world = newWorld({ scenario: 'validation-failure' });
    await expect(world.metricsReader.readValidationMetrics(window)).resolves.toMatchObject({
      errorRate: { value: 0.002 },
    });
    const ref = started(
      await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp')),
    );
    world.advance(24);
    await expect(world.metricsReader.readValidationMetrics(window)).resolves.toMatchObject({
      errorRate: { value: 0.002 },
    });
    await runToEnd(world, ref);
    await expect(world.metricsReader.readValidationMetrics(window)).resolves.toEqual({
      errorRate: { value: 0.09, sampleCount: 60 },
      latencyP99: { value: 1200, sampleCount: 60 },
    });
  });

  it('given validation-failure after a breach, when the control plane is rolled back, then healthy again', async () => {
    const world = newWorld({ scenario: 'validation-failure' });
    await runToEnd(
      world,
      started(await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp'))),
    );
    await runToEnd(
      world,
      started(
        await world.updateRunner.startControlPlaneRollback(CLUSTER, '1.29', { clientRequestToken: 'rb' }),
      ),
    );
    await expect(world.metricsReader.readValidationMetrics(window)).resolves.toMatchObject({
      latencyP99: { value: 180 },
    });
  });

  it('given no-data, when read, then no samples and no values (unknown, never healthy)', async () => {
    const world = newWorld({ scenario: 'no-data' });
    await expect(world.metricsReader.readValidationMetrics(window)).resolves.toEqual({
      errorRate: { value: null, sampleCount: 0 },
      latencyP99: { value: null, sampleCount: 0 },
    });
  });

  it('given an unknown cluster, when read, then no data, as CloudWatch answers an unknown dimension', async () => {
    const world = newWorld();
    await expect(
      world.metricsReader.readValidationMetrics({ ...window, clusterName: 'nope' }),
    ).resolves.toMatchObject({ errorRate: { value: null, sampleCount: 0 } });
  });
});
