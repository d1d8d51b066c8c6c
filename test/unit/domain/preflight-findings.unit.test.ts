import { DEFAULT_POLICY } from '../../../lib/domain/plan-types';
import { checkNodegroups } from '../../../lib/domain/preflight-compute';
import { checkSubnets } from '../../../lib/domain/preflight-network';
import { reason } from '../../../lib/domain/reason';
import { nodegroup, snapshot } from '../../support/snapshot-builder';

/**
 * Findings asserted whole: code, severity, message and resource, and the absence
 * of findings where nothing is wrong, so a check that fires for everything fails here.
 */
describe('checkNodegroups', () => {
  it('given healthy node groups at the control plane on AL2023 and Bottlerocket, then no finding', () => {
    const s = snapshot({
      version: '1.32',
      nodegroups: [
        nodegroup('al2023', '1.32', { amiType: 'AL2023_x86_64_STANDARD' }),
        nodegroup('bottlerocket', '1.32', { amiType: 'BOTTLEROCKET_ARM_64' }),
        nodegroup('no-type', '1.32', { health: { issues: [] } }),
      ],
    });
    expect(checkNodegroups(s, '1.33')).toEqual([]);
  });

  it('given AL2 node groups, then a warning up to 1.32 and a block past it, naming the group', () => {
    const s = snapshot({
      version: '1.31',
      nodegroups: [nodegroup('legacy', '1.31', { amiType: 'AL2_ARM_64' })],
    });
    expect(checkNodegroups(s, '1.32')).toEqual([
      {
        code: 'AMI_TYPE_AL2_END_OF_SUPPORT',
        severity: 'warn',
        message:
          'Node group legacy uses AL2_ARM_64: EKS-optimized Amazon Linux 2 AMIs reached end of support on 2025-11-26 and no new ones are published, so its update to 1.32 gets an AMI without further security fixes. Plan its replacement with an AL2023 or Bottlerocket node group.',
        resource: 'legacy',
      },
    ]);
    expect(checkNodegroups(s, '1.33')).toEqual([
      {
        code: 'AMI_TYPE_UNSUPPORTED',
        severity: 'block',
        message:
          'Node group legacy uses AL2_ARM_64; EKS publishes no Amazon Linux 2 AMIs after Kubernetes 1.32, so it cannot reach 1.33. Replace it with an AL2023 or Bottlerocket node group first.',
        resource: 'legacy',
      },
    ]);
  });

  it.each(['AL2_x86_64', 'AL2_x86_64_GPU', 'AL2_ARM_64'])('%s is an AL2 AMI type', (amiType) => {
    const s = snapshot({ version: '1.32', nodegroups: [nodegroup('n', '1.32', { amiType })] });
    expect(checkNodegroups(s, '1.33').map((f) => f.code)).toEqual(['AMI_TYPE_UNSUPPORTED']);
  });

  it('given a custom AMI, then it blocks saying what to publish', () => {
    const s = snapshot({ version: '1.30', nodegroups: [nodegroup('custom', '1.30', { amiType: 'CUSTOM' })] });
    expect(checkNodegroups(s, '1.31')).toEqual([
      {
        code: 'NODEGROUP_CUSTOM_AMI',
        severity: 'block',
        message:
          'Node group custom runs a custom AMI from its launch template; EKS cannot pick its AMI for a version. Publish a launch template version with an AMI for 1.31 and update the node group to it.',
        resource: 'custom',
      },
    ]);
  });

  it('given busy, degraded and unhealthy groups, then each gets its finding', () => {
    const s = snapshot({
      version: '1.30',
      nodegroups: [
        nodegroup('busy', '1.30', { status: 'UPDATING' }),
        nodegroup('degraded', '1.30', { status: 'DEGRADED' }),
        nodegroup('sick', '1.30', {
          health: { issues: [{ code: 'AccessDenied', message: 'role gone' }, {}] },
        }),
      ],
    });
    expect(checkNodegroups(s, '1.31')).toEqual([
      {
        code: 'NODEGROUP_BUSY',
        severity: 'block',
        message: 'Node group busy is UPDATING; EKS refuses another update until it is done.',
        resource: 'busy',
      },
      {
        code: 'NODEGROUP_NOT_ACTIVE',
        severity: 'warn',
        message: 'Node group degraded is DEGRADED; its update may fail. Check its health issues first.',
        resource: 'degraded',
      },
      {
        code: 'NODEGROUP_HEALTH_ISSUE',
        severity: 'warn',
        message: 'Node group sick: AccessDenied: role gone.',
        resource: 'sick',
      },
      {
        code: 'NODEGROUP_HEALTH_ISSUE',
        severity: 'warn',
        message: 'Node group sick: issue: no message.',
        resource: 'sick',
      },
    ]);
  });

  it('given groups behind within and beyond the skew, and one ahead, then info, warn and block', () => {
    const s = snapshot({
      version: '1.30',
      nodegroups: [nodegroup('within', '1.29'), nodegroup('beyond', '1.26'), nodegroup('ahead', '1.31')],
    });
    expect(checkNodegroups(s, '1.31')).toEqual([
      {
        code: 'KUBELET_SKEW',
        severity: 'info',
        message:
          'Node group within is at 1.29, 1 minor version(s) behind the control plane 1.30 (allowed: 3).',
        resource: 'within',
      },
      {
        code: 'KUBELET_SKEW',
        severity: 'warn',
        message:
          'Node group beyond is at 1.26, 4 minor version(s) behind the control plane 1.30 (allowed: 3).',
        resource: 'beyond',
      },
      {
        code: 'NODEGROUP_AHEAD_OF_CONTROL_PLANE',
        severity: 'block',
        message:
          'Node group ahead reports 1.31, newer than the control plane 1.30; kubelets may not be newer than the API server. Check the snapshot.',
        resource: 'ahead',
      },
    ]);
  });

  it('given a group exactly at the skew limit, then only info', () => {
    const s = snapshot({ version: '1.30', nodegroups: [nodegroup('edge', '1.27')] });
    expect(checkNodegroups(s, '1.31').map((f) => f.severity)).toEqual(['info']);
  });
});

