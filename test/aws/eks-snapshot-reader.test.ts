import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AccessDeniedException,
  DescribeAddonCommand,
  DescribeAddonVersionsCommand,
  type DescribeAddonVersionsCommandInput,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  DescribeFargateProfileCommand,
  DescribeInsightCommand,
  DescribeNodegroupCommand,
  type DescribeNodegroupCommandInput,
  EKSClient,
  ListAddonsCommand,
  ListFargateProfilesCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
  ResourceNotFoundException,
  ServerException,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EksSnapshotReader } from '../../lib/aws/eks/snapshot-reader';
import { ClusterNotFoundError } from '../../lib/aws/errors';
import { InvalidSnapshotError } from '../../lib/domain/errors';
import { cluster, createdAt, nodegroup, readinessInsight, vpcCniVersions } from './fixtures/eks';

const eks = mockClient(EKSClient);
const ec2 = mockClient(EC2Client);
const NOW = new Date('2024-07-01T12:00:00.000Z');

function reader(options: { concurrency?: number; includeClusterVersions?: boolean } = {}) {
  return new EksSnapshotReader({
    eks: new EKSClient({}),
    ec2: new EC2Client({}),
    now: () => NOW,
    ...options,
  });
}

/** A cluster with two node groups over two pages, two add-ons, one insight of each category, one Fargate profile. */
function mockHealthyCluster(): void {
  eks.on(DescribeClusterCommand, { name: 'prod' }).resolves({ cluster });
  eks
    .on(ListNodegroupsCommand)
    .resolvesOnce({ nodegroups: ['ng-a'], nextToken: 'page-2' })
    .resolvesOnce({ nodegroups: ['ng-b'] });
  eks.on(DescribeNodegroupCommand).callsFake((input: DescribeNodegroupCommandInput) => ({
    nodegroup: nodegroup(input.nodegroupName ?? ''),
  }));
  eks.on(ListAddonsCommand).resolves({ addons: ['vpc-cni', 'coredns'] });
  eks.on(DescribeAddonCommand, { addonName: 'vpc-cni' }).resolves({
    addon: {
      addonName: 'vpc-cni',
      clusterName: 'prod',
      status: 'ACTIVE',
      addonVersion: 'v1.16.0-eksbuild.1',
      createdAt,
    },
  });
  eks.on(DescribeAddonCommand, { addonName: 'coredns' }).resolves({
    addon: {
      addonName: 'coredns',
      clusterName: 'prod',
      status: 'ACTIVE',
      addonVersion: 'v1.11.1-eksbuild.4',
    },
  });
  eks.on(DescribeAddonVersionsCommand).callsFake((input: DescribeAddonVersionsCommandInput) => ({
    addons: input.addonName === 'vpc-cni' ? [vpcCniVersions(input.kubernetesVersion ?? '')] : [],
  }));
  eks.on(ListInsightsCommand).resolves({
    insights: [
      { id: 'ins-1', category: 'UPGRADE_READINESS' },
      { id: 'ins-2', category: 'MISCONFIGURATION' },
    ],
  });
  eks.on(DescribeInsightCommand, { id: 'ins-1' }).resolves({ insight: readinessInsight });
  eks.on(DescribeInsightCommand, { id: 'ins-2' }).resolves({
    insight: { ...readinessInsight, id: 'ins-2', category: 'MISCONFIGURATION', kubernetesVersion: undefined },
  });
  eks.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: ['fp-1'] });
  eks.on(DescribeFargateProfileCommand).resolves({
    fargateProfile: {
      fargateProfileName: 'fp-1',
      status: 'ACTIVE',
      selectors: [{ namespace: 'batch' }],
      createdAt,
    },
  });
  eks.on(DescribeClusterVersionsCommand).resolves({
    clusterVersions: [
      {
        clusterVersion: '1.29',
        versionStatus: 'EXTENDED_SUPPORT',
        endOfStandardSupportDate: new Date('2025-03-23T00:00:00.000Z'),
        endOfExtendedSupportDate: new Date('2026-03-23T00:00:00.000Z'),
      },
      { clusterVersion: '1.27', versionStatus: 'EXTENDED_SUPPORT' },
    ],
  });
  ec2.on(DescribeSubnetsCommand).resolves({
    Subnets: [
      { SubnetId: 'subnet-a', AvailableIpAddressCount: 200, AvailabilityZone: 'us-east-1a', VpcId: 'vpc-1' },
      { SubnetId: 'subnet-b', AvailableIpAddressCount: 3, AvailabilityZone: 'us-east-1b', VpcId: 'vpc-1' },
    ],
  });
}

