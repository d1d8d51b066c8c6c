import { DescribeSubnetsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
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
  EKSClient,
  ListAddonsCommand,
  ListFargateProfilesCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AwsAccessDeniedError } from '../../lib/aws/eks/access-errors';
import { EksSnapshotReader } from '../../lib/aws/eks/snapshot-reader';
import { ClusterNotFoundError } from '../../lib/aws/errors';
import { RegisteredClusterError } from '../../lib/domain/snapshot-guards';
import { cluster, nodegroup, readinessInsight } from './fixtures/eks';

const eks = mockClient(EKSClient);
const ec2 = mockClient(EC2Client);

function reader(progress: string[] = []) {
  return new EksSnapshotReader({
    eks: new EKSClient({ region: 'eu-west-1' }),
    ec2: new EC2Client({}),
    now: () => new Date('2024-07-01T12:00:00.000Z'),
    progress: (line) => progress.push(line),
  });
}

/** One of everything, so that every API family is called once. */
function mockSmallCluster(): void {
  eks.on(DescribeClusterCommand).resolves({ cluster });
  eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['ng-a'] });
  eks.on(DescribeNodegroupCommand).resolves({ nodegroup: nodegroup('ng-a') });
  eks.on(ListAddonsCommand).resolves({ addons: ['vpc-cni'] });
  eks.on(DescribeAddonCommand).resolves({
    addon: { addonName: 'vpc-cni', status: 'ACTIVE', addonVersion: 'v1.16.0-eksbuild.1' },
  });
  eks.on(DescribeAddonVersionsCommand).resolves({ addons: [] });
  eks.on(ListInsightsCommand).resolves({ insights: [{ id: 'ins-1', category: 'UPGRADE_READINESS' }] });
  eks.on(DescribeInsightCommand).resolves({ insight: readinessInsight });
  eks.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: ['fp-1'] });
  eks.on(DescribeFargateProfileCommand).resolves({ fargateProfile: { fargateProfileName: 'fp-1' } });
  eks.on(DescribeClusterVersionsCommand).resolves({ clusterVersions: [] });
  ec2
    .on(DescribeSubnetsCommand)
    .resolves({ Subnets: [{ SubnetId: 'subnet-a', AvailableIpAddressCount: 9 }] });
}

const denied = (action: string) =>
  new AccessDeniedException({
    message: `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ${action}`,
    $metadata: { httpStatusCode: 403 },
  });

beforeEach(() => {
  eks.reset();
  ec2.reset();
});

describe('EksSnapshotReader: progress and access, as a person reading a live cluster sees them', () => {
  test('one progress line per API family, each with its count', async () => {
    mockSmallCluster();
    const lines: string[] = [];
    await reader(lines).readSnapshot('prod', { targetVersion: '1.30' });
    expect([...lines].sort()).toEqual(
      [
        'cluster prod: Kubernetes 1.29, ACTIVE',
        'node groups: 1',
        'add-ons: 1',
        'add-on versions: 1 add-on(s) for Kubernetes 1.29, 1.30',
        'insights: 1',
        'Fargate profiles: 1',
        'subnets: 1',
        'support dates: 0 version(s)',
      ].sort(),
    );
    expect(lines[0]).toBe('cluster prod: Kubernetes 1.29, ACTIVE');
  });

  // One row per call the reader makes: the AWS error is raised by that command alone.
  const deny: Array<[string, () => void]> = [
    ['eks:DescribeCluster', () => eks.on(DescribeClusterCommand).rejects(denied('eks:DescribeCluster'))],
    ['eks:ListNodegroups', () => eks.on(ListNodegroupsCommand).rejects(denied('eks:ListNodegroups'))],
    [
      'eks:DescribeNodegroup',
      () => eks.on(DescribeNodegroupCommand).rejects(denied('eks:DescribeNodegroup')),
    ],
    ['eks:ListAddons', () => eks.on(ListAddonsCommand).rejects(denied('eks:ListAddons'))],
    ['eks:DescribeAddon', () => eks.on(DescribeAddonCommand).rejects(denied('eks:DescribeAddon'))],
    [
      'eks:DescribeAddonVersions',
      () => eks.on(DescribeAddonVersionsCommand).rejects(denied('eks:DescribeAddonVersions')),
    ],
    ['eks:ListInsights', () => eks.on(ListInsightsCommand).rejects(denied('eks:ListInsights'))],
    ['eks:DescribeInsight', () => eks.on(DescribeInsightCommand).rejects(denied('eks:DescribeInsight'))],
    [
      'eks:ListFargateProfiles',
      () => eks.on(ListFargateProfilesCommand).rejects(denied('eks:ListFargateProfiles')),
    ],
    [
      'eks:DescribeFargateProfile',
      () => eks.on(DescribeFargateProfileCommand).rejects(denied('eks:DescribeFargateProfile')),
    ],
  ];

  test.each(deny)('AccessDeniedException on %s names that IAM action', async (action, arrange) => {
    mockSmallCluster();
    arrange();
    const read = reader().readSnapshot('prod');
    await expect(read).rejects.toThrow(AwsAccessDeniedError);
    await expect(read).rejects.toMatchObject({ name: 'AwsAccessDeniedError', action });
    await expect(read).rejects.toThrow(`allow the IAM action ${action}`);
  });

  test("EC2's UnauthorizedOperation names ec2:DescribeSubnets", async () => {
    mockSmallCluster();
    ec2.on(DescribeSubnetsCommand).rejects(
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(reader().readSnapshot('prod')).rejects.toMatchObject({ action: 'ec2:DescribeSubnets' });
  });

  test('other AWS errors keep their own name (the state machine retries ThrottlingException by name)', async () => {
    mockSmallCluster();
    eks.on(ListInsightsCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    await expect(reader().readSnapshot('prod')).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  test('an unknown cluster names the client region', async () => {
    eks
      .on(DescribeClusterCommand)
      .rejects(new ResourceNotFoundException({ message: 'No cluster', $metadata: {} }));
    const read = reader().readSnapshot('ghost');
    await expect(read).rejects.toThrow(ClusterNotFoundError);
    await expect(read).rejects.toThrow(/^no cluster ghost in eu-west-1/);
  });

  test('a registered (EKS Connector) cluster is refused after DescribeCluster, before any other call', async () => {
    eks.on(DescribeClusterCommand).resolves({
      cluster: { name: 'edge', status: 'PENDING', connectorConfig: { provider: 'EKS_ANYWHERE' } },
    });
    await expect(reader().readSnapshot('edge')).rejects.toThrow(RegisteredClusterError);
    expect(eks.calls()).toHaveLength(1);
    expect(ec2.calls()).toHaveLength(0);
  });

  test('minorsAhead reads compatibility for the next minors; an absurd target is bounded to 10 versions', async () => {
    mockSmallCluster();
    const asked = new Set<string>();
    eks.on(DescribeAddonVersionsCommand).callsFake((input: DescribeAddonVersionsCommandInput) => {
      asked.add(input.kubernetesVersion ?? '');
      return { addons: [] };
    });
    await reader().readSnapshot('prod', { minorsAhead: 2 });
    expect([...asked].sort()).toEqual(['1.29', '1.30', '1.31']);
    asked.clear();
    await reader().readSnapshot('prod', { targetVersion: '1.99' });
    expect(asked.size).toBe(10);
    // 1.300 is not a version at all (minor 0-99): only the cluster's own is read.
    asked.clear();
    await reader().readSnapshot('prod', { targetVersion: '1.300' });
    expect([...asked]).toEqual(['1.29']);
  });
});
