import { DEFAULT_POLICY, type Finding, type PlanningPolicy } from '../../../lib/domain/plan-types';
import { nodegroupsAhead, planBlueGreen, planInPlace } from '../../../lib/domain/planner';
import type { KubernetesVersion } from '../../../lib/domain/version';
import { addon, addonInfo, minors, nodegroup, snapshot } from '../../support/snapshot-builder';

/**
 * The planner's steps and findings asserted whole (ids, hops, estimates, messages,
 * resources), with the findings that must not appear, straight from planInPlace and
 * planBlueGreen (no preflight finding mixed in).
 */
const v = (version: string) => version as KubernetesVersion;

describe('planInPlace, whole steps and findings', () => {
  it('given one hop with an add-on and a node group, then every step carries its id, hop and estimate', () => {
    const s = snapshot({
      version: '1.29',
      nodegroups: [nodegroup('a', '1.29')],
      addons: [addon('kube-proxy', 'kp-29')],
      addonVersions: [
        addonInfo('kube-proxy', [
          { v: 'kp-29', on: ['1.29'], defaultOn: ['1.29'] },
          { v: 'kp-30', on: ['1.30'], defaultOn: ['1.30'] },
        ]),
      ],
    });
    const result = planInPlace(s, v('1.30'), DEFAULT_POLICY);
    expect(result.steps).toEqual([
      {
        kind: 'control-plane',
        id: 'control-plane:1.30',
        hop: '1.30',
        from: '1.29',
        to: '1.30',
        estimatedMinutes: 25,
      },
      {
        kind: 'addon',
        id: 'addon:kube-proxy:kp-30',
        name: 'kube-proxy',
        hop: '1.30',
        from: 'kp-29',
        to: 'kp-30',
        estimatedMinutes: 3,
      },
      expect.objectContaining({ kind: 'nodegroup', name: 'a', hop: '1.30', from: '1.29', to: '1.30' }),
    ]);
    expect(result.findings).toEqual([]);
  });

  it('given a node group newer than the control plane, then no step moves it', () => {
    const s = snapshot({
      version: '1.29',
      nodegroups: [nodegroup('ahead', '1.31'), nodegroup('ok', '1.29')],
    });
    const steps = planInPlace(s, v('1.30'), DEFAULT_POLICY).steps;
    expect(steps.map((st) => `${st.kind}:${'name' in st ? st.name : ''}`)).toEqual([
      'control-plane:',
      'nodegroup:ok',
    ]);
  });

  it('given groups moved only to match and one moved for skew, then the finding names only the former', () => {
    const s = snapshot({
      version: '1.28',
      nodegroups: [nodegroup('old', '1.25'), nodegroup('b', '1.27'), nodegroup('c', '1.27')],
    });
    const result = planInPlace(s, v('1.29'), DEFAULT_POLICY);
    expect(
      result.steps.map((st) => `${st.kind}:${'name' in st ? st.name : ''} ${st.from}->${st.to}`),
    ).toEqual([
      'nodegroup:old 1.25->1.28',
      'nodegroup:b 1.27->1.28',
      'nodegroup:c 1.27->1.28',
      'control-plane: 1.28->1.29',
      'nodegroup:old 1.28->1.29',
      'nodegroup:b 1.28->1.29',
      'nodegroup:c 1.28->1.29',
    ]);
    expect(result.findings).toEqual<Finding[]>([
      {
        code: 'NODEGROUPS_MATCH_BEFORE_HOP',
        severity: 'info',
        message: expect.stringMatching(
          /^Node group\(s\) b, c are updated to the control-plane version before each hop although the kubelet skew policy would allow them to trail it: /,
        ),
        resource: 'test-cluster',
      },
    ]);
  });

  it('given the kubelet-skew rule, then no group is moved only to match and no finding is given', () => {
    const policy: PlanningPolicy = { ...DEFAULT_POLICY, nodegroupVersionRule: 'kubelet-skew' };
    const s = snapshot({ version: '1.28', nodegroups: [nodegroup('b', '1.27')] });
    const result = planInPlace(s, v('1.30'), policy);
    expect(result.findings).toEqual([]);
    expect(result.steps.filter((st) => st.kind === 'nodegroup').map((st) => `${st.from}->${st.to}`)).toEqual([
      '1.27->1.30',
    ]);
  });

  it('given node groups already at the target, then no node-group step', () => {
    const s = snapshot({ version: '1.30', nodegroups: [nodegroup('a', '1.30')] });
    expect(planInPlace(s, v('1.30'), DEFAULT_POLICY)).toEqual({ steps: [], findings: [] });
  });

  it('given the cluster at the target, then add-on moves come without a control-plane step', () => {
    const s = snapshot({
      version: '1.30',
      addons: [addon('coredns', 'c1')],
      addonVersions: [
        addonInfo('coredns', [
          { v: 'c1', on: ['1.30'] },
          { v: 'c2', on: ['1.30'], defaultOn: ['1.30'] },
        ]),
      ],
    });
    expect(planInPlace(s, v('1.30'), DEFAULT_POLICY).steps.map((st) => st.id)).toEqual(['addon:coredns:c2']);
  });
});

