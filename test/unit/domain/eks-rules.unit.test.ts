import { DEFAULT_POLICY, type Finding, type UpgradeRequest } from '../../../lib/domain/plan-types';
import { checkFargate, checkNodegroups, checkSupportAndCost } from '../../../lib/domain/preflight-compute';
import { checkInsights, formatAge } from '../../../lib/domain/preflight-insights';
import { checkLaunchTemplates } from '../../../lib/domain/preflight-launch-templates';
import { checkSubnets } from '../../../lib/domain/preflight-network';
import { reason } from '../../../lib/domain/reason';
import { addon, addonInfo, minors, nodegroup, snapshot } from '../../support/snapshot-builder';

/**
 * EKS's documented rules, each asserted as the exact list of findings it gives:
 * code, severity, message and resource, and no other finding.
 */

const request = (extra: Partial<UpgradeRequest> = {}): UpgradeRequest => ({
  targetVersion: '1.31',
  strategy: 'in_place',
  force: false,
  ...extra,
});

const insight = (
  id: string,
  status: string,
  extra: { category?: string; kubernetesVersion?: string; lastRefreshTime?: string } = {},
) => ({
  id,
  name: `Check ${id}`,
  category: 'UPGRADE_READINESS',
  insightStatus: { status, reason: 'Reason.' },
  recommendation: 'Do this.',
  ...extra,
});

describe('insights of every category', () => {
  test('a WARNING for a later hop says it becomes blocking at the hop before it', () => {
    const s = snapshot({
      version: '1.29',
      insights: [insight('w', 'WARNING', { kubernetesVersion: '1.31' })],
    });
    expect(checkInsights(s, ['1.30', '1.31'], request(), DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'INSIGHT_BLOCKS_LATER_HOP',
        severity: 'warn',
        message:
          'Upgrade insight Check w (for 1.31) warns now and becomes blocking when the cluster reaches 1.30: EKS reports ERROR for the next minor version and WARNING for later ones. Reason. Do this. Execution re-reads insights before each control-plane hop and stops before 1.31 if this one is then in ERROR (unless forced).',
        resource: 'w',
      },
    ]);
  });

  test('a WARNING for the first hop only warns; an ERROR for it blocks unless forced', () => {
    const s = snapshot({
      insights: [
        insight('w', 'WARNING', { kubernetesVersion: '1.30' }),
        insight('e', 'ERROR', { kubernetesVersion: '1.30' }),
      ],
    });
    expect(checkInsights(s, ['1.30'], request(), DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'INSIGHT_WARNING',
        severity: 'warn',
        message: 'Upgrade insight Check w (for 1.30) warns. Reason. Do this.',
        resource: 'w',
      },
      {
        code: 'INSIGHT_ERROR',
        severity: 'block',
        message:
          'Upgrade insight Check e (for 1.30) is failing. Reason. Do this. Fix it, or pass --force to override as EKS allows.',
        resource: 'e',
      },
    ]);
    expect(checkInsights(s, ['1.30'], request({ force: true }), DEFAULT_POLICY)[1]).toMatchObject({
      code: 'INSIGHT_ERROR',
      severity: 'warn',
    });
  });

  test('configuration and rollback-readiness insights become findings with their own severities', () => {
    const s = snapshot({
      insights: [
        insight('c1', 'ERROR', { category: 'MISCONFIGURATION' }),
        insight('c2', 'WARNING', { category: 'MISCONFIGURATION' }),
        insight('c3', 'PASSING', { category: 'MISCONFIGURATION' }),
        insight('r1', 'ERROR', { category: 'ROLLBACK_READINESS', kubernetesVersion: '1.28' }),
      ],
    });
    expect(checkInsights(s, ['1.30'], request(), DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'CONFIG_INSIGHT_ERROR',
        severity: 'warn',
        message: 'Configuration insight Check c1 is ERROR. Reason. Do this.',
        resource: 'c1',
      },
      {
        code: 'CONFIG_INSIGHT_WARNING',
        severity: 'info',
        message: 'Configuration insight Check c2 is WARNING. Reason. Do this.',
        resource: 'c2',
      },
      {
        code: 'ROLLBACK_INSIGHT_ERROR',
        severity: 'warn',
        message:
          'Rollback-readiness insight Check r1 (for 1.28) is ERROR: a control-plane version rollback after a failed validation may be refused. Reason. Do this.',
        resource: 'r1',
      },
    ]);
    expect(reason(s, request({ targetVersion: '1.30' })).verdict).toBe('ready');
  });

  test('insights refreshed more than 24 h before the capture are stale, with their age', () => {
    const s = snapshot({
      capturedAt: '2026-11-27T08:00:00.000Z',
      insights: [
        insight('old', 'PASSING', { kubernetesVersion: '1.30', lastRefreshTime: '2026-11-24T05:00:00.000Z' }),
        insight('day', 'PASSING', { kubernetesVersion: '1.30', lastRefreshTime: '2026-11-26T07:00:00.000Z' }),
        insight('fresh', 'PASSING', {
          kubernetesVersion: '1.30',
          lastRefreshTime: '2026-11-27T06:00:00.000Z',
        }),
      ],
    });
    expect(checkInsights(s, ['1.30'], request(), DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'INSIGHTS_STALE',
        severity: 'warn',
        message:
          '2 insight(s) were last refreshed more than 24 h before the snapshot was captured, so their status may be out of date (Check old (for 1.30): 3 d 3 h old; Check day (for 1.30): 25 h old). Refresh them (StartInsightsRefresh) and capture the snapshot again.',
        resource: 'old,day',
      },
    ]);
    const { capturedAt: _dropped, ...noCapture } = s;
    expect(checkInsights(noCapture, ['1.30'], request(), DEFAULT_POLICY)).toEqual([]);
  });

  test('ages read in hours under two days, in days and hours above', () => {
    expect(formatAge(47 * 3_600_000)).toBe('47 h');
    expect(formatAge(50 * 3_600_000 + 59 * 60_000)).toBe('2 d 2 h');
  });
});

