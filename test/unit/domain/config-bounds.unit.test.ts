import {
  activeWindow,
  InvalidConfigError,
  MAX_APPROVAL_TIMEOUT_SECONDS,
  MAX_FINAL_BAKE_SECONDS,
  MAX_PARALLEL_NODEGROUPS,
  parseAgentConfig,
} from '../../../lib/domain/config';

/**
 * Every bounded key at its bounds: the limit itself is accepted, one step past it is
 * refused naming the key. A changed bound or a dropped check fails here.
 */
function refusedKey(input: unknown): string {
  try {
    parseAgentConfig(input);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.message;
    throw error;
  }
  return 'accepted';
}

const at = (path: string, value: unknown): Record<string, unknown> => {
  const [section, key] = path.split('.');
  return key === undefined ? { [path]: value } : { [section as string]: { [key]: value } };
};

describe('configuration bounds', () => {
  it('has the documented limits', () => {
    expect([MAX_PARALLEL_NODEGROUPS, MAX_APPROVAL_TIMEOUT_SECONDS, MAX_FINAL_BAKE_SECONDS]).toEqual([
      50, 86_400, 86_400,
    ]);
  });

  it.each([
    ['execution.maxParallelNodegroups', 1, 50],
    ['blueGreen.recordTtlSeconds', 0, 86_400],
    ['blueGreen.soakSeconds', 0, 86_400],
    ['blueGreen.finalBakeSeconds', 0, 86_400],
    ['blueGreen.pollSeconds', 5, 3600],
    ['blueGreen.provisionTimeoutSeconds', 600, 86_400],
    ['blueGreen.readinessTimeoutSeconds', 60, 86_400],
    ['approval.timeoutSeconds', 300, 86_400],
  ])('%s accepts %p and %p and refuses one past either', (path, min, max) => {
    const [section, key] = path.split('.') as [string, string];
    const read = (value: unknown) =>
      (parseAgentConfig(at(path, value)) as unknown as Record<string, Record<string, unknown>>)[section]?.[
        key
      ];
    expect(read(min)).toBe(min);
    expect(read(String(max))).toBe(max);
    expect(refusedKey(at(path, min - 1))).toMatch(new RegExp(`^agent configuration is invalid: ${path}\\b`));
    expect(refusedKey(at(path, max + 1))).toMatch(new RegExp(`^agent configuration is invalid: ${path}\\b`));
    expect(refusedKey(at(path, min + 0.5))).toContain(path);
  });

  it.each([
    ['validation.maxLatencyP99Ms', 0.001],
    ['validation.minSampleCount', 1],
    ['execution.maxPollSeconds', 86_400 * 7],
    ['execution.busyRetrySeconds', 5],
    ['lockTtlSeconds', 60],
  ])('%s accepts %p', (path, value) => {
    expect(refusedKey(at(path, value))).toBe('accepted');
  });

  it('validation gates accept 0 and a day, and refuse past a day', () => {
    for (const key of ['controlPlaneSoakSeconds', 'canarySoakSeconds', 'nodegroupsSoakSeconds']) {
      expect(parseAgentConfig({ validation: { gates: { [key]: 0 } } }).validation.gates).toMatchObject({
        [key]: 0,
      });
      expect(parseAgentConfig({ validation: { gates: { [key]: '86400' } } }).validation.gates).toMatchObject({
        [key]: 86_400,
      });
      expect(refusedKey({ validation: { gates: { [key]: 86_401 } } })).toContain(`validation.gates.${key}`);
      expect(refusedKey({ validation: { gates: { [key]: -1 } } })).toContain(`validation.gates.${key}`);
    }
  });

  it('blue/green record names, zone ids, patterns and URLs', () => {
    expect(refusedKey({ blueGreen: { recordName: '' } })).toContain('blueGreen.recordName');
    expect(refusedKey({ blueGreen: { recordName: 'a'.repeat(255) } })).toBe('accepted');
    expect(refusedKey({ blueGreen: { recordName: 'a'.repeat(256) } })).toContain('blueGreen.recordName');
    expect(refusedKey({ blueGreen: { hostedZoneId: 'Z'.repeat(32) } })).toBe('accepted');
    expect(refusedKey({ blueGreen: { hostedZoneId: 'Z'.repeat(33) } })).toContain(
      'blueGreen.hostedZoneId: a Route 53 hosted zone id such as Z0123456789ABC',
    );
    expect(refusedKey({ blueGreen: { hostedZoneId: 'z0123' } })).toContain('blueGreen.hostedZoneId');
    expect(refusedKey({ blueGreen: { hostedZoneId: 'Z0123 ' } })).toContain('blueGreen.hostedZoneId');
    expect(refusedKey({ blueGreen: { hostedZoneId: ' Z0123' } })).toContain('blueGreen.hostedZoneId');
    expect(refusedKey({ blueGreen: { hostedZoneId: '' } })).toContain('blueGreen.hostedZoneId');
    expect(refusedKey({ blueGreen: { healthCheckUrl: 'https://green.example.com/healthz' } })).toContain(
      'blueGreen.healthCheckUrl',
    );
    expect(refusedKey({ blueGreen: { healthCheckUrl: '{cluster}/healthz' } })).toContain(
      'blueGreen.healthCheckUrl',
    );
    expect(parseAgentConfig({ blueGreen: { namePattern: 'green-{blue}' } }).blueGreen.namePattern).toBe(
      'green-{blue}',
    );
    expect(
      parseAgentConfig({ blueGreen: { keepGreenOnFailure: 'true', keepBlue: false } }).blueGreen,
    ).toMatchObject({ keepGreenOnFailure: true, keepBlue: false });
  });

  it('blue/green weights: whole percentages from 1 to 100, at most 20, strictly ascending to 100', () => {
    const weights = (w: unknown) => parseAgentConfig({ blueGreen: { weights: w } }).blueGreen.weights;
    expect(weights(' 1 ,100 ')).toEqual([1, 100]);
    const twenty = [...Array.from({ length: 19 }, (_, i) => i + 1), 100];
    expect(weights(twenty)).toEqual(twenty);
    expect(
      refusedKey({ blueGreen: { weights: [...Array.from({ length: 20 }, (_, i) => i + 1), 100] } }),
    ).toContain('blueGreen.weights');
    expect(refusedKey({ blueGreen: { weights: [] } })).toContain('blueGreen.weights');
    expect(refusedKey({ blueGreen: { weights: '10.5,100' } })).toContain('blueGreen.weights');
    expect(refusedKey({ blueGreen: { weights: '10,101' } })).toContain('blueGreen.weights');
    expect(refusedKey({ blueGreen: { weights: '50,50,100' } })).toContain(
      'weights must be strictly ascending',
    );
    expect(refusedKey({ blueGreen: { weights: '100,100' } })).toContain('weights must be strictly ascending');
    expect(refusedKey({ blueGreen: { weights: '10,50' } })).not.toContain('strictly ascending');
    expect(refusedKey({ blueGreen: { weights: '10,50,100' } })).toBe('accepted');
  });

  it('metrics: custom dimensions are kept', () => {
    const custom = {
      type: 'custom',
      namespace: 'Shop',
      errorRateMetric: 'Err',
      latencyP99Metric: 'P99',
      dimensions: { Service: 'web' },
    };
    expect(parseAgentConfig({ validation: { metrics: custom } }).validation.metrics).toEqual(custom);
  });

  it('a maintenance window defaults to enabled, every day, UTC', () => {
    const config = parseAgentConfig({ maintenanceWindow: { hours: '02:00-06:00' } });
    expect(config.maintenanceWindow).toEqual({
      enabled: true,
      days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'],
      hours: '02:00-06:00',
      timeZone: 'UTC',
    });
    expect(activeWindow(config)).toEqual({
      days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'],
      hours: '02:00-06:00',
      timeZone: 'UTC',
    });
    expect(refusedKey({ maintenanceWindow: { hours: '02:00-06:00', enabled: 'no' } })).toContain(
      'maintenanceWindow.enabled',
    );
  });
});
