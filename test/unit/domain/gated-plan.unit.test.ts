import { gatePlan, withGates } from '../../../lib/domain/gated-plan';
import { DEFAULT_POLICY } from '../../../lib/domain/plan-types';
import { reason } from '../../../lib/domain/reason';
import { addon, addonInfo, minors, nodegroup, snapshot } from '../../support/snapshot-builder';

// Built in each test, not when the file loads: under Stryker, a schema mutant reached at load
// time is "static" and runs against every test of every file that imports the schema.
const cluster = () =>
  snapshot({
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
    reason(cluster(), { targetVersion: target, strategy: 'in_place', force: false }),
    cluster(),
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
    const one = snapshot({ ...cluster(), version: '1.29', nodegroups: [nodegroup('general', '1.29')] });
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

  it('given node groups without a scaling config, then they count as size 0 and go first, by name', () => {
    const mixed = snapshot({
      ...cluster(),
      version: '1.29',
      nodegroups: [
        nodegroup('sized', '1.29', { scalingConfig: { desiredSize: 1 } }),
        nodegroup('zeta', '1.29'),
        nodegroup('alpha', '1.29'),
      ],
    });
    const plan = gatePlan(
      reason(mixed, { targetVersion: '1.30', strategy: 'in_place', force: false }),
      mixed,
      DEFAULT_POLICY,
    );
    expect(plan.steps.map((s) => s.id).filter((id) => id.startsWith('nodegroup:'))).toEqual([
      'nodegroup:alpha:1.30',
      'nodegroup:zeta:1.30',
      'nodegroup:sized:1.30',
    ]);
  });

  it('given a blue/green plan or no hop, then the steps are left as the planner made them', () => {
    const bg = reason(cluster(), { targetVersion: '1.30', strategy: 'blue_green', force: false });
    expect(gatePlan(bg, cluster(), DEFAULT_POLICY)).toBe(bg);
    const same = reason(cluster(), { targetVersion: '1.29', strategy: 'in_place', force: false });
    expect(gatePlan(same, cluster(), DEFAULT_POLICY).steps).toEqual(same.steps);
  });
});

describe('gatePlan, add-ons around the control plane and node groups that do not move', () => {
  const mixed = () =>
    snapshot({
      version: '1.29',
      nodegroups: [
        nodegroup('big', '1.29', { scalingConfig: { desiredSize: 1 } }),
        // No scaling config: read as size 0, so it is the canary.
        nodegroup('unsized', '1.29', { scalingConfig: undefined }),
        // Newer than the control plane (EKS refuses this, a snapshot may still show it): never moved.
        nodegroup('ahead', '1.30'),
      ],
      addons: [
        addon('kube-proxy', 'v1.29.0-eksbuild.1'),
        addon('coredns', 'v1.10.1-eksbuild.1'),
        addon('aws-ebs-csi-driver', 'v1.20.0-eksbuild.1'),
      ],
      addonVersions: [
        addonInfo('kube-proxy', [
          { v: 'v1.29.0-eksbuild.1', on: ['1.29'], defaultOn: ['1.29'] },
          { v: 'v1.30.0-eksbuild.1', on: ['1.30'], defaultOn: ['1.30'] },
        ]),
        // No version runs on both 1.29 and 1.30: coredns follows the control plane.
        addonInfo('coredns', [
          { v: 'v1.10.1-eksbuild.1', on: ['1.29'], defaultOn: ['1.29'] },
          { v: 'v1.11.1-eksbuild.1', on: ['1.30'], defaultOn: ['1.30'] },
        ]),
        // v1.21 runs on both: the driver moves before the control plane.
        addonInfo('aws-ebs-csi-driver', [
          { v: 'v1.20.0-eksbuild.1', on: ['1.28', '1.29'], defaultOn: ['1.29'] },
          { v: 'v1.21.0-eksbuild.1', on: ['1.29', '1.30'], defaultOn: ['1.30'] },
        ]),
      ],
    });

  it('given add-ons before and after the hop, then those before precede the control plane, those after follow it before its gate, kube-proxy moves with the node groups', () => {
    const plan = gatePlan(
      reason(mixed(), { targetVersion: '1.30', strategy: 'in_place', force: true }),
      mixed(),
      DEFAULT_POLICY,
    );
    expect(plan.steps.map((s) => s.id)).toEqual([
      'addon:aws-ebs-csi-driver:v1.21.0-eksbuild.1',
      'control-plane:1.30',
      'addon:coredns:v1.11.1-eksbuild.1',
      'gate:1.30:control-plane',
      'nodegroup:unsized:1.30',
      'gate:1.30:canary',
      'addon:kube-proxy:v1.30.0-eksbuild.1',
      'nodegroup:big:1.30',
      'gate:1.30:nodegroups',
    ]);
  });

  it('given no node groups, then the last gate follows kube-proxy; with no kube-proxy either, there is no node-group gate', () => {
    const fargate = snapshot({ ...mixed(), nodegroups: [] });
    const withProxy = gatePlan(
      reason(fargate, { targetVersion: '1.30', strategy: 'in_place', force: true }),
      fargate,
      DEFAULT_POLICY,
    );
    expect(withProxy.steps.map((s) => s.id).slice(-3)).toEqual([
      'gate:1.30:control-plane',
      'addon:kube-proxy:v1.30.0-eksbuild.1',
      'gate:1.30:nodegroups',
    ]);
    const bare = snapshot({ ...fargate, addons: [], addonVersions: [] });
    const plain = gatePlan(
      reason(bare, { targetVersion: '1.30', strategy: 'in_place', force: true }),
      bare,
      DEFAULT_POLICY,
    );
    expect(plain.steps.map((s) => s.id)).toEqual(['control-plane:1.30', 'gate:1.30:control-plane']);
  });

  it('given a step of no hop among the hops, then it is kept, last, and no node-group step of the planner is kept', () => {
    const cp = {
      kind: 'control-plane',
      id: 'control-plane:1.30',
      hop: '1.30',
      from: '1.29',
      to: '1.30',
      estimatedMinutes: 10,
    } as const;
    const stray = {
      kind: 'addon',
      name: 'x',
      id: 'addon:x:v2',
      hop: '1.31',
      from: 'v1',
      to: 'v2',
      estimatedMinutes: 1,
    } as const;
    const ng = {
      kind: 'nodegroup',
      name: 'big',
      id: 'nodegroup:big:1.30',
      hop: '1.30',
      from: '1.29',
      to: '1.30',
      estimatedMinutes: 5,
    } as const;
    const steps = withGates([cp, ng, stray], snapshot({ ...mixed(), nodegroups: [] }), DEFAULT_POLICY);
    expect(steps.map((s) => s.id)).toEqual(['control-plane:1.30', 'gate:1.30:control-plane', 'addon:x:v2']);
  });
});