describe('free IP addresses per subnet and per Availability Zone', () => {
  const subnet = (id: string, zone: string, free: number) => ({
    SubnetId: id,
    AvailabilityZone: zone,
    AvailableIpAddressCount: free,
  });
  const cluster = (subnets: ReturnType<typeof subnet>[]) => {
    const s = snapshot({ subnets });
    return {
      ...s,
      cluster: { ...s.cluster, resourcesVpcConfig: { subnetIds: subnets.map((x) => x.SubnetId) } },
    };
  };

  test('addresses summed over subnets do not count: one zone with room blocks', () => {
    const s = cluster([subnet('s-1', 'az-1', 40), subnet('s-2', 'az-2', 3), subnet('s-3', 'az-2', 3)]);
    expect(checkSubnets(s, DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'SUBNET_FREE_IPS',
        severity: 'block',
        message:
          "1 Availability Zone(s) have a cluster subnet with at least 5 free IP addresses; a control-plane update needs up to 5 in the subnets EKS picks, across at least two Availability Zones (else InsufficientFreeAddresses). Cluster subnets: s-1 (az-1): 40 free; s-2 (az-2): 3 free; s-3 (az-2): 3 free. Free addresses, or add subnets in the cluster's Availability Zones with UpdateClusterConfig.",
        resource: 's-1,s-2,s-3',
      },
    ]);
  });

  test('two zones with room pass; a subnet short of 5 still warns, since EKS may pick it', () => {
    const s = cluster([subnet('s-1', 'az-1', 5), subnet('s-2', 'az-2', 9), subnet('s-3', 'az-3', 2)]);
    expect(checkSubnets(s, DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'SUBNET_LOW_FREE_IPS',
        severity: 'warn',
        message:
          'Cluster subnet s-3 (az-3): 2 free, fewer than 5: EKS may create the new control-plane network interfaces in any cluster subnet, and the update can fail if that one lacks addresses. Free addresses or replace it with UpdateClusterConfig.',
        resource: 's-3',
      },
    ]);
  });

  test('node-group subnets: a zone without a subnet of 2 free addresses warns; unknown ones are said', () => {
    const s = {
      ...cluster([subnet('s-1', 'az-1', 50), subnet('s-2', 'az-2', 50), subnet('n-1', 'az-1', 1)]),
      nodegroups: [nodegroup('workers', '1.29', { subnets: ['s-1', 'n-1', 'n-9'] })],
    };
    s.cluster.resourcesVpcConfig.subnetIds = ['s-1', 's-2'];
    expect(checkSubnets(s, DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'NODEGROUP_SUBNET_DATA_MISSING',
        severity: 'info',
        message:
          'No DescribeSubnets data for node-group subnet(s) n-9: their free IP addresses are not checked.',
        resource: 'n-9',
      },
    ]);
    s.nodegroups = [nodegroup('workers', '1.29', { subnets: ['n-1'] })];
    expect(checkSubnets(s, DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'NODEGROUP_SUBNET_FREE_IPS',
        severity: 'warn',
        message:
          'Node group workers: no subnet with at least 2 free IP addresses in az-1 (n-1 (az-1): 1 free); its update launches replacement nodes there before draining old ones and can fail with NodeCreationFailure. Free addresses first.',
        resource: 'workers',
      },
    ]);
  });
});

