import { defaultConfig, InvalidConfigError, parseAgentConfig } from '../../../lib/domain/config';

/** The agent's configuration: the defaults that ship, the string forms SSM holds, and what is refused. */
function refusal(input: unknown): InvalidConfigError {
  try {
    parseAgentConfig(input);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error('expected InvalidConfigError');
}

describe('parseAgentConfig', () => {
  it('given nothing, then every default is filled in', () => {
    const expected = {
      validation: {
        maxErrorRate: 0.01,
        maxLatencyP99Ms: 500,
        minSampleCount: 1,
        soakSeconds: 300,
        metrics: { type: 'none' },
        gates: { controlPlaneSoakSeconds: 300, canarySoakSeconds: 120, nodegroupsSoakSeconds: 300 },
      },
      execution: {
        addonResolveConflicts: 'PRESERVE',
        minPollSeconds: 15,
        maxPollSeconds: 900,
        busyRetrySeconds: 60,
        maxParallelNodegroups: 5,
        forceNodegroupUpdates: false,
      },
      rollback: { revertControlPlane: true },
      blueGreen: {
        recordTtlSeconds: 60,
        weights: [10, 25, 50, 100],
        soakSeconds: 600,
        finalBakeSeconds: 3600,
        keepGreenOnFailure: false,
        keepBlue: false,
        namePattern: '{blue}-{target}',
        pollSeconds: 60,
        provisionTimeoutSeconds: 7200,
        readinessTimeoutSeconds: 3600,
      },
      approval: { mode: 'none', timeoutSeconds: 43_200 },
      lockTtlSeconds: 172_800,
    };
    expect(parseAgentConfig(undefined)).toEqual(expected);
    expect(parseAgentConfig({})).toEqual(expected);
    expect(defaultConfig()).toEqual(expected);
  });

  it('given the string values SSM stores, then numbers and booleans are coerced', () => {
    const config = parseAgentConfig({
      validation: { maxErrorRate: '0.05', minSampleCount: '3', gates: { canarySoakSeconds: '0' } },
      execution: { forceNodegroupUpdates: 'true', addonResolveConflicts: 'OVERWRITE' },
      rollback: { revertControlPlane: 'false' },
      lockTtlSeconds: '60',
    });
    expect(config.validation.maxErrorRate).toBe(0.05);
    expect(config.validation.minSampleCount).toBe(3);
    expect(config.validation.gates).toEqual({
      controlPlaneSoakSeconds: 300,
      canarySoakSeconds: 0,
      nodegroupsSoakSeconds: 300,
    });
    expect(config.execution.forceNodegroupUpdates).toBe(true);
    expect(config.execution.addonResolveConflicts).toBe('OVERWRITE');
    expect(config.rollback.revertControlPlane).toBe(false);
    expect(config.lockTtlSeconds).toBe(60);
  });

  it('given real booleans, then they are kept', () => {
    const config = parseAgentConfig({
      execution: { forceNodegroupUpdates: true },
      rollback: { revertControlPlane: false },
    });
    expect(config.execution.forceNodegroupUpdates).toBe(true);
    expect(config.rollback.revertControlPlane).toBe(false);
    expect(parseAgentConfig({ rollback: { revertControlPlane: 'true' } }).rollback.revertControlPlane).toBe(
      true,
    );
  });

  it('given an ALB metrics source, then it is kept', () => {
    const metrics = { type: 'alb', loadBalancer: 'app/web/1', targetGroup: 'targetgroup/web/2' };
    expect(parseAgentConfig({ validation: { metrics } }).validation.metrics).toEqual(metrics);
  });

  it('given a custom metrics source without dimensions, then it gets none', () => {
    const metrics = { type: 'custom', namespace: 'Shop', errorRateMetric: 'Err', latencyP99Metric: 'P99' };
    expect(parseAgentConfig({ validation: { metrics } }).validation.metrics).toEqual({
      ...metrics,
      dimensions: {},
    });
  });

  it.each([
    [
      { validation: { metrics: { type: 'alb', loadBalancer: '', targetGroup: 'tg' } } },
      'validation.metrics.loadBalancer',
    ],
    [
      { validation: { metrics: { type: 'alb', loadBalancer: 'lb', targetGroup: '' } } },
      'validation.metrics.targetGroup',
    ],
    [
      {
        validation: {
          metrics: { type: 'custom', namespace: '', errorRateMetric: 'e', latencyP99Metric: 'l' },
        },
      },
      'validation.metrics.namespace',
    ],
    [
      {
        validation: {
          metrics: { type: 'custom', namespace: 'n', errorRateMetric: '', latencyP99Metric: 'l' },
        },
      },
      'validation.metrics.errorRateMetric',
    ],
    [
      {
        validation: {
          metrics: { type: 'custom', namespace: 'n', errorRateMetric: 'e', latencyP99Metric: '' },
        },
      },
      'validation.metrics.latencyP99Metric',
    ],
    [{ validation: { maxErrorRate: '1.5' } }, 'validation.maxErrorRate'],
    [{ validation: { maxErrorRate: -0.1 } }, 'validation.maxErrorRate'],
    [{ validation: { maxLatencyP99Ms: 0 } }, 'validation.maxLatencyP99Ms'],
    [{ validation: { minSampleCount: 0 } }, 'validation.minSampleCount'],
    [{ validation: { minSampleCount: 1.5 } }, 'validation.minSampleCount'],
    [{ validation: { soakSeconds: 86_401 } }, 'validation.soakSeconds'],
    [{ validation: { soakSeconds: -1 } }, 'validation.soakSeconds'],
    [
      { validation: { gates: { controlPlaneSoakSeconds: 86_401 } } },
      'validation.gates.controlPlaneSoakSeconds',
    ],
    [{ validation: { gates: { canarySoakSeconds: -1 } } }, 'validation.gates.canarySoakSeconds'],
    [{ validation: { gates: { nodegroupsSoakSeconds: 1.5 } } }, 'validation.gates.nodegroupsSoakSeconds'],
    [{ execution: { addonResolveConflicts: 'MERGE' } }, 'execution.addonResolveConflicts'],
    [{ execution: { minPollSeconds: 4 } }, 'execution.minPollSeconds'],
    [{ execution: { maxPollSeconds: 4 } }, 'execution.maxPollSeconds'],
    [{ execution: { busyRetrySeconds: 4 } }, 'execution.busyRetrySeconds'],
    [{ execution: { forceNodegroupUpdates: 'yes' } }, 'execution.forceNodegroupUpdates'],
    [{ rollback: { revertControlPlane: 'no' } }, 'rollback.revertControlPlane'],
    [{ lockTtlSeconds: 59 }, 'lockTtlSeconds'],
    [{ validation: { metrics: { type: 'prometheus' } } }, 'validation.metrics.type'],
  ])('given %j, then it is refused naming %s', (input, key) => {
    const error = refusal(input);
    expect(error.name).toBe('InvalidConfigError');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      new RegExp(`^agent configuration is invalid: ${key.replace(/\./g, '\\.')}\\b`),
    );
  });

  it('accepts the boundary values', () => {
    const config = parseAgentConfig({
      validation: { maxErrorRate: 1, soakSeconds: 86_400, gates: { canarySoakSeconds: 86_400 } },
      execution: { minPollSeconds: 5, maxPollSeconds: 5, busyRetrySeconds: 5 },
    });
    expect(config.validation.maxErrorRate).toBe(1);
    expect(config.validation.soakSeconds).toBe(86_400);
    expect(config.execution.minPollSeconds).toBe(5);
    expect(
      parseAgentConfig({ validation: { maxErrorRate: 0, soakSeconds: 0 } }).validation.maxErrorRate,
    ).toBe(0);
  });

  it('names every bad key at once', () => {
    const error = refusal({ lockTtlSeconds: 1, execution: { minPollSeconds: 1 } });
    expect(error.message).toContain('execution.minPollSeconds');
    expect(error.message).toContain('; ');
    expect(error.message).toContain('lockTtlSeconds');
  });

  it('given blue/green weights as SSM holds them, then they parse; out of order or short of 100 is refused', () => {
    expect(parseAgentConfig({ blueGreen: { weights: '5, 50,100' } }).blueGreen.weights).toEqual([5, 50, 100]);
    expect(parseAgentConfig({ blueGreen: { weights: [100] } }).blueGreen.weights).toEqual([100]);
    expect(refusal({ blueGreen: { weights: '50,25,100' } }).message).toContain(
      'blueGreen.weights: weights must be strictly ascending',
    );
    expect(refusal({ blueGreen: { weights: '10,50' } }).message).toContain('the last weight must be 100');
    expect(refusal({ blueGreen: { weights: '0,100' } }).message).toContain('blueGreen.weights');
  });

  it('given blue/green keys, then the zone id, patterns and the final bake within the 48 h execution are checked', () => {
    const ok = parseAgentConfig({
      blueGreen: {
        hostedZoneId: 'Z0123456789ABC',
        recordName: 'api.example.com',
        recordTargetPattern: '{cluster}.ingress.example.com',
        healthCheckUrl: 'https://{cluster}.ingress.example.com/healthz',
        keepBlue: 'true',
        finalBakeSeconds: '86400',
      },
    }).blueGreen;
    expect(ok).toMatchObject({ hostedZoneId: 'Z0123456789ABC', keepBlue: true, finalBakeSeconds: 86_400 });
    expect(refusal({ blueGreen: { hostedZoneId: 'zone one' } }).message).toContain('blueGreen.hostedZoneId');
    expect(refusal({ blueGreen: { recordTargetPattern: 'lb.example.com' } }).message).toContain(
      'blueGreen.recordTargetPattern',
    );
    expect(refusal({ blueGreen: { namePattern: 'green' } }).message).toContain('blueGreen.namePattern');
    expect(refusal({ blueGreen: { finalBakeSeconds: 86_401 } }).message).toContain(
      'blueGreen.finalBakeSeconds',
    );
  });

  it('given approval keys as SSM holds them, then mode and timeout parse; an unknown mode or a wait past a day is refused, by key', () => {
    expect(parseAgentConfig({ approval: { mode: 'required', timeoutSeconds: '900' } }).approval).toEqual({
      mode: 'required',
      timeoutSeconds: 900,
    });
    expect(() => parseAgentConfig({ approval: { mode: 'maybe' } })).toThrow(/approval\.mode/);
    expect(() => parseAgentConfig({ approval: { timeoutSeconds: '86401' } })).toThrow(
      /approval\.timeoutSeconds/,
    );
    expect(() => parseAgentConfig({ approval: { timeoutSeconds: '299' } })).toThrow(
      /approval\.timeoutSeconds/,
    );
  });
});
