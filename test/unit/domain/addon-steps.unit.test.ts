import { type AddonMove, planAddon } from '../../../lib/domain/addon-steps';
import { DEFAULT_POLICY, type PlanningPolicy } from '../../../lib/domain/plan-types';
import { addonInfo } from '../../support/snapshot-builder';

/** One add-on through a control-plane path, rule by rule (planAddon alone). */
const installed = (addonName: string, addonVersion: string) => ({
  addonName,
  addonVersion,
  status: 'ACTIVE' as const,
});
const moves = (result: { moves: AddonMove[] }) =>
  result.moves.map((m) => `${m.when}:${m.hop}:${m.from}->${m.to}`);
const vpcCniOnly: PlanningPolicy = { ...DEFAULT_POLICY, addonMinorRule: 'vpc-cni-only' };

describe('planAddon: kube-proxy catches up with the control plane', () => {
  it('given kube-proxy too old for the current version, then it first catches up with it before the first hop', () => {
    const info = addonInfo('kube-proxy', [
      { v: 'v1.28.0-eksbuild.1', on: ['1.28'] },
      { v: 'v1.29.0-eksbuild.1', on: ['1.29'], defaultOn: ['1.29'] },
      { v: 'v1.30.0-eksbuild.1', on: ['1.30'], defaultOn: ['1.30'] },
    ]);
    expect(
      moves(planAddon(installed('kube-proxy', 'v1.28.0-eksbuild.1'), info, ['1.29', '1.30'], DEFAULT_POLICY)),
    ).toEqual([
      'pre-hop:1.30:v1.28.0-eksbuild.1->v1.29.0-eksbuild.1',
      'post-hop:1.30:v1.29.0-eksbuild.1->v1.30.0-eksbuild.1',
    ]);
  });

  it('given kube-proxy that runs on the current version, then no catch-up, though a newer build for it exists', () => {
    const info = addonInfo('kube-proxy', [
      { v: 'v1.29.0-eksbuild.1', on: ['1.29'] },
      { v: 'v1.29.3-eksbuild.1', on: ['1.29'], defaultOn: ['1.29'] },
      { v: 'v1.30.0-eksbuild.1', on: ['1.30'], defaultOn: ['1.30'] },
    ]);
    expect(
      moves(planAddon(installed('kube-proxy', 'v1.29.0-eksbuild.1'), info, ['1.29', '1.30'], DEFAULT_POLICY)),
    ).toEqual(['post-hop:1.30:v1.29.0-eksbuild.1->v1.30.0-eksbuild.1']);
  });

  it('given no hop, then kube-proxy too old for the cluster moves after, at the current version', () => {
    const info = addonInfo('kube-proxy', [
      { v: 'v1.28.0-eksbuild.1', on: ['1.28'] },
      { v: 'v1.29.0-eksbuild.1', on: ['1.29'] },
    ]);
    expect(
      moves(planAddon(installed('kube-proxy', 'v1.28.0-eksbuild.1'), info, ['1.29'], DEFAULT_POLICY)),
    ).toEqual(['post-hop:1.29:v1.28.0-eksbuild.1->v1.29.0-eksbuild.1']);
  });

  it('given another add-on too old for the current version, then it moves once, straight to a version that runs on both', () => {
    const info = addonInfo('coredns', [
      { v: 'v1.9.0-eksbuild.1', on: ['1.28'] },
      { v: 'v1.10.0-eksbuild.1', on: ['1.29'], defaultOn: ['1.29'] },
      { v: 'v1.10.5-eksbuild.1', on: ['1.29', '1.30'], defaultOn: ['1.30'] },
    ]);
    expect(
      moves(planAddon(installed('coredns', 'v1.9.0-eksbuild.1'), info, ['1.29', '1.30'], vpcCniOnly)),
    ).toEqual(['pre-hop:1.30:v1.9.0-eksbuild.1->v1.10.5-eksbuild.1']);
  });
});

