import { DEFAULT_POLICY, type UpgradeRequest } from '../../../lib/domain/plan-types';
import { reason } from '../../../lib/domain/reason';
import { addon, addonInfo, minors, nodegroup, snapshot } from '../../support/snapshot-builder';

const inPlace = (targetVersion: string, extra: Partial<UpgradeRequest> = {}): UpgradeRequest => ({
  targetVersion,
  strategy: 'in_place',
  force: false,
  ...extra,
});
const codes = (plan: ReturnType<typeof reason>) => plan.findings.map((f) => `${f.severity}:${f.code}`);

describe('preflight findings', () => {
  test('given a cluster that is UPDATING, when planning, then it blocks', () => {
    const s = snapshot();
    const plan = reason({ ...s, cluster: { ...s.cluster, status: 'UPDATING' } }, inPlace('1.30'));
    expect(plan.verdict).toBe('blocked');
    expect(codes(plan)).toContain('block:CLUSTER_NOT_ACTIVE');
  });

  test('given a healthy cluster, when planning one hop, then it is ready with no blocking finding', () => {
    const plan = reason(snapshot(), inPlace('1.30'));
    expect(plan.verdict).toBe('ready');
    expect(plan.findings.filter((f) => f.severity === 'block')).toEqual([]);
  });

  test('given a malformed target, when planning, then it throws InvalidRequestError', () => {
    expect(() => reason(snapshot(), inPlace('1.3x'))).toThrow(
      expect.objectContaining({ name: 'InvalidRequestError' }),
    );
  });

  test('given a target below the current version, then it blocks and plans no step', () => {
    const plan = reason(snapshot({ version: '1.30' }), inPlace('1.29'));
    expect(codes(plan)).toContain('block:TARGET_BELOW_CURRENT');
    expect(plan.steps).toEqual([]);
  });

  test('given a target of another major version, then it is refused as a bad request', () => {
    expect(() => reason(snapshot(), inPlace('2.0'))).toThrow(/only major version 1/);
  });

  test('given a target no compatibility data knows, then it blocks naming the newest known', () => {
    const plan = reason(snapshot(), inPlace('1.35'));
    const finding = plan.findings.find((f) => f.code === 'TARGET_UNKNOWN');
    expect(finding?.severity).toBe('block');
    expect(finding?.message).toContain('1.33');
  });

  test('given the target equals the current version, then it says so as info', () => {
    expect(codes(reason(snapshot(), inPlace('1.29')))).toContain('info:TARGET_IS_CURRENT');
  });

  describe('upgrade readiness insights', () => {
    const insight = (status: string, kubernetesVersion: string) => ({
      id: `insight-${status}-${kubernetesVersion}`,
      name: 'Deprecated APIs removed in Kubernetes v1.30',
      category: 'UPGRADE_READINESS',
      kubernetesVersion,
      insightStatus: { status, reason: 'Deprecated API usage detected.' },
      categorySpecificSummary: {
        deprecationDetails: [
          {
            usage: '/apis/flowcontrol.apiserver.k8s.io/v1beta2/flowschemas',
            replacedWith: '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas',
            stopServingVersion: '1.30',
            clientStats: [{ userAgent: 'argocd/v2.4', numberOfRequestsLast30Days: 42 }],
          },
        ],
      },
    });

    test('given an ERROR insight for a hop, then it blocks naming the API and the client', () => {
      const plan = reason(snapshot({ insights: [insight('ERROR', '1.30')] }), inPlace('1.31'));
      const finding = plan.findings.find((f) => f.code === 'INSIGHT_ERROR');
      expect(finding?.severity).toBe('block');
      expect(finding?.message).toContain('/apis/flowcontrol.apiserver.k8s.io/v1beta2/flowschemas');
      expect(finding?.message).toContain('argocd/v2.4 (42 calls in 30 days)');
    });

    test('given an ERROR insight and --force, then it only warns', () => {
      const plan = reason(
        snapshot({ insights: [insight('ERROR', '1.30')] }),
        inPlace('1.31', { force: true }),
      );
      expect(codes(plan)).toContain('warn:INSIGHT_ERROR');
      expect(plan.verdict).toBe('ready');
    });

    test('given an ERROR insight for a version the plan does not reach, then it is ignored', () => {
      const plan = reason(snapshot({ insights: [insight('ERROR', '1.32')] }), inPlace('1.30'));
      expect(codes(plan)).not.toContain('block:INSIGHT_ERROR');
    });

    test('given a WARNING insight, then it warns; UNKNOWN is info; PASSING says nothing', () => {
      const s = snapshot({
        insights: [insight('WARNING', '1.30'), insight('UNKNOWN', '1.30'), insight('PASSING', '1.30')],
      });
      expect(codes(reason(s, inPlace('1.30')))).toEqual(
        expect.arrayContaining(['warn:INSIGHT_WARNING', 'info:INSIGHT_UNKNOWN']),
      );
      expect(codes(reason(s, inPlace('1.30'))).filter((c) => c.includes('INSIGHT'))).toHaveLength(2);
    });

    test('given a MISCONFIGURATION insight in ERROR, then it does not block the upgrade', () => {
      const s = snapshot({ insights: [{ ...insight('ERROR', '1.30'), category: 'MISCONFIGURATION' }] });
      expect(reason(s, inPlace('1.30')).verdict).toBe('ready');
    });
  });

  test('given free IPs summed over subnets but no subnet with 5, then it blocks; two zones with 5 do not', () => {
    const subnets = (a: number, b: number) => [
      { SubnetId: 'subnet-a', AvailabilityZone: 'eu-west-1a', AvailableIpAddressCount: a },
      { SubnetId: 'subnet-b', AvailabilityZone: 'eu-west-1b', AvailableIpAddressCount: b },
    ];
    expect(codes(reason(snapshot({ subnets: subnets(4, 4) }), inPlace('1.30')))).toContain(
      'block:SUBNET_FREE_IPS',
    );
    expect(codes(reason(snapshot({ subnets: subnets(5, 5) }), inPlace('1.30')))).not.toContain(
      'block:SUBNET_FREE_IPS',
    );
    expect(DEFAULT_POLICY.minFreeIps).toBe(5);
  });

  test('given no subnet data for a cluster subnet, then it warns that IPs are unchecked', () => {
    expect(codes(reason(snapshot({ subnets: [] }), inPlace('1.30')))).toContain('warn:SUBNET_DATA_MISSING');
  });

  test('given an add-on with no version for a hop, then it blocks naming the add-on and the hop', () => {
    const s = snapshot({
      addons: [addon('coredns', 'v1.11.1-eksbuild.1')],
      addonVersions: [addonInfo('coredns', [{ v: 'v1.11.1-eksbuild.1', on: minors(28, 30) }])],
    });
    const finding = reason(s, inPlace('1.31')).findings.find((f) => f.code === 'ADDON_NO_COMPATIBLE_VERSION');
    expect(finding?.severity).toBe('block');
    expect(finding?.resource).toBe('coredns');
    expect(finding?.message).toContain('1.31');
  });

  test('given an installed add-on without compatibility data, then it blocks', () => {
    const s = snapshot({ addons: [addon('vpc-cni', 'v1.18.0-eksbuild.1')] });
    expect(codes(reason(s, inPlace('1.30')))).toContain('block:ADDON_NO_COMPATIBILITY_DATA');
  });

  test('given an add-on UPDATING, then it blocks; DEGRADED with a health issue warns', () => {
    const info = addonInfo('coredns', [{ v: 'v1.11.1-eksbuild.1', on: minors(28, 31) }]);
    const busy = snapshot({
      addons: [addon('coredns', 'v1.11.1-eksbuild.1', { status: 'UPDATING' })],
      addonVersions: [info],
    });
    expect(codes(reason(busy, inPlace('1.30')))).toContain('block:ADDON_BUSY');
    const degraded = snapshot({
      addons: [
        addon('coredns', 'v1.11.1-eksbuild.1', {
          status: 'DEGRADED',
          health: { issues: [{ code: 'InsufficientNumberOfReplicas', message: 'too few replicas.' }] },
        }),
      ],
      addonVersions: [info],
    });
    const plan = reason(degraded, inPlace('1.30'));
    expect(codes(plan)).toEqual(expect.arrayContaining(['warn:ADDON_NOT_ACTIVE', 'warn:ADDON_HEALTH_ISSUE']));
    expect(plan.verdict).toBe('ready');
  });

  test('given a node group UPDATING, then it blocks; DEGRADED warns', () => {
    expect(
      codes(
        reason(snapshot({ nodegroups: [nodegroup('a', '1.29', { status: 'UPDATING' })] }), inPlace('1.30')),
      ),
    ).toContain('block:NODEGROUP_BUSY');
    expect(
      codes(
        reason(snapshot({ nodegroups: [nodegroup('a', '1.29', { status: 'DEGRADED' })] }), inPlace('1.30')),
      ),
    ).toContain('warn:NODEGROUP_NOT_ACTIVE');
  });

  test('given a node group newer than the control plane, then it blocks', () => {
    expect(codes(reason(snapshot({ nodegroups: [nodegroup('a', '1.30')] }), inPlace('1.30')))).toContain(
      'block:NODEGROUP_AHEAD_OF_CONTROL_PLANE',
    );
  });

  test('given a node group behind the control plane, then kubelet skew is reported as info', () => {
    const finding = reason(snapshot({ nodegroups: [nodegroup('a', '1.27')] }), inPlace('1.30')).findings.find(
      (f) => f.code === 'KUBELET_SKEW',
    );
    expect(finding).toMatchObject({ severity: 'info', resource: 'a' });
    expect(finding?.message).toContain('2 minor');
  });

  test('given an AL2 node group and a target after 1.32, then it blocks; at 1.32 it does not', () => {
    const s = snapshot({
      version: '1.32',
      nodegroups: [nodegroup('old', '1.32', { amiType: 'AL2_x86_64' })],
    });
    expect(codes(reason(s, inPlace('1.33')))).toContain('block:AMI_TYPE_UNSUPPORTED');
    const t = snapshot({
      version: '1.31',
      nodegroups: [nodegroup('old', '1.31', { amiType: 'AL2_x86_64' })],
    });
    expect(codes(reason(t, inPlace('1.32')))).not.toContain('block:AMI_TYPE_UNSUPPORTED');
  });

  test('given a custom-AMI node group, then it blocks with what to do', () => {
    const plan = reason(
      snapshot({ nodegroups: [nodegroup('c', '1.29', { amiType: 'CUSTOM' })] }),
      inPlace('1.30'),
    );
    expect(plan.findings.find((f) => f.code === 'NODEGROUP_CUSTOM_AMI')?.message).toContain(
      'launch template',
    );
  });

  test('given Fargate profiles, then it asks for a restart of their pods before each hop', () => {
    const plan = reason(
      snapshot({ fargateProfiles: [{ fargateProfileName: 'fp-default' }] }),
      inPlace('1.30'),
    );
    expect(plan.findings.find((f) => f.code === 'FARGATE_PODS_RESTART')?.message).toContain(
      'before each control-plane update (to 1.30)',
    );
  });

  test('given a version past standard support, then the extended-support cost is stated', () => {
    const s = snapshot({
      clusterVersions: [{ clusterVersion: '1.29', endOfStandardSupportDate: '2025-03-23T00:00:00Z' }],
    });
    const finding = reason(s, inPlace('1.30', { now: '2026-01-01T00:00:00Z' })).findings.find(
      (f) => f.code === 'EXTENDED_SUPPORT_COST',
    );
    expect(finding?.message).toContain('$0.60');
    const before = reason(s, inPlace('1.30', { now: '2025-01-01T00:00:00Z' }));
    expect(codes(before)).toContain('info:STANDARD_SUPPORT_ENDS');
  });

  test('findings are ordered block, warn, info', () => {
    const s = snapshot({ subnets: [], nodegroups: [nodegroup('a', '1.28')], insights: [] });
    const sev = reason({ ...s, cluster: { ...s.cluster, status: 'FAILED' } }, inPlace('1.30')).findings.map(
      (f) => f.severity,
    );
    expect(sev).toEqual(
      [...sev].sort((a, b) => ['block', 'warn', 'info'].indexOf(a) - ['block', 'warn', 'info'].indexOf(b)),
    );
    expect(sev[0]).toBe('block');
  });
});
