import { upgradeRequestedDetail } from '../../../lib/domain/events';
import {
  clusterNameProblem,
  MAX_CLUSTER_NAME,
  MAX_REQUEST_ID,
  requestIdProblem,
} from '../../../lib/domain/request-fields';

const detail = (fields: Record<string, unknown>) => ({
  clusterName: 'payments-prod',
  targetVersion: '1.32',
  requestId: 'chg-1',
  ...fields,
});

function issues(fields: Record<string, unknown>): string[] {
  const parsed = upgradeRequestedDetail().safeParse(detail(fields));
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

// The shared schema is what `request`, the trigger and every phase input parse with,
// so a value refused here can never reach the deployed reasoning Lambda.
describe('the upgrade.requested detail schema', () => {
  test('accepts a well-formed request', () => {
    expect(issues({})).toEqual([]);
  });

  test.each([
    ['01.32', 'leading zero'],
    ['1.300', 'out of range'],
    ['1.99999999999', 'out of range'],
    ['2.0', 'only major version 1'],
    ['latest', 'write it as MAJOR.MINOR'],
  ])('refuses targetVersion %j naming the rule (%s)', (targetVersion, rule) => {
    expect(issues({ targetVersion })).toEqual([
      expect.stringMatching(new RegExp(`^targetVersion: .*${rule}`)),
    ]);
  });

  test.each([
    ['', 'empty'],
    ['x'.repeat(MAX_REQUEST_ID + 1), `at most ${MAX_REQUEST_ID}`],
    ['..', '".."'],
    ['a/../b', '".."'],
    ['a/b', '"/"'],
    ['chg 1', '" "'],
    ['chg\u001b[2J', '"\\u001b"'],
    ['chg-é', '"é"'],
  ])('refuses requestId %j naming the rule (%s)', (requestId, rule) => {
    expect(issues({ requestId })).toEqual([expect.stringContaining(`requestId: `)]);
    expect(requestIdProblem(requestId)).toContain(rule);
  });

  test.each([
    ['', 'empty'],
    ['-prod', 'is not an EKS cluster name'],
    ['../prod', 'is not an EKS cluster name'],
    ['prod\u001b[2J', 'is not an EKS cluster name'],
    ['p'.repeat(MAX_CLUSTER_NAME + 1), `at most ${MAX_CLUSTER_NAME}`],
  ])('refuses clusterName %j as EKS would (%s)', (clusterName, rule) => {
    expect(issues({ clusterName })).toEqual([expect.stringMatching(/^clusterName: /)]);
    expect(clusterNameProblem(clusterName)).toContain(rule);
  });

  test('bounds requestedBy, which every event carries', () => {
    expect(issues({ requestedBy: 'x'.repeat(257) })).toEqual([expect.stringMatching(/^requestedBy: /)]);
    expect(issues({ requestedBy: 'alice@example.com' })).toEqual([]);
  });

  test('the issue for a bad id or name is the rule itself, at its path', () => {
    const parsed = upgradeRequestedDetail().safeParse(detail({ requestId: 'a/b', clusterName: '-x' }));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([
      expect.objectContaining({ code: 'custom', path: ['clusterName'], message: clusterNameProblem('-x') }),
      expect.objectContaining({ code: 'custom', path: ['requestId'], message: requestIdProblem('a/b') }),
    ]);
  });

  test(`accepts a cluster name of exactly ${MAX_CLUSTER_NAME} characters, and says how long a longer one is`, () => {
    expect(clusterNameProblem(`a${'b'.repeat(MAX_CLUSTER_NAME - 1)}`)).toBeUndefined();
    expect(clusterNameProblem('c'.repeat(MAX_CLUSTER_NAME + 1))).toBe(
      'the cluster name is 101 characters long; EKS allows at most 100',
    );
  });

  test('a bad cluster name is quoted cut at 40 characters', () => {
    expect(clusterNameProblem(`-${'x'.repeat(59)}`)).toBe(
      `"-${'x'.repeat(39)}" is not an EKS cluster name: letters, digits, - and _, starting with a letter or digit`,
    );
  });

  test(`accepts a request id of exactly ${MAX_REQUEST_ID} allowed characters`, () => {
    expect(requestIdProblem(`A_z-9${'x'.repeat(MAX_REQUEST_ID - 5)}`)).toBeUndefined();
  });
});
