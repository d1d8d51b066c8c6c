import type { UpgradeRequest } from '../../../lib/domain/plan-types';
import { reason } from '../../../lib/domain/reason';
import { MAX_MINORS_PAST_NEWEST_KNOWN } from '../../../lib/domain/target-reach';
import { addonInfo, minors, snapshot } from '../../support/snapshot-builder';

const inPlace = (targetVersion: string): UpgradeRequest => ({
  targetVersion,
  strategy: 'in_place',
  force: false,
});

// The builder's compatibility data knows 1.24-1.33.
describe('a target far past what the snapshot knows', () => {
  test(`given a target more than ${MAX_MINORS_PAST_NEWEST_KNOWN} minors past the newest known, then the plan is refused with no step`, () => {
    const plan = reason(snapshot({ version: '1.30' }), inPlace('1.37'));
    expect(plan.verdict).toBe('blocked');
    expect(plan.steps).toEqual([]);
    expect(plan.estimatedMinutes).toBe(0);
    expect(plan.findings).toEqual([
      expect.objectContaining({
        code: 'TARGET_OUT_OF_REACH',
        severity: 'block',
        resource: 'test-cluster',
        message: expect.stringContaining('Target 1.37 is 4 minor versions past 1.33'),
      }),
    ]);
  });

  test('given the far end of the bound (1.99), then it is refused at once, not planned through 69 hops', () => {
    const plan = reason(snapshot({ version: '1.30' }), inPlace('1.99'));
    expect(plan.findings.map((f) => f.code)).toEqual(['TARGET_OUT_OF_REACH']);
    expect(plan.steps).toHaveLength(0);
  });

  test(`given a target exactly ${MAX_MINORS_PAST_NEWEST_KNOWN} past, then it is planned and reported unknown to EKS`, () => {
    const plan = reason(snapshot({ version: '1.30' }), inPlace('1.36'));
    expect(plan.findings.map((f) => f.code)).toContain('TARGET_UNKNOWN');
    expect(plan.findings.map((f) => f.code)).not.toContain('TARGET_OUT_OF_REACH');
    expect(plan.steps.length).toBeGreaterThan(0);
  });

  test('given no compatibility data, then the reach is counted from the cluster version', () => {
    const bare = snapshot({ version: '1.30', addonVersions: [] });
    expect(reason(bare, inPlace('1.33')).findings.map((f) => f.code)).not.toContain('TARGET_OUT_OF_REACH');
    expect(reason(bare, inPlace('1.34')).findings.map((f) => f.code)).toEqual(['TARGET_OUT_OF_REACH']);
  });

  test('given a cluster newer than its compatibility data, then the cluster version counts as known', () => {
    const stale = snapshot({
      version: '1.31',
      addonVersions: [addonInfo('coredns', [{ v: 'v1.11.1-eksbuild.1', on: minors(26, 28) }])],
    });
    expect(reason(stale, inPlace('1.34')).findings.map((f) => f.code)).not.toContain('TARGET_OUT_OF_REACH');
  });

  test('given a malformed target, then it is a bad request, not a finding', () => {
    expect(() => reason(snapshot(), inPlace('01.32'))).toThrow(
      expect.objectContaining({
        name: 'InvalidRequestError',
        message: expect.stringContaining('leading zero'),
      }),
    );
  });
});