describe('planAddon: the one-minor rule and its policy', () => {
  const catalog = (name: string) =>
    addonInfo(name, [
      { v: 'v1.16.0-eksbuild.1', on: ['1.29', '1.30'] },
      { v: 'v1.17.0-eksbuild.1', on: ['1.29', '1.30'] },
      { v: 'v1.18.0-eksbuild.1', on: ['1.29', '1.30'], defaultOn: ['1.30'] },
    ]);

  it('given vpc-cni-only, then vpc-cni passes every minor and another add-on jumps', () => {
    expect(
      moves(
        planAddon(
          installed('vpc-cni', 'v1.16.0-eksbuild.1'),
          catalog('vpc-cni'),
          ['1.29', '1.30'],
          vpcCniOnly,
        ),
      ),
    ).toEqual([
      'post-hop:1.30:v1.16.0-eksbuild.1->v1.17.0-eksbuild.1',
      'post-hop:1.30:v1.17.0-eksbuild.1->v1.18.0-eksbuild.1',
    ]);
    expect(
      moves(
        planAddon(
          installed('coredns', 'v1.16.0-eksbuild.1'),
          catalog('coredns'),
          ['1.29', '1.30'],
          vpcCniOnly,
        ),
      ),
    ).toEqual(['post-hop:1.30:v1.16.0-eksbuild.1->v1.18.0-eksbuild.1']);
  });

  it('given another major, or a version that is not semver, then no minor in between is looked for', () => {
    const info = addonInfo('vpc-cni', [
      { v: 'v1.16.0-eksbuild.1', on: ['1.29', '1.30'] },
      { v: 'v2.0.0-eksbuild.1', on: ['1.29', '1.30'], defaultOn: ['1.30'] },
    ]);
    expect(
      moves(planAddon(installed('vpc-cni', 'v1.16.0-eksbuild.1'), info, ['1.29', '1.30'], DEFAULT_POLICY)),
    ).toEqual(['post-hop:1.30:v1.16.0-eksbuild.1->v2.0.0-eksbuild.1']);
    // A new major is one step even when its minor is far above the old one's.
    const far = addonInfo('vpc-cni', [
      { v: 'v1.1.0-eksbuild.1', on: ['1.29', '1.30'] },
      { v: 'v2.5.0-eksbuild.1', on: ['1.29', '1.30'], defaultOn: ['1.30'] },
    ]);
    expect(
      moves(planAddon(installed('vpc-cni', 'v1.1.0-eksbuild.1'), far, ['1.29', '1.30'], DEFAULT_POLICY)),
    ).toEqual(['post-hop:1.30:v1.1.0-eksbuild.1->v2.5.0-eksbuild.1']);
    const custom = addonInfo('vpc-cni', [
      { v: 'custom', on: ['1.29'] },
      { v: 'v1.16.0-eksbuild.1', on: ['1.29', '1.30'], defaultOn: ['1.30'] },
    ]);
    expect(
      moves(planAddon(installed('vpc-cni', 'custom'), custom, ['1.29', '1.30'], DEFAULT_POLICY)),
    ).toEqual(['pre-hop:1.30:custom->v1.16.0-eksbuild.1']);
    // Neither is semver: compared as text, moved in one step.
    const text = addonInfo('vpc-cni', [
      { v: 'alpha', on: ['1.29'] },
      { v: 'beta', on: ['1.29', '1.30'], defaultOn: ['1.30'] },
    ]);
    expect(moves(planAddon(installed('vpc-cni', 'alpha'), text, ['1.29', '1.30'], DEFAULT_POLICY))).toEqual([
      'pre-hop:1.30:alpha->beta',
    ]);
  });

  it('given a minor missing after the hop, then it blocks and plans nothing past it', () => {
    const gap = addonInfo('vpc-cni', [
      { v: 'v1.16.0-eksbuild.1', on: ['1.29'] },
      { v: 'v1.18.0-eksbuild.1', on: ['1.30'], defaultOn: ['1.30'] },
      { v: 'v1.19.0-eksbuild.1', on: ['1.30', '1.31'], defaultOn: ['1.31'] },
    ]);
    const result = planAddon(
      installed('vpc-cni', 'v1.16.0-eksbuild.1'),
      gap,
      ['1.29', '1.30', '1.31'],
      DEFAULT_POLICY,
    );
    expect(result.moves).toEqual([]);
    expect(result.findings.map((f) => `${f.severity}:${f.code}`)).toEqual([
      'warn:ADDON_INCOMPATIBLE_WINDOW',
      'block:ADDON_MINOR_GAP',
    ]);
  });
});

