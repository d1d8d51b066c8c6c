import { createHash } from 'node:crypto';
import {
  assertExecutionName,
  executionArnFor,
  executionName,
  executionNamePrefix,
  MAX_EXECUTION_NAME,
} from '../../../lib/domain/execution-name';
import { canonicalJson, shortHash } from '../../../lib/domain/hash';
import { clientRequestToken } from '../../../lib/domain/request-token';

/** Names and keys that make retries idempotent: exact shapes, stable values, no collisions. */
describe('executionName', () => {
  it('is readable, then a 12-character hash of the exact parts', () => {
    const name = executionName({ clusterName: 'prod', targetVersion: '1.30', requestId: 'req42' });
    const hash = createHash('sha256').update('prod\u00001.30\u0000req42', 'utf8').digest('hex').slice(0, 12);
    expect(name).toBe(`prod-1-30-req42-${hash}`);
  });

  it('cuts the readable part so the name fits 80 characters', () => {
    const name = executionName({ clusterName: 'c'.repeat(100), targetVersion: '1.30', requestId: 'r' });
    expect(MAX_EXECUTION_NAME).toBe(80);
    expect(name).toHaveLength(80);
    expect(name.slice(0, 67)).toBe('c'.repeat(67));
    expect(name[67]).toBe('-');
    expect(() => assertExecutionName(name)).not.toThrow();
  });

  it('gives parts that read alike different names', () => {
    const a = executionName({ clusterName: 'a-b', targetVersion: '1.30', requestId: 'c' });
    const b = executionName({ clusterName: 'a', targetVersion: '1.30', requestId: 'b-c' });
    expect(a).not.toBe(b);
  });

  it('has the prefix every name of the cluster starts with', () => {
    expect(executionNamePrefix('prod.eu')).toBe('prod-eu-');
    expect(executionName({ clusterName: 'prod.eu', targetVersion: '1.3', requestId: 'x' })).toMatch(
      /^prod-eu-1-3-x-/,
    );
    expect(executionNamePrefix('c'.repeat(100))).toBe('c'.repeat(67));
  });
});

describe('assertExecutionName', () => {
  it.each(['', 'a'.repeat(81), 'has space', 'dot.ted', 'ünï'])('refuses %j naming the rule', (name) => {
    expect(() => assertExecutionName(name)).toThrow(
      expect.objectContaining({
        name: 'InvalidRequestError',
        message: `execution name ${JSON.stringify(name)} must be 1-80 characters of A-Z, a-z, 0-9, "-" and "_"`,
      }),
    );
  });

  it.each(['a', 'A-z_0', 'a'.repeat(80)])('accepts %j', (name) => {
    expect(() => assertExecutionName(name)).not.toThrow();
  });
});

describe('executionArnFor', () => {
  it('builds the execution ARN of a state machine ARN', () => {
    expect(executionArnFor('arn:aws:states:eu-west-1:123456789012:stateMachine:upgrade', 'run-1')).toBe(
      'arn:aws:states:eu-west-1:123456789012:execution:upgrade:run-1',
    );
  });

  it.each([
    'arn:aws:states:eu-west-1:123456789012:activity:upgrade',
    'arn:aws:states:eu-west-1:123456789012',
    // stateMachine with no name after it
    'arn:aws:states:eu-west-1:123456789012:stateMachine',
  ])('refuses %s', (arn) => {
    expect(() => executionArnFor(arn, 'x')).toThrow(
      expect.objectContaining({
        name: 'InvalidRequestError',
        message: `${arn} is not a Step Functions state machine ARN`,
      }),
    );
  });
});

describe('hash', () => {
  it('shortHash is the hex SHA-256 prefix, 16 characters by default', () => {
    const full = createHash('sha256').update('abc', 'utf8').digest('hex');
    expect(shortHash('abc')).toBe(full.slice(0, 16));
    expect(shortHash('abc', 8)).toBe(full.slice(0, 8));
  });

  it('canonicalJson sorts keys at every level, drops undefined and keeps arrays and dates', () => {
    const date = new Date('2026-01-01T00:00:00Z');
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined }, e: date, f: null })).toBe(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1,"e":"2026-01-01T00:00:00.000Z","f":null}',
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
    expect(canonicalJson({ a: 1, A: 2, aa: 3 })).toBe('{"A":2,"a":1,"aa":3}');
  });
});

describe('clientRequestToken', () => {
  it('is a version-5 layout UUID of the pair, stable and distinct', () => {
    const token = clientRequestToken('up-1', 'control-plane:1.31');
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(clientRequestToken('up-1', 'control-plane:1.31')).toBe(token);
    expect(clientRequestToken('up-1:x', 'y')).not.toBe(clientRequestToken('up-1', 'x:y'));
  });

  it('never changes for the same pair: tokens of a run started by an older version stay valid', () => {
    expect(clientRequestToken('u', 's')).toBe('06741ed5-99e4-5af4-8691-c571896156b9');
  });

  it.each([
    ['', 's'],
    ['u', ''],
  ])('refuses an empty part (%j, %j)', (u, s) => {
    expect(() => clientRequestToken(u, s)).toThrow(
      expect.objectContaining({
        name: 'InvalidRequestError',
        message: 'a clientRequestToken needs a non-empty upgrade id and step id',
      }),
    );
  });
});