describe('planBlueGreen, whole steps and findings', () => {
  const policy: PlanningPolicy = {
    ...DEFAULT_POLICY,
    trafficSteps: [50, 100],
    blueGreen: { namePattern: '{blue}-{target}', soakMinutes: 30, finalBakeMinutes: 0 },
  };

  it('given no node groups, then provisioning takes the cluster time alone, and each step is whole', () => {
    const result = planBlueGreen(snapshot({ version: '1.29' }), v('1.31'), policy);
    expect(result.steps).toEqual([
      {
        kind: 'provision-cluster',
        id: 'provision-cluster:test-cluster-1-31',
        name: 'test-cluster-1-31',
        hop: '1.31',
        from: '1.29',
        to: '1.31',
        estimatedMinutes: 20,
      },
      {
        kind: 'shift-traffic',
        id: 'shift-traffic:test-cluster-1-31:50',
        name: 'test-cluster-1-31',
        hop: '1.31',
        from: '0',
        to: '50',
        estimatedMinutes: 30,
      },
      {
        kind: 'shift-traffic',
        id: 'shift-traffic:test-cluster-1-31:100',
        name: 'test-cluster-1-31',
        hop: '1.31',
        from: '50',
        to: '100',
        estimatedMinutes: 30,
      },
      {
        kind: 'decommission-cluster',
        id: 'decommission-cluster:test-cluster',
        name: 'test-cluster',
        hop: '1.31',
        from: '1.29',
        to: 'deleted',
        estimatedMinutes: 15,
      },
    ]);
    // 20 min provisioning + 2 x 30 min soak + 0 final bake = 80 min = 1.3 h.
    expect(result.findings).toEqual<Finding[]>([
      {
        code: 'BLUE_GREEN_SIDE_BY_SIDE',
        severity: 'info',
        message:
          'Blue test-cluster and green test-cluster-1-31 run side by side for about 1.3 h (provisioning, 2 traffic steps of 30 min, a final bake of 0 min): a second control plane (EKS: $0.10 per hour in standard support) and a second set of 0 node group(s) (0 node(s) at their desired sizes) for that time.',
        resource: 'test-cluster-1-31',
      },
    ]);
  });

  it('given node groups, then provisioning waits for the slowest and their nodes are counted', () => {
    const s = snapshot({
      version: '1.29',
      nodegroups: [
        nodegroup('big', '1.29', { scalingConfig: { desiredSize: 4 } }),
        nodegroup('small', '1.29'),
      ],
    });
    const result = planBlueGreen(s, v('1.30'), policy);
    expect(result.steps[0]?.estimatedMinutes).toBe(40);
    expect(result.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('a second set of 2 node group(s) (4 node(s) at their desired sizes)'),
    ]);
  });

  it('given a name pattern EKS refuses, then a block on blue and steps under the default name', () => {
    const bad = { ...policy, blueGreen: { ...policy.blueGreen, namePattern: '_{blue}' } };
    const result = planBlueGreen(snapshot({ version: '1.29' }), v('1.30'), bad);
    expect(result.findings[0]).toEqual({
      code: 'GREEN_NAME_INVALID',
      severity: 'block',
      message: expect.stringContaining('blueGreen/namePattern "_{blue}" gives "_test-cluster"'),
      resource: 'test-cluster',
    });
    expect(result.findings.map((f) => f.code)).toEqual(['GREEN_NAME_INVALID', 'BLUE_GREEN_SIDE_BY_SIDE']);
    expect(result.steps[0]).toMatchObject({
      id: 'provision-cluster:test-cluster-1-30',
      name: 'test-cluster-1-30',
    });
  });

  it('given add-ons with and without a version for the target, then a block for the latter only', () => {
    const s = snapshot({
      version: '1.29',
      addons: [addon('coredns', 'c1'), addon('old', 'o1'), addon('unknown', 'u1')],
      addonVersions: [
        addonInfo('coredns', [{ v: 'c1', on: minors(29, 31) }]),
        addonInfo('old', [{ v: 'o1', on: ['1.29'] }]),
      ],
    });
    const blocks = planBlueGreen(s, v('1.31'), policy).findings.filter((f) => f.severity === 'block');
    expect(blocks).toEqual<Finding[]>([
      {
        code: 'ADDON_NO_TARGET_VERSION',
        severity: 'block',
        message:
          'old has no version compatible with Kubernetes 1.31 in the add-on compatibility data, so green cannot be created with it. Choose a target the add-on supports, or remove the add-on from blue first.',
        resource: 'old',
      },
      expect.objectContaining({ code: 'ADDON_NO_TARGET_VERSION', resource: 'unknown' }),
    ]);
  });
});

describe('nodegroupsAhead', () => {
  it('lists exactly the node groups newer than the control plane', () => {
    const s = snapshot({
      version: '1.29',
      nodegroups: [nodegroup('same', '1.29'), nodegroup('ahead', '1.30'), nodegroup('behind', '1.28')],
    });
    expect(nodegroupsAhead(s).map((ng) => ng.nodegroupName)).toEqual(['ahead']);
  });
});
