import { DEFAULT_POLICY, type UpgradeRequest, type UpgradeStep } from '../../../lib/domain/plan-types';
import { reason } from '../../../lib/domain/reason';
import { addon, addonInfo, minors, nodegroup, snapshot } from '../../support/snapshot-builder';

const inPlace = (targetVersion: string, extra: Partial<UpgradeRequest> = {}): UpgradeRequest => ({
  targetVersion,
  strategy: 'in_place',
  force: false,
  ...extra,
});
const brief = (steps: readonly UpgradeStep[]) =>
  steps.map((s) => `${s.kind}${'name' in s ? `:${s.name}` : ''} ${s.from}->${s.to}`);

describe('in-place plan', () => {
  test('given 1.28 -> 1.31, then the control plane moves one minor per hop', () => {
    const plan = reason(snapshot({ version: '1.28' }), inPlace('1.31'));
    expect(brief(plan.steps.filter((s) => s.kind === 'control-plane'))).toEqual([
      'control-plane 1.28->1.29',
      'control-plane 1.29->1.30',
      'control-plane 1.30->1.31',
    ]);
  });

  const skewPolicy = { ...DEFAULT_POLICY, nodegroupVersionRule: 'kubelet-skew' as const };

  test('given node groups at the control-plane version, then they reach it again before each later hop', () => {
    const plan = reason(snapshot({ version: '1.29', nodegroups: [nodegroup('a', '1.29')] }), inPlace('1.31'));
    expect(brief(plan.steps)).toEqual([
      'control-plane 1.29->1.30',
      'nodegroup:a 1.29->1.30',
      'control-plane 1.30->1.31',
      'nodegroup:a 1.30->1.31',
    ]);
  });

  test('given the kubelet-skew rule and node groups within skew, then they move once, after the last hop', () => {
    const plan = reason(
      snapshot({ version: '1.29', nodegroups: [nodegroup('a', '1.29')] }),
      inPlace('1.31'),
      skewPolicy,
    );
    expect(brief(plan.steps)).toEqual([
      'control-plane 1.29->1.30',
      'control-plane 1.30->1.31',
      'nodegroup:a 1.29->1.31',
    ]);
  });

  test('given the kubelet-skew rule and a node group a hop would leave 4 minors behind, then it moves first', () => {
    const plan = reason(
      snapshot({ version: '1.28', nodegroups: [nodegroup('old', '1.25')] }),
      inPlace('1.30'),
      skewPolicy,
    );
    expect(brief(plan.steps)).toEqual([
      'nodegroup:old 1.25->1.28',
      'control-plane 1.28->1.29',
      'control-plane 1.29->1.30',
      'nodegroup:old 1.28->1.30',
    ]);
  });

  test('given an API server below 1.28, then the older 2-minor skew rule applies to that hop', () => {
    const plan = reason(
      snapshot({ version: '1.26', nodegroups: [nodegroup('old', '1.24')] }),
      inPlace('1.27'),
    );
    expect(brief(plan.steps)).toEqual([
      'nodegroup:old 1.24->1.26',
      'control-plane 1.26->1.27',
      'nodegroup:old 1.26->1.27',
    ]);
  });

  test('given an add-on that does not run on the next version, then it moves before the hop to a cross-compatible version, preferring the default', () => {
    const s = snapshot({
      addons: [addon('coredns', 'v1.11.1-eksbuild.1')],
      addonVersions: [
        addonInfo('coredns', [
          { v: 'v1.11.1-eksbuild.1', on: ['1.29'], defaultOn: ['1.29'] },
          { v: 'v1.11.3-eksbuild.1', on: ['1.29', '1.30'], defaultOn: ['1.30'] },
          { v: 'v1.11.4-eksbuild.1', on: ['1.29', '1.30'] },
        ]),
      ],
    });
    expect(brief(reason(s, inPlace('1.30')).steps)).toEqual([
      'addon:coredns v1.11.1-eksbuild.1->v1.11.3-eksbuild.1',
      'control-plane 1.29->1.30',
    ]);
  });

  test('given no cross-compatible version, then the add-on moves right after the hop and the window is warned', () => {
    const s = snapshot({
      addons: [addon('coredns', 'v1.10.1-eksbuild.1')],
      addonVersions: [
        addonInfo('coredns', [
          { v: 'v1.10.1-eksbuild.1', on: ['1.29'] },
          { v: 'v1.11.1-eksbuild.1', on: ['1.30'], defaultOn: ['1.30'] },
        ]),
      ],
    });
    const plan = reason(s, inPlace('1.30'));
    expect(brief(plan.steps)).toEqual([
      'control-plane 1.29->1.30',
      'addon:coredns v1.10.1-eksbuild.1->v1.11.1-eksbuild.1',
    ]);
    expect(plan.findings.map((f) => f.code)).toContain('ADDON_INCOMPATIBLE_WINDOW');
  });

  test('given kube-proxy, then it follows the control plane after each hop without a warning', () => {
    const s = snapshot({
      addons: [addon('kube-proxy', 'v1.29.10-eksbuild.3')],
      addonVersions: [
        addonInfo('kube-proxy', [
          { v: 'v1.29.10-eksbuild.3', on: ['1.29'], defaultOn: ['1.29'] },
          { v: 'v1.30.6-eksbuild.3', on: ['1.30'], defaultOn: ['1.30'] },
        ]),
      ],
    });
    const plan = reason(s, inPlace('1.30'));
    expect(brief(plan.steps)).toEqual([
      'control-plane 1.29->1.30',
      'addon:kube-proxy v1.29.10-eksbuild.3->v1.30.6-eksbuild.3',
    ]);
    expect(plan.findings.map((f) => f.code)).not.toContain('ADDON_INCOMPATIBLE_WINDOW');
  });

  test('given vpc-cni three minors behind the default, then it moves one minor at a time', () => {
    const on = minors(28, 30);
    const s = snapshot({
      addons: [addon('vpc-cni', 'v1.15.0-eksbuild.1')],
      addonVersions: [
        addonInfo('vpc-cni', [
          { v: 'v1.15.0-eksbuild.1', on },
          { v: 'v1.16.0-eksbuild.1', on },
          { v: 'v1.16.4-eksbuild.2', on },
          { v: 'v1.17.1-eksbuild.1', on },
          { v: 'v1.18.3-eksbuild.1', on, defaultOn: ['1.30'] },
        ]),
      ],
    });
    expect(brief(reason(s, inPlace('1.30')).steps)).toEqual([
      'control-plane 1.29->1.30',
      'addon:vpc-cni v1.15.0-eksbuild.1->v1.16.4-eksbuild.2',
      'addon:vpc-cni v1.16.4-eksbuild.2->v1.17.1-eksbuild.1',
      'addon:vpc-cni v1.17.1-eksbuild.1->v1.18.3-eksbuild.1',
    ]);
  });

  test('given vpc-cni with a missing intermediate minor, then it blocks', () => {
    const on = minors(28, 30);
    const s = snapshot({
      addons: [addon('vpc-cni', 'v1.15.0-eksbuild.1')],
      addonVersions: [
        addonInfo('vpc-cni', [
          { v: 'v1.15.0-eksbuild.1', on },
          { v: 'v1.17.1-eksbuild.1', on, defaultOn: ['1.30'] },
        ]),
      ],
    });
    expect(reason(s, inPlace('1.30')).findings.map((f) => `${f.severity}:${f.code}`)).toContain(
      'block:ADDON_MINOR_GAP',
    );
  });

  test('given an add-on already newer than the default, then it is never downgraded', () => {
    const s = snapshot({
      addons: [addon('aws-ebs-csi-driver', 'v1.44.0-eksbuild.1')],
      addonVersions: [
        addonInfo('aws-ebs-csi-driver', [
          { v: 'v1.38.1-eksbuild.1', on: minors(28, 31), defaultOn: ['1.30'] },
          { v: 'v1.44.0-eksbuild.1', on: minors(28, 33) },
        ]),
      ],
    });
    expect(reason(s, inPlace('1.30')).steps.filter((st) => st.kind === 'addon')).toEqual([]);
  });

  test('given the cluster is at the target, then only add-ons and node groups are brought along', () => {
    const s = snapshot({
      version: '1.30',
      nodegroups: [nodegroup('a', '1.29')],
      addons: [addon('coredns', 'v1.11.1-eksbuild.1')],
      addonVersions: [
        addonInfo('coredns', [
          { v: 'v1.11.1-eksbuild.1', on: ['1.29', '1.30'] },
          { v: 'v1.11.3-eksbuild.1', on: ['1.30'], defaultOn: ['1.30'] },
        ]),
      ],
    });
    expect(brief(reason(s, inPlace('1.30')).steps)).toEqual([
      'addon:coredns v1.11.1-eksbuild.1->v1.11.3-eksbuild.1',
      'nodegroup:a 1.29->1.30',
    ]);
  });

  test('estimates: 25 min per hop, node groups 5 min per batch of maxUnavailable nodes', () => {
    const s = snapshot({
      nodegroups: [
        nodegroup('six', '1.29', { scalingConfig: { desiredSize: 6 }, updateConfig: { maxUnavailable: 2 } }),
        nodegroup('pct', '1.29', {
          scalingConfig: { desiredSize: 10 },
          updateConfig: { maxUnavailablePercentage: 50 },
        }),
        nodegroup('one', '1.29'),
      ],
    });
    const plan = reason(s, inPlace('1.30'));
    expect(plan.steps.map((st) => st.estimatedMinutes)).toEqual([25, 15, 10, 5]);
    expect(plan.estimatedMinutes).toBe(55);
  });

  test('step ids are unique and stable', () => {
    const s = snapshot({ version: '1.28', nodegroups: [nodegroup('old', '1.25'), nodegroup('new', '1.28')] });
    const a = reason(s, inPlace('1.31'));
    const b = reason(s, inPlace('1.31'));
    expect(new Set(a.steps.map((st) => st.id)).size).toBe(a.steps.length);
    expect(a.steps.map((st) => st.id)).toEqual(b.steps.map((st) => st.id));
  });
});

