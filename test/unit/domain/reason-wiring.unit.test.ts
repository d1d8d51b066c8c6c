import type { UpgradeRequest } from '../../../lib/domain/plan-types';
import { reason } from '../../../lib/domain/reason';
import { addon, addonInfo, minors, snapshot } from '../../support/snapshot-builder';

/** How reason() puts the checks and the planner together for each request. */
const ask = (targetVersion: string, strategy: UpgradeRequest['strategy'] = 'in_place'): UpgradeRequest => ({
  targetVersion,
  strategy,
  force: false,
});

// coredns lags EKS's default for 1.29: a plan to (or at) 1.29 would move it.
// Built in each test, not when the file loads: under Stryker, a schema mutant reached at load
// time is "static" and runs against every test of every file that imports the schema.
const lagging = () =>
  snapshot({
    version: '1.29',
    addons: [addon('coredns', 'v1.10.1-eksbuild.1')],
    addonVersions: [
      addonInfo('coredns', [
        { v: 'v1.10.1-eksbuild.1', on: minors(27, 31) },
        { v: 'v1.11.1-eksbuild.1', on: minors(28, 31), defaultOn: minors(28, 31) },
      ]),
    ],
  });

describe('reason: a target it cannot go to plans no step', () => {
  it('given a target below the current version, then blocked with no step, though an add-on lags its default', () => {
    expect(reason(lagging(), ask('1.29')).steps.map((s) => s.id)).toEqual([
      'addon:coredns:v1.11.1-eksbuild.1',
    ]);
    const plan = reason(lagging(), ask('1.28'));
    expect(plan.verdict).toBe('blocked');
    expect(plan.findings.map((f) => f.code)).toContain('TARGET_BELOW_CURRENT');
    expect(plan.steps).toEqual([]);
    expect(plan.estimatedMinutes).toBe(0);
  });

  it('given another major version, then a named error before any check', () => {
    expect(() => reason(lagging(), ask('2.0'))).toThrow(
      expect.objectContaining({
        name: 'InvalidRequestError',
        message: expect.stringMatching(/only major version 1/),
      }),
    );
  });

  it('given a strategy it does not know, then it says so instead of planning', () => {
    expect(() => reason(lagging(), ask('1.30', 'rolling' as UpgradeRequest['strategy']))).toThrow(/strategy/);
  });
});

describe('reason: what each strategy is checked for', () => {
  const insight = (id: string, kubernetesVersion: string) => ({
    id,
    name: `Check ${id}`,
    category: 'UPGRADE_READINESS',
    kubernetesVersion,
    insightStatus: { status: 'ERROR', reason: 'Reason.' },
    recommendation: 'Do this.',
  });
  const s = () =>
    snapshot({
      version: '1.29',
      insights: [insight('next', '1.30'), insight('target', '1.31')],
      fargateProfiles: [{ fargateProfileName: 'fp' }],
    });
  const concerning = (strategy: UpgradeRequest['strategy']) =>
    reason(s(), ask('1.31', strategy)).findings.filter(
      (f) => f.code.startsWith('INSIGHT') || f.code === 'FARGATE_PODS_RESTART',
    );

  it('given in place, then the insights of every hop and the Fargate restarts before each hop', () => {
    const found = concerning('in_place');
    expect(found.map((f) => f.message.match(/Check \w+/)?.[0] ?? f.code)).toEqual([
      'Check next',
      'Check target',
      'FARGATE_PODS_RESTART',
    ]);
    expect(found.at(-1)?.message).toContain('before each control-plane update (to 1.30, to 1.31)');
  });

  it('given blue/green, then only the target version insights, and the Fargate pods of a new cluster start on it', () => {
    const found = concerning('blue_green');
    expect(found.map((f) => f.message.match(/Check \w+/)?.[0] ?? f.code)).toEqual([
      'Check target',
      'FARGATE_PODS_RESTART',
    ]);
    expect(found.at(-1)?.message).toContain(
      'they run an older kubelet than the control plane 1.29 until restarted',
    );
  });
});

describe('reason: findings are ordered by severity, and keep their order within one', () => {
  it('given warnings from several checks, a block and an info, then the block, the warnings in the order the checks found them, the info', () => {
    const warning = (id: string) => ({
      id,
      name: `Check ${id}`,
      category: 'UPGRADE_READINESS',
      kubernetesVersion: '1.30',
      insightStatus: { status: 'WARNING', reason: 'Reason.' },
      recommendation: 'Do this.',
    });
    const s = snapshot({
      version: '1.29',
      insights: [warning('c'), warning('a'), warning('b')],
      fargateProfiles: [{ fargateProfileName: 'fp' }],
      subnets: [
        { SubnetId: 'subnet-a', AvailableIpAddressCount: 1 },
        { SubnetId: 'subnet-b', AvailableIpAddressCount: 2 },
      ],
    });
    expect(
      reason(s, ask('1.30')).findings.map(
        (f) => `${f.severity}:${f.message.match(/Check \w/)?.[0] ?? f.code}`,
      ),
    ).toEqual([
      'block:SUBNET_FREE_IPS',
      'warn:Check c',
      'warn:Check a',
      'warn:Check b',
      'warn:FARGATE_PODS_RESTART',
      'info:EXTENDED_SUPPORT_ENROLLED',
    ]);
  });
});
