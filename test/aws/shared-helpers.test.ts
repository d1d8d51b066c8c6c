import { EKSClient } from '@aws-sdk/client-eks';
import { backoffDelay } from '../../lib/aws/backoff';
import { DEFAULT_MAX_ATTEMPTS, sdkClientConfig } from '../../lib/aws/client-config';
import { createLimiter, mapBounded } from '../../lib/aws/concurrency';
import { createEksClient } from '../../lib/aws/eks/clients';
import * as errors from '../../lib/aws/errors';
import { toPlainJson } from '../../lib/aws/plain-json';
import { AgentError } from '../../lib/domain/errors';
import { canonicalJson } from '../../lib/domain/hash';

describe('client factory', () => {
  test('every client gets adaptive retry and a configurable number of attempts', async () => {
    expect(sdkClientConfig()).toEqual({ retryMode: 'adaptive', maxAttempts: DEFAULT_MAX_ATTEMPTS });
    expect(sdkClientConfig({ region: 'eu-west-1', maxAttempts: 9 })).toEqual({
      region: 'eu-west-1',
      retryMode: 'adaptive',
      maxAttempts: 9,
    });
    const eks = createEksClient({ region: 'eu-west-1', maxAttempts: 9 });
    expect(eks).toBeInstanceOf(EKSClient);
    expect(await eks.config.maxAttempts()).toBe(9);
    const retryMode = eks.config.retryMode;
    expect(typeof retryMode === 'function' ? await retryMode() : retryMode).toBe('adaptive');
  });
});

describe('bounded concurrency', () => {
  test('mapBounded keeps order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  test('a failing task rejects and frees its slot', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(limit(() => Promise.resolve(7))).resolves.toBe(7);
  });

  test('the limit must be a positive integer', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});

describe('backoff', () => {
  test('exponential with full jitter, capped', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(1, policy, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelay(10, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(2, policy, () => 0)).toBe(0);
  });
});

describe('plain JSON', () => {
  test('dates become ISO strings and undefined members disappear', () => {
    expect(toPlainJson({ a: new Date('2024-01-01T00:00:00.000Z'), b: undefined, c: [{ d: 1 }] })).toEqual({
      a: '2024-01-01T00:00:00.000Z',
      c: [{ d: 1 }],
    });
  });

  test('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });
});

describe('named errors', () => {
  const samples: AgentError[] = [
    new errors.ReadinessCheckFailedError('prod', 'failing'),
    new errors.UnsupportedStepError('shift-traffic'),
    new errors.ClusterNotFoundError('prod'),
    new errors.UnexpectedResponseError('Op', 'x'),
    new errors.EventDeliveryError([{ detailType: 'upgrade.started' }]),
    new errors.EventRuleError('r', ['t'], 'x'),
    new errors.ParameterValidationError('/p', ['x']),
    new errors.ParameterNotFoundError('/p'),
    new errors.ConfigurationNotFoundError('prod', '/p'),
    new errors.ExecutionAlreadyRunningError('prod', ['arn']),
    new errors.ExecutionInputConflictError('n'),
    new errors.ExecutionWaitTimeoutError('arn', 1000),
    new errors.MetricsUnavailableError('x'),
  ];

  test.each(samples.map((e) => [e.constructor.name, e] as const))(
    '%s sets name to its class name',
    (cls, error) => {
      expect(error).toBeInstanceOf(AgentError);
      expect(error.name).toBe(cls);
      expect(typeof error.retryable).toBe('boolean');
    },
  );
});
