import { InvalidRequestError } from '../../lib/domain/errors';
import {
  assertExecutionName,
  executionArnFor,
  executionName,
  executionNamePrefix,
  MAX_EXECUTION_NAME,
} from '../../lib/domain/execution-name';

describe('executionName', () => {
  test('is readable, deterministic and within the allowed characters', () => {
    const parts = { clusterName: 'prod', targetVersion: '1.30', requestId: 'req-42' };
    const name = executionName(parts);
    expect(name).toMatch(/^prod-1-30-req-42-[0-9a-f]{12}$/);
    expect(executionName({ ...parts })).toBe(name);
    expect(() => assertExecutionName(name)).not.toThrow();
  });

  test('never exceeds 80 characters, and long names stay distinct', () => {
    const long = 'c'.repeat(100);
    const a = executionName({ clusterName: long, targetVersion: '1.30', requestId: 'r'.repeat(40) });
    const b = executionName({ clusterName: long, targetVersion: '1.30', requestId: `${'r'.repeat(39)}s` });
    expect(a.length).toBeLessThanOrEqual(MAX_EXECUTION_NAME);
    expect(b.length).toBeLessThanOrEqual(MAX_EXECUTION_NAME);
    expect(a).not.toBe(b);
    expect(a.startsWith(executionNamePrefix(long))).toBe(true);
  });

  test('parts that join to the same text still get different names', () => {
    const a = executionName({ clusterName: 'a-1', targetVersion: '1.2', requestId: 'x' });
    const b = executionName({ clusterName: 'a', targetVersion: '1.1', requestId: '2-x' });
    expect(a.slice(0, -13)).toBe('a-1-1-2-x');
    expect(b.slice(0, -13)).toBe('a-1-1-2-x');
    expect(a).not.toBe(b);
  });

  test('characters Step Functions refuses are replaced', () => {
    expect(executionName({ clusterName: 'a b', targetVersion: '1.30', requestId: 'x/y' })).toMatch(
      /^a-b-1-30-x-y-[0-9a-f]{12}$/,
    );
  });
});

describe('assertExecutionName and executionArnFor', () => {
  test.each(['', 'has space', 'a'.repeat(81), 'semi;colon'])('%s is refused', (name) => {
    expect(() => assertExecutionName(name)).toThrow(InvalidRequestError);
  });

  test('the execution ARN of a state machine ARN (qualifier dropped)', () => {
    expect(executionArnFor('arn:aws:states:us-east-1:1:stateMachine:m', 'run')).toBe(
      'arn:aws:states:us-east-1:1:execution:m:run',
    );
    expect(executionArnFor('arn:aws:states:us-east-1:1:stateMachine:m:prod', 'run')).toBe(
      'arn:aws:states:us-east-1:1:execution:m:run',
    );
    expect(() => executionArnFor('arn:aws:lambda:us-east-1:1:function:f', 'run')).toThrow(
      InvalidRequestError,
    );
  });
});