describe('blue/green plan', () => {
  test('given blue_green, then it plans provision, the four default traffic steps and decommission, ready to run', () => {
    const s = snapshot({
      version: '1.28',
      nodegroups: [nodegroup('general', '1.28', { scalingConfig: { desiredSize: 3 } })],
    });
    const plan = reason(s, { targetVersion: '1.31', strategy: 'blue_green', force: false });
    expect(plan.steps.map((s) => s.kind)).toEqual([
      'provision-cluster',
      'shift-traffic',
      'shift-traffic',
      'shift-traffic',
      'shift-traffic',
      'decommission-cluster',
    ]);
    expect(plan.steps[0]).toMatchObject({ name: 'test-cluster-1-31', from: '1.28', to: '1.31' });
    expect(plan.steps.filter((s) => s.kind === 'shift-traffic').map((s) => `${s.from}->${s.to}`)).toEqual([
      '0->10',
      '10->25',
      '25->50',
      '50->100',
    ]);
    expect(plan.verdict).toBe('ready');
    expect(plan.findings.map((f) => f.code)).not.toContain('STRATEGY_NOT_EXECUTABLE');
    const cost = plan.findings.find((f) => f.code === 'BLUE_GREEN_SIDE_BY_SIDE');
    expect(cost?.severity).toBe('info');
    // 20 min provisioning + 3 x 5 min for the nodes, 4 x 10 min soak, 60 min final bake: 135 min.
    expect(cost?.message).toContain('side by side for about 2.3 h');
    expect(cost?.message).toContain('1 node group(s) (3 node(s)');
    expect(plan.steps[0]?.estimatedMinutes).toBe(35);
    expect(plan.steps.at(-1)).toMatchObject({ name: 'test-cluster', to: 'deleted', estimatedMinutes: 75 });
  });

  test('given a name pattern EKS would refuse, then the plan is blocked naming the pattern', () => {
    const policy = { ...DEFAULT_POLICY, blueGreen: { ...DEFAULT_POLICY.blueGreen, namePattern: '-{blue}' } };
    const plan = reason(
      snapshot({ version: '1.28' }),
      { targetVersion: '1.29', strategy: 'blue_green', force: false },
      policy,
    );
    expect(plan.verdict).toBe('blocked');
    const finding = plan.findings.find((f) => f.code === 'GREEN_NAME_INVALID');
    expect(finding?.severity).toBe('block');
    expect(finding?.message).toContain('"-{blue}" gives "-test-cluster"');
  });

  test('given an add-on with no version for the target, then the plan is blocked; a far one that has one is not', () => {
    const s = snapshot({
      version: '1.28',
      addons: [addon('eks-pod-identity-agent', 'v1.3.4-eksbuild.1')],
    });
    // Green's add-ons are new: no one-minor-at-a-time path is needed, only a version for the target.
    const ready = reason(s, { targetVersion: '1.31', strategy: 'blue_green', force: false });
    expect(ready.verdict).toBe('ready');
    const blocked = reason(s, { targetVersion: '1.34', strategy: 'blue_green', force: false });
    const finding = blocked.findings.find((f) => f.code === 'ADDON_NO_TARGET_VERSION');
    expect(finding).toMatchObject({ severity: 'block', resource: 'eks-pod-identity-agent' });
    expect(finding?.message).toContain('no version compatible with Kubernetes 1.34');
  });
});