describe('support, extended support and automatic upgrades', () => {
  const versions = [
    {
      clusterVersion: '1.29',
      endOfStandardSupportDate: '2025-03-23T00:00:00Z',
      endOfExtendedSupportDate: '2026-03-23T00:00:00Z',
    },
  ];
  const at = (now: string) => request({ now });
  const only = (findings: Finding[]) =>
    findings.map(({ code, severity, message }) => ({ code, severity, message }));

  test('no upgradePolicy means EXTENDED, the default: in extended support, it cannot be turned off', () => {
    const s = snapshot({ clusterVersions: versions });
    expect(only(checkSupportAndCost(s, at('2025-06-01T00:00:00Z')))).toEqual([
      {
        code: 'EXTENDED_SUPPORT_COST',
        severity: 'info',
        message:
          'Kubernetes 1.29 left standard support on 2025-03-23; with no upgrade policy (EXTENDED, the default) the control plane is billed at extended-support rates (about $0.60 instead of $0.10 per cluster-hour) until it is upgraded, and extended support cannot be turned off once entered. When it ends, on 2026-03-23, EKS upgrades the cluster to the next version itself.',
      },
    ]);
  });

  test('past the end of extended support, EKS upgrades the cluster itself: a warning with the date', () => {
    const s = snapshot({ clusterVersions: versions });
    expect(only(checkSupportAndCost(s, at('2026-04-01T00:00:00Z')))).toEqual([
      {
        code: 'EXTENDED_SUPPORT_ENDED',
        severity: 'warn',
        message:
          'Kubernetes 1.29 reached the end of extended support on 2026-03-23: EKS upgrades such a cluster to the next version itself, at a time of its choosing. Upgrade now, in a window you choose.',
      },
    ]);
  });

  test('STANDARD past the end of standard support is upgraded by EKS; before it, the date is given', () => {
    const s = snapshot({ clusterVersions: versions });
    const standard = { ...s, cluster: { ...s.cluster, upgradePolicy: { supportType: 'STANDARD' as const } } };
    expect(only(checkSupportAndCost(standard, at('2025-06-01T00:00:00Z')))).toEqual([
      {
        code: 'STANDARD_SUPPORT_ENDED',
        severity: 'warn',
        message:
          'Kubernetes 1.29 left standard support on 2025-03-23 and the cluster has upgrade policy STANDARD: EKS upgrades it to the next version itself, at a time of its choosing. Upgrade now, in a window you choose.',
      },
    ]);
    expect(only(checkSupportAndCost(s, at('2025-01-01T00:00:00Z')))).toEqual([
      {
        code: 'STANDARD_SUPPORT_ENDS',
        severity: 'info',
        message:
          'Standard support for Kubernetes 1.29 ends on 2025-03-23; with no upgrade policy (EXTENDED, the default), after that the cluster enters extended support (about $0.60 instead of $0.10 per cluster-hour) until 2026-03-23, when EKS upgrades it itself.',
      },
    ]);
  });

  test('without support dates, the default policy is still named', () => {
    expect(only(checkSupportAndCost(snapshot(), at('2025-01-01T00:00:00Z')))).toEqual([
      {
        code: 'EXTENDED_SUPPORT_ENROLLED',
        severity: 'info',
        message:
          'The cluster has no upgrade policy (EXTENDED, the default): once 1.29 leaves standard support it costs about $0.60 instead of $0.10 per cluster-hour, and extended support cannot be turned off once entered.',
      },
    ]);
  });
});