beforeEach(() => {
  eks.reset();
  ec2.reset();
});

describe('EksSnapshotReader.readSnapshot', () => {
  test('reads every part of the cluster into a valid snapshot with ISO dates', async () => {
    mockHealthyCluster();
    const snapshot = await reader().readSnapshot('prod', { targetVersion: '1.31' });

    expect(snapshot.capturedAt).toBe(NOW.toISOString());
    expect(snapshot.cluster.name).toBe('prod');
    expect(snapshot.cluster.createdAt).toBe('2024-01-15T10:00:00.000Z');
    expect(snapshot.nodegroups.map((n) => n.nodegroupName)).toEqual(['ng-a', 'ng-b']);
    expect(snapshot.nodegroups[0]?.modifiedAt).toBe('2024-01-15T10:00:00.000Z');
    expect(snapshot.addons.map((a) => a.addonName)).toEqual(['vpc-cni', 'coredns']);
    expect(snapshot.insights.map((i) => i.id)).toEqual(['ins-1', 'ins-2']);
    expect(snapshot.insights[0]?.lastRefreshTime).toBe('2024-06-01T00:00:00.000Z');
    expect(snapshot.fargateProfiles.map((f) => f.fargateProfileName)).toEqual(['fp-1']);
    expect(snapshot.subnets.map((s) => s.AvailableIpAddressCount)).toEqual([200, 3]);
    expect(snapshot.clusterVersions).toEqual([
      expect.objectContaining({
        clusterVersion: '1.29',
        endOfStandardSupportDate: '2025-03-23T00:00:00.000Z',
      }),
    ]);
  });

  test('lists insights of every category (no filter) and describes each', async () => {
    mockHealthyCluster();
    const snapshot = await reader().readSnapshot('prod');
    expect(eks.commandCalls(ListInsightsCommand)[0]?.args[0].input).toEqual({ clusterName: 'prod' });
    expect(eks).toHaveReceivedCommandTimes(DescribeInsightCommand, 2);
    expect(snapshot.insights.map((i) => [i.id, i.category])).toEqual([
      ['ins-1', 'UPGRADE_READINESS'],
      ['ins-2', 'MISCONFIGURATION'],
    ]);
  });

  test('follows nextToken through every page of node groups', async () => {
    mockHealthyCluster();
    await reader().readSnapshot('prod');
    expect(eks).toHaveReceivedNthSpecificCommandWith(1, ListNodegroupsCommand, { clusterName: 'prod' });
    expect(eks).toHaveReceivedNthSpecificCommandWith(2, ListNodegroupsCommand, {
      clusterName: 'prod',
      nextToken: 'page-2',
    });
    expect(eks).toHaveReceivedCommandTimes(DescribeNodegroupCommand, 2);
  });

  test('asks DescribeAddonVersions per installed add-on and per version from current to target', async () => {
    mockHealthyCluster();
    await reader().readSnapshot('prod', { targetVersion: '1.31' });
    const asked = eks
      .commandCalls(DescribeAddonVersionsCommand)
      .map((c) => `${c.args[0].input.addonName}@${c.args[0].input.kubernetesVersion}`)
      .sort();
    expect(asked).toEqual([
      'coredns@1.29',
      'coredns@1.30',
      'coredns@1.31',
      'vpc-cni@1.29',
      'vpc-cni@1.30',
      'vpc-cni@1.31',
    ]);
  });

  test('keeps only compatibilities between the current and the target version', async () => {
    mockHealthyCluster();
    const snapshot = await reader().readSnapshot('prod', { targetVersion: '1.30' });
    const vpcCni = snapshot.addonVersions.find((a) => a.addonName === 'vpc-cni');
    const byVersion = Object.fromEntries(
      (vpcCni?.addonVersions ?? []).map((v) => [
        v.addonVersion,
        v.compatibilities.map((c) => c.clusterVersion),
      ]),
    );
    expect(byVersion).toEqual({
      'v1.16.0-eksbuild.1': ['1.29'],
      'v1.18.3-eksbuild.1': ['1.29', '1.30'],
      'v1.19.0-eksbuild.1': ['1.30'],
    });
    // An installed add-on EKS lists nothing for still gets an (empty) entry: "asked, nothing compatible".
    expect(snapshot.addonVersions.find((a) => a.addonName === 'coredns')?.addonVersions).toEqual([]);
  });

  test('without a target, asks for the current version only', async () => {
    mockHealthyCluster();
    await reader().readSnapshot('prod');
    const versions = eks
      .commandCalls(DescribeAddonVersionsCommand)
      .map((c) => c.args[0].input.kubernetesVersion);
    expect(new Set(versions)).toEqual(new Set(['1.29']));
    expect(eks).toHaveReceivedCommandWith(DescribeClusterVersionsCommand, {
      clusterVersions: ['1.29'],
      includeAll: true,
    });
  });

  test('reads the cluster subnets with EC2 DescribeSubnets', async () => {
    mockHealthyCluster();
    await reader().readSnapshot('prod');
    expect(ec2).toHaveReceivedCommandWith(DescribeSubnetsCommand, { SubnetIds: ['subnet-a', 'subnet-b'] });
  });

  test('makes no EC2 call when the cluster has no subnets', async () => {
    mockHealthyCluster();
    eks
      .on(DescribeClusterCommand)
      .resolves({ cluster: { ...cluster, resourcesVpcConfig: { subnetIds: [] } } });
    const snapshot = await reader().readSnapshot('prod');
    expect(ec2).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 0);
    expect(snapshot.subnets).toEqual([]);
  });

  test('throws ClusterNotFoundError for an unknown cluster', async () => {
    eks
      .on(DescribeClusterCommand)
      .rejects(new ResourceNotFoundException({ message: 'No cluster found', $metadata: {} }));
    await expect(reader().readSnapshot('ghost')).rejects.toThrow(ClusterNotFoundError);
  });

  test('skips a node group deleted between List and Describe', async () => {
    mockHealthyCluster();
    eks
      .on(DescribeNodegroupCommand, { nodegroupName: 'ng-b' })
      .rejects(new ResourceNotFoundException({ message: 'No node group found', $metadata: {} }));
    const snapshot = await reader().readSnapshot('prod');
    expect(snapshot.nodegroups.map((n) => n.nodegroupName)).toEqual(['ng-a']);
  });

  test('other describe errors fail the read', async () => {
    mockHealthyCluster();
    eks.on(DescribeAddonCommand).rejects(new ServerException({ message: 'boom', $metadata: {} }));
    await expect(reader().readSnapshot('prod')).rejects.toThrow(ServerException);
  });

  test('omits support dates when the role may not call DescribeClusterVersions', async () => {
    mockHealthyCluster();
    eks
      .on(DescribeClusterVersionsCommand)
      .rejects(new AccessDeniedException({ message: 'denied', $metadata: {} }));
    const snapshot = await reader().readSnapshot('prod');
    expect(snapshot.clusterVersions).toBeUndefined();
  });

  test('skips DescribeClusterVersions when asked to', async () => {
    mockHealthyCluster();
    await reader({ includeClusterVersions: false }).readSnapshot('prod');
    expect(eks).toHaveReceivedCommandTimes(DescribeClusterVersionsCommand, 0);
  });

  test('an answer that is not a valid snapshot raises InvalidSnapshotError', async () => {
    mockHealthyCluster();
    eks.on(DescribeClusterCommand).resolves({ cluster: { ...cluster, version: 'latest' } });
    await expect(reader().readSnapshot('prod')).rejects.toThrow(InvalidSnapshotError);
  });

  test('never has more describe calls in flight than the concurrency limit', async () => {
    mockHealthyCluster();
    const names = Array.from({ length: 12 }, (_, i) => `ng-${i}`);
    eks.on(ListNodegroupsCommand).resolves({ nodegroups: names });
    let inFlight = 0;
    let peak = 0;
    eks.on(DescribeNodegroupCommand).callsFake(async (input: DescribeNodegroupCommandInput) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return { nodegroup: nodegroup(input.nodegroupName ?? '') };
    });
    const snapshot = await reader({ concurrency: 2 }).readSnapshot('prod');
    expect(snapshot.nodegroups).toHaveLength(12);
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThan(0);
  });
});