describe('checkSubnets', () => {
  const subnet = (id: string, zone: string, free: number) => ({
    SubnetId: id,
    AvailabilityZone: zone,
    AvailableIpAddressCount: free,
  });
  const withSubnets = (subnets: unknown[], nodegroups: unknown[] = [], ids = ['subnet-a', 'subnet-b']) =>
    snapshot({
      cluster: {
        name: 'test-cluster',
        version: '1.30',
        status: 'ACTIVE',
        resourcesVpcConfig: { subnetIds: ids },
      },
      subnets,
      nodegroups,
    });

  it('given two zones with room, then no finding', () => {
    const s = withSubnets([subnet('subnet-a', 'eu-west-1a', 5), subnet('subnet-b', 'eu-west-1b', 5)]);
    expect(checkSubnets(s, DEFAULT_POLICY)).toEqual([]);
  });

  it('given room in two zones but one short subnet, then a warning for that subnet only', () => {
    const s = withSubnets(
      [
        subnet('subnet-a', 'eu-west-1a', 5),
        subnet('subnet-b', 'eu-west-1b', 9),
        subnet('subnet-c', 'eu-west-1c', 4),
      ],
      [],
      ['subnet-a', 'subnet-b', 'subnet-c'],
    );
    expect(checkSubnets(s, DEFAULT_POLICY)).toEqual([
      {
        code: 'SUBNET_LOW_FREE_IPS',
        severity: 'warn',
        message:
          'Cluster subnet subnet-c (eu-west-1c): 4 free, fewer than 5: EKS may create the new control-plane network interfaces in any cluster subnet, and the update can fail if that one lacks addresses. Free addresses or replace it with UpdateClusterConfig.',
        resource: 'subnet-c',
      },
    ]);
  });

  it('given room in one zone only, then it blocks listing every cluster subnet', () => {
    const s = withSubnets([subnet('subnet-a', 'eu-west-1a', 50), subnet('subnet-b', 'eu-west-1a', 50)]);
    expect(checkSubnets(s, DEFAULT_POLICY)).toEqual([
      {
        code: 'SUBNET_FREE_IPS',
        severity: 'block',
        message:
          "1 Availability Zone(s) have a cluster subnet with at least 5 free IP addresses; a control-plane update needs up to 5 in the subnets EKS picks, across at least two Availability Zones (else InsufficientFreeAddresses). Cluster subnets: subnet-a (eu-west-1a): 50 free; subnet-b (eu-west-1a): 50 free. Free addresses, or add subnets in the cluster's Availability Zones with UpdateClusterConfig.",
        resource: 'subnet-a,subnet-b',
      },
    ]);
  });

  it('given zone ids, then zones are told apart by id', () => {
    const s = withSubnets([
      { ...subnet('subnet-a', 'eu-west-1a', 50), AvailabilityZoneId: 'euw1-az1' },
      { ...subnet('subnet-b', 'eu-west-1a', 50), AvailabilityZoneId: 'euw1-az2' },
    ]);
    expect(checkSubnets(s, DEFAULT_POLICY)).toEqual([]);
  });

  it('given a cluster subnet without data, then a warning naming it and the others still checked', () => {
    const s = withSubnets([subnet('subnet-a', 'eu-west-1a', 50)]);
    expect(checkSubnets(s, DEFAULT_POLICY).map((f) => [f.code, f.severity, f.resource])).toEqual([
      ['SUBNET_DATA_MISSING', 'warn', 'subnet-b'],
      ['SUBNET_FREE_IPS', 'block', 'subnet-a'],
    ]);
    expect(checkSubnets(s, DEFAULT_POLICY)[0]?.message).toBe(
      'No DescribeSubnets data for cluster subnet(s) subnet-b: their free IP addresses are not checked.',
    );
  });

  it('given node-group subnets, then a zone with no subnet of 2 free addresses warns and unknown ones are noted', () => {
    const s = withSubnets(
      [
        subnet('subnet-a', 'eu-west-1a', 50),
        subnet('subnet-b', 'eu-west-1b', 50),
        subnet('ng-1', 'eu-west-1a', 1),
        subnet('ng-2', 'eu-west-1b', 2),
      ],
      [
        nodegroup('short', '1.30', { subnets: ['ng-1', 'ng-2', 'ng-x'] }),
        nodegroup('fine', '1.30', { subnets: ['ng-2'] }),
      ],
    );
    expect(checkSubnets(s, DEFAULT_POLICY)).toEqual([
      {
        code: 'NODEGROUP_SUBNET_FREE_IPS',
        severity: 'warn',
        message:
          'Node group short: no subnet with at least 2 free IP addresses in eu-west-1a (ng-1 (eu-west-1a): 1 free); its update launches replacement nodes there before draining old ones and can fail with NodeCreationFailure. Free addresses first.',
        resource: 'short',
      },
      {
        code: 'NODEGROUP_SUBNET_DATA_MISSING',
        severity: 'info',
        message:
          'No DescribeSubnets data for node-group subnet(s) ng-x: their free IP addresses are not checked.',
        resource: 'ng-x',
      },
    ]);
  });
});

describe('finding order', () => {
  it('given findings raised info first, then warn, then block, then the plan lists block, warn, info, each in raised order', () => {
    // Node-group findings come after subnet findings in raising order; here the info
    // (skew) and warn (AL2) findings are raised before the block (busy group second).
    const s = snapshot({
      version: '1.30',
      nodegroups: [
        nodegroup('trailing', '1.29'),
        nodegroup('legacy', '1.30', { amiType: 'AL2_x86_64' }),
        nodegroup('busy', '1.30', { status: 'UPDATING' }),
      ],
    });
    const findings = reason(s, { targetVersion: '1.31', strategy: 'in_place', force: false }).findings;
    const ours = findings.filter((f) => ['trailing', 'legacy', 'busy'].includes(f.resource ?? ''));
    expect(ours.map((f) => `${f.severity}:${f.code}:${f.resource}`)).toEqual([
      'block:NODEGROUP_BUSY:busy',
      'warn:AMI_TYPE_AL2_END_OF_SUPPORT:legacy',
      'info:KUBELET_SKEW:trailing',
    ]);
    const severities = findings.map((f) => f.severity);
    expect(severities.indexOf('info')).toBeGreaterThan(severities.lastIndexOf('warn'));
  });
});