describe('Amazon Linux 2 and Fargate', () => {
  test('AL2 warns at every target up to 1.32 and blocks past it', () => {
    const s = snapshot({
      version: '1.31',
      nodegroups: [nodegroup('old', '1.31', { amiType: 'AL2_ARM_64' })],
    });
    expect(checkNodegroups(s, '1.32')).toEqual<Finding[]>([
      {
        code: 'AMI_TYPE_AL2_END_OF_SUPPORT',
        severity: 'warn',
        message:
          'Node group old uses AL2_ARM_64: EKS-optimized Amazon Linux 2 AMIs reached end of support on 2025-11-26 and no new ones are published, so its update to 1.32 gets an AMI without further security fixes. Plan its replacement with an AL2023 or Bottlerocket node group.',
        resource: 'old',
      },
    ]);
    expect(checkNodegroups(s, '1.33').map((f) => `${f.severity}:${f.code}`)).toEqual([
      'block:AMI_TYPE_UNSUPPORTED',
    ]);
  });

  test('Fargate pods are restarted before each control-plane update, as the User Guide orders', () => {
    const s = snapshot({ fargateProfiles: [{ fargateProfileName: 'fp' }] });
    expect(checkFargate(s, ['1.30', '1.31'])).toEqual<Finding[]>([
      {
        code: 'FARGATE_PODS_RESTART',
        severity: 'warn',
        message:
          "Fargate profile(s) fp: running Fargate pods keep the kubelet version they started with; before each control-plane update (to 1.30, to 1.31), restart the pods whose kubelet is older than the control plane, then once more after the last hop. The agent cannot restart pods: roll those workloads yourself (the User Guide's order; the Best Practices guide restarts them only after the control-plane update).",
        resource: 'fp',
      },
    ]);
  });
});

describe('planner: node groups match the control plane, add-ons one minor at a time', () => {
  test('the plan says which document it follows for node groups, and no other finding appears', () => {
    const plan = reason(snapshot({ version: '1.29', nodegroups: [nodegroup('a', '1.29')] }), request());
    expect(plan.findings).toEqual<Finding[]>([
      {
        code: 'EXTENDED_SUPPORT_ENROLLED',
        severity: 'info',
        message:
          'The cluster has no upgrade policy (EXTENDED, the default): once 1.29 leaves standard support it costs about $0.60 instead of $0.10 per cluster-hour, and extended support cannot be turned off once entered.',
        resource: 'test-cluster',
      },
      {
        code: 'NODEGROUPS_MATCH_BEFORE_HOP',
        severity: 'info',
        message:
          "Node group(s) a are updated to the control-plane version before each hop although the kubelet skew policy would allow them to trail it: EKS's UpdateClusterVersion reference requires all managed node groups to match the cluster's version (\"Nodegroups X must be updated to match cluster version 1.N before updating cluster version\"). The planning policy nodegroupVersionRule 'kubelet-skew' follows the User Guide's skew rule instead.",
        resource: 'test-cluster',
      },
    ]);
  });

  const ebs = addonInfo('aws-ebs-csi-driver', [
    { v: 'v1.35.0-eksbuild.1', on: minors(28, 30) },
    { v: 'v1.36.0-eksbuild.1', on: minors(28, 31) },
    { v: 'v1.36.2-eksbuild.1', on: minors(28, 31) },
    { v: 'v1.37.0-eksbuild.1', on: minors(28, 31), defaultOn: ['1.31'] },
  ]);
  const withEbs = () =>
    snapshot({
      addons: [addon('aws-ebs-csi-driver', 'v1.35.0-eksbuild.1')],
      addonVersions: [ebs],
    });

  test('every add-on passes through each minor, taking the newest patch of it', () => {
    const moves = reason(withEbs(), request()).steps.flatMap((s) =>
      s.kind === 'addon' ? [`${s.from}->${s.to}`] : [],
    );
    expect(moves).toEqual([
      'v1.35.0-eksbuild.1->v1.36.2-eksbuild.1',
      'v1.36.2-eksbuild.1->v1.37.0-eksbuild.1',
    ]);
  });

  test("with addonMinorRule 'vpc-cni-only' (the User Guide), other add-ons move in one step", () => {
    const policy = { ...DEFAULT_POLICY, addonMinorRule: 'vpc-cni-only' as const };
    const moves = reason(withEbs(), request(), policy).steps.flatMap((s) =>
      s.kind === 'addon' ? [`${s.from}->${s.to}`] : [],
    );
    expect(moves).toEqual(['v1.35.0-eksbuild.1->v1.37.0-eksbuild.1']);
  });

  test('an intermediate minor with no version for the current control plane blocks, naming it', () => {
    const gap = addonInfo('aws-ebs-csi-driver', [
      { v: 'v1.35.0-eksbuild.1', on: minors(28, 30) },
      { v: 'v1.37.0-eksbuild.1', on: minors(28, 31) },
    ]);
    const s = snapshot({ addons: [addon('aws-ebs-csi-driver', 'v1.35.0-eksbuild.1')], addonVersions: [gap] });
    expect(reason(s, request()).findings.filter((f) => f.code.startsWith('ADDON'))).toEqual<Finding[]>([
      {
        code: 'ADDON_MINOR_GAP',
        severity: 'block',
        message:
          'aws-ebs-csi-driver must move one minor version at a time from v1.35.0-eksbuild.1 to v1.37.0-eksbuild.1, but DescribeAddonVersions lists no aws-ebs-csi-driver v1.36.x compatible with Kubernetes 1.30. Update aws-ebs-csi-driver by hand or choose a nearer target.',
        resource: 'aws-ebs-csi-driver',
      },
    ]);
  });
});

