import { gatePlan } from '../../../lib/domain/gated-plan';
import { DEFAULT_POLICY } from '../../../lib/domain/plan-types';
import { reason } from '../../../lib/domain/reason';
import { addon, addonInfo, minors, nodegroup, snapshot } from '../../support/snapshot-builder';

const cluster = snapshot({
  version: '1.29',
  nodegroups: [
    nodegroup('general', '1.29', { scalingConfig: { desiredSize: 6 } }),
    nodegroup('canary', '1.29', { scalingConfig: { desiredSize: 2 } }),
    nodegroup('legacy', '1.28', { scalingConfig: { desiredSize: 3 } }),
  ],
  addons: [addon('kube-proxy', 'v1.29.0-eksbuild.1'), addon('coredns', 'v1.11.1-eksbuild.1')],
  addonVersions: [
    addonInfo('kube-proxy', [
      { v: 'v1.29.0-eksbuild.1', on: ['1.29'], defaultOn: ['1.29'] },
      { v: 'v1.30.0-eksbuild.1', on: ['1.30'], defaultOn: ['1.30'] },
      { v: 'v1.31.0-eksbuild.1', on: ['1.31'], defaultOn: ['1.31'] },
    ]),
    addonInfo('coredns', [{ v: 'v1.11.1-eksbuild.1', on: minors(28, 31), defaultOn: minors(28, 31) }]),
  ],
});

const gated = (target: string) =>
  gatePlan(
    reason(cluster, { targetVersion: target, strategy: 'in_place', force: false }),
    cluster,
    DEFAULT_POLICY,
  );

describe('gatePlan', () => {
  it('given two hops, then each is: lagging node groups to N, control plane, gate, canary, gate, kube-proxy and the rest, gate', () => {
    expect(gated('1.31').steps.map((s) => s.id)).toEqual([
      'nodegroup:legacy:1.29',
      'control-plane:1.30',
      'gate:1.30:control-plane',
      'nodegroup:canary:1.30',
      'gate:1.30:canary',
      'addon:kube-proxy:v1.30.0-eksbuild.1',
      'nodegroup:legacy:1.30',
      'nodegroup:general:1.30',
      'gate:1.30:nodegroups',
      'control-plane:1.31',
      'gate:1.31:control-plane',
      'nodegroup:canary:1.31',
      'gate:1.31:canary',
      'addon:kube-proxy:v1.31.0-eksbuild.1',
      'nodegroup:legacy:1.31',
      'nodegroup:general:1.31',
      'gate:1.31:nodegroups',
    ]);
  });

  it('states each gate with its stage, hop and soak estimate, and counts the soaks in the estimate', () => {
    const plan = gated('1.30');
    expect(plan.steps.filter((s) => s.kind === 'gate')).toEqual([
      {
        kind: 'gate',
        id: 'gate:1.30:control-plane',
        stage: 'control-plane',
        hop: '1.30',
        from: '1.30',
        to: '1.30',
        estimatedMinutes: 5,
      },
      {
        kind: 'gate',
        id: 'gate:1.30:canary',
        stage: 'canary',
        hop: '1.30',
        from: '1.30',
        to: '1.30',
        estimatedMinutes: 2,
      },
      {
        kind: 'gate',
        id: 'gate:1.30:nodegroups',
        stage: 'nodegroups',
        hop: '1.30',
        from: '1.30',
        to: '1.30',
        estimatedMinutes: 5,
      },
    ]);
    expect(plan.estimatedMinutes).toBe(plan.steps.reduce((sum, s) => sum + s.estimatedMinutes, 0));
  });

  it('given a single node group, then no canary gate: the node group and kube-proxy, then one gate', () => {
    const one = snapshot({ ...cluster, version: '1.29', nodegroups: [nodegroup('general', '1.29')] });
    const plan = gatePlan(
      reason(one, { targetVersion: '1.30', strategy: 'in_place', force: false }),
      one,
      DEFAULT_POLICY,
    );
    expect(plan.steps.map((s) => s.id)).toEqual([
      'control-plane:1.30',
      'gate:1.30:control-plane',
      'nodegroup:general:1.30',
      'addon:kube-proxy:v1.30.0-eksbuild.1',
      'gate:1.30:nodegroups',
    ]);
  });

  it('given a blue/green plan or no hop, then the steps are left as the planner made them', () => {
    const bg = reason(cluster, { targetVersion: '1.30', strategy: 'blue_green', force: false });
    expect(gatePlan(bg, cluster, DEFAULT_POLICY)).toBe(bg);
    const same = reason(cluster, { targetVersion: '1.29', strategy: 'in_place', force: false });
    expect(gatePlan(same, cluster, DEFAULT_POLICY).steps).toEqual(same.steps);
  });
});