describe('planAddon: findings and the last hop', () => {
  it('given no compatibility data, then a block that says how to get it', () => {
    expect(
      planAddon(installed('coredns', 'v1.10.0-eksbuild.1'), undefined, ['1.29', '1.30'], DEFAULT_POLICY),
    ).toEqual({
      moves: [],
      findings: [
        {
          code: 'ADDON_NO_COMPATIBILITY_DATA',
          severity: 'block',
          message:
            'No DescribeAddonVersions data for add-on coredns: cannot tell which version runs on the target. Capture the snapshot again so it includes coredns.',
          resource: 'coredns',
        },
      ],
    });
  });

  it('given no version on both sides of a hop, then a warned window, in words', () => {
    const info = addonInfo('coredns', [
      { v: 'v1.10.0-eksbuild.1', on: ['1.29'] },
      { v: 'v1.11.0-eksbuild.1', on: ['1.30'], defaultOn: ['1.30'] },
    ]);
    const result = planAddon(
      installed('coredns', 'v1.10.0-eksbuild.1'),
      info,
      ['1.29', '1.30'],
      DEFAULT_POLICY,
    );
    expect(result.findings).toEqual([
      {
        code: 'ADDON_INCOMPATIBLE_WINDOW',
        severity: 'warn',
        message:
          'No coredns version runs on both 1.29 and 1.30: coredns v1.10.0-eksbuild.1 runs unsupported between the control-plane update to 1.30 and its own update to v1.11.0-eksbuild.1.',
        resource: 'coredns',
      },
    ]);
    expect(moves(result)).toEqual(['post-hop:1.30:v1.10.0-eksbuild.1->v1.11.0-eksbuild.1']);
  });

  it('given a window at the first of two hops, then the add-on moves right after that hop, then crosses to the next before it', () => {
    const info = addonInfo('coredns', [
      { v: 'v1.10.0-eksbuild.1', on: ['1.29'] },
      { v: 'v1.11.0-eksbuild.1', on: ['1.30'], defaultOn: ['1.30'] },
      { v: 'v1.12.0-eksbuild.1', on: ['1.30', '1.31'], defaultOn: ['1.31'] },
    ]);
    const result = planAddon(
      installed('coredns', 'v1.10.0-eksbuild.1'),
      info,
      ['1.29', '1.30', '1.31'],
      DEFAULT_POLICY,
    );
    expect(moves(result)).toEqual([
      'post-hop:1.30:v1.10.0-eksbuild.1->v1.11.0-eksbuild.1',
      'pre-hop:1.31:v1.11.0-eksbuild.1->v1.12.0-eksbuild.1',
    ]);
    expect(result.findings.map((f) => f.code)).toEqual(['ADDON_INCOMPATIBLE_WINDOW']);
  });

  it('given an add-on newer than the default for the target, then it stays', () => {
    const info = addonInfo('coredns', [
      { v: 'v1.10.0-eksbuild.1', on: ['1.29', '1.30'], defaultOn: ['1.30'] },
      { v: 'v1.11.0-eksbuild.1', on: ['1.29', '1.30'] },
    ]);
    expect(
      planAddon(installed('coredns', 'v1.11.0-eksbuild.1'), info, ['1.29', '1.30'], DEFAULT_POLICY).moves,
    ).toEqual([]);
  });

  it('given the cluster at the target and an add-on that does not run on it, then a move to one that does, or a block that says none does', () => {
    const info = addonInfo('coredns', [
      { v: 'v1.9.0-eksbuild.1', on: ['1.28'] },
      { v: 'v1.10.0-eksbuild.1', on: ['1.29'] },
    ]);
    expect(
      moves(planAddon(installed('coredns', 'v1.9.0-eksbuild.1'), info, ['1.29'], DEFAULT_POLICY)),
    ).toEqual(['post-hop:1.29:v1.9.0-eksbuild.1->v1.10.0-eksbuild.1']);
    expect(planAddon(installed('coredns', 'v1.9.0-eksbuild.1'), info, ['1.30'], DEFAULT_POLICY)).toEqual({
      moves: [],
      findings: [
        {
          code: 'ADDON_NO_COMPATIBLE_VERSION',
          severity: 'block',
          message:
            'Add-on coredns v1.9.0-eksbuild.1 does not run on Kubernetes 1.30 and no newer compatible version is listed.',
          resource: 'coredns',
        },
      ],
    });
  });

  it('given no path at all, then nothing is planned', () => {
    const info = addonInfo('coredns', [{ v: 'v1.10.0-eksbuild.1', on: ['1.29'], defaultOn: ['1.29'] }]);
    expect(planAddon(installed('coredns', 'v1.9.0-eksbuild.1'), info, [], DEFAULT_POLICY)).toEqual({
      moves: [],
      findings: [],
    });
  });
});