describe('pending launch-template update (eksup EKS006)', () => {
  const template = { LaunchTemplateId: 'lt-0abc', LaunchTemplateName: 'workers', DefaultVersionNumber: 3 };
  const withTemplate = (version: string | undefined, latest: number) =>
    snapshot({
      nodegroups: [
        nodegroup('apps', '1.29', { launchTemplate: { id: 'lt-0abc', name: 'workers', version } }),
      ],
      launchTemplates: [{ ...template, LatestVersionNumber: latest }],
    });

  test('a node group on $Default behind the latest version warns, naming the versions', () => {
    expect(checkLaunchTemplates(withTemplate('$Default', 5))).toEqual<Finding[]>([
      {
        code: 'LAUNCH_TEMPLATE_UPDATE_PENDING',
        severity: 'warn',
        message:
          'Node group apps runs version 3 ($Default) of launch template workers (lt-0abc), whose latest version is 5, default 3. Its update keeps version 3, so the changes in versions 4 to 5 (AMI, user data, instance settings) are not rolled out now; they reach the nodes at a later node-group update to them, or never. Review them, and move the node group to the version you mean to run before upgrading.',
        resource: 'apps',
      },
    ]);
  });

  test('a pinned number one behind the latest warns; the plan carries the finding', () => {
    const s = withTemplate('4', 5);
    expect(checkLaunchTemplates(s)).toEqual<Finding[]>([
      {
        code: 'LAUNCH_TEMPLATE_UPDATE_PENDING',
        severity: 'warn',
        message:
          'Node group apps runs version 4 of launch template workers (lt-0abc), whose latest version is 5, default 3. Its update keeps version 4, so the changes in version 5 (AMI, user data, instance settings) are not rolled out now; they reach the nodes at a later node-group update to them, or never. Review them, and move the node group to the version you mean to run before upgrading.',
        resource: 'apps',
      },
    ]);
    expect(reason(s, request({ targetVersion: '1.30' })).findings.map((f) => f.code)).toContain(
      'LAUNCH_TEMPLATE_UPDATE_PENDING',
    );
  });

  test('$Latest, the latest number, or no launchTemplates part say nothing', () => {
    expect(checkLaunchTemplates(withTemplate('$Latest', 5))).toEqual([]);
    expect(checkLaunchTemplates(withTemplate('5', 5))).toEqual([]);
    const unread = snapshot({
      nodegroups: [nodegroup('apps', '1.29', { launchTemplate: { id: 'lt-0abc', version: '1' } })],
    });
    expect(checkLaunchTemplates(unread)).toEqual([]);
  });

  test('no version given means the default version; a template found by name when no id is given', () => {
    const s = snapshot({
      nodegroups: [nodegroup('apps', '1.29', { launchTemplate: { name: 'workers' } })],
      launchTemplates: [{ ...template, LatestVersionNumber: 4 }],
    });
    expect(checkLaunchTemplates(s)).toEqual<Finding[]>([
      {
        code: 'LAUNCH_TEMPLATE_UPDATE_PENDING',
        severity: 'warn',
        message:
          'Node group apps runs version 3 of launch template workers (lt-0abc), whose latest version is 4, default 3. Its update keeps version 3, so the changes in version 4 (AMI, user data, instance settings) are not rolled out now; they reach the nodes at a later node-group update to them, or never. Review them, and move the node group to the version you mean to run before upgrading.',
        resource: 'apps',
      },
    ]);
  });
});
