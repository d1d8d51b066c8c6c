import {
  DescribeLaunchTemplatesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  type DescribeNodegroupCommandInput,
  EKSClient,
  ListAddonsCommand,
  ListFargateProfilesCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AwsAccessDeniedError } from '../../lib/aws/eks/access-errors';
import { EksSnapshotReader } from '../../lib/aws/eks/snapshot-reader';
import { cluster, nodegroup } from './fixtures/eks';

const eks = mockClient(EKSClient);
const ec2 = mockClient(EC2Client);

function reader(progress: string[] = []) {
  return new EksSnapshotReader({
    eks: new EKSClient({}),
    ec2: new EC2Client({}),
    includeClusterVersions: false,
    now: () => new Date('2024-07-01T12:00:00.000Z'),
    progress: (line) => progress.push(line),
  });
}

/** Three node groups: two share launch template lt-1, one has none. */
function mockCluster(templates: Record<string, { id: string; version: string }> = {}): void {
  eks.on(DescribeClusterCommand).resolves({ cluster });
  eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['ng-a', 'ng-b', 'ng-c'] });
  eks.on(DescribeNodegroupCommand).callsFake((input: DescribeNodegroupCommandInput) => {
    const name = input.nodegroupName ?? '';
    const template = templates[name];
    return { nodegroup: { ...nodegroup(name), ...(template ? { launchTemplate: template } : {}) } };
  });
  eks.on(ListAddonsCommand).resolves({ addons: [] });
  eks.on(ListInsightsCommand).resolves({ insights: [] });
  eks.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: [] });
  ec2
    .on(DescribeSubnetsCommand)
    .resolves({ Subnets: [{ SubnetId: 'subnet-a', AvailableIpAddressCount: 50 }] });
}

const shared = { 'ng-a': { id: 'lt-1', version: '2' }, 'ng-b': { id: 'lt-1', version: '$Default' } };

beforeEach(() => {
  eks.reset();
  ec2.reset();
});

describe('launch templates of node groups (EC2 DescribeLaunchTemplates)', () => {
  test('reads each template once, in one paginated call, into the snapshot', async () => {
    mockCluster({ ...shared, 'ng-c': { id: 'lt-2', version: '$Latest' } });
    ec2
      .on(DescribeLaunchTemplatesCommand)
      .resolvesOnce({
        LaunchTemplates: [
          {
            LaunchTemplateId: 'lt-1',
            LaunchTemplateName: 'web',
            DefaultVersionNumber: 2,
            LatestVersionNumber: 4,
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        LaunchTemplates: [
          {
            LaunchTemplateId: 'lt-2',
            LaunchTemplateName: 'batch',
            DefaultVersionNumber: 1,
            LatestVersionNumber: 1,
          },
        ],
      });
    const progress: string[] = [];
    const snapshot = await reader(progress).readSnapshot('prod');
    expect(ec2).toHaveReceivedCommandTimes(DescribeLaunchTemplatesCommand, 2);
    // The paginator reuses one input object, so only what every call shares is asserted per call.
    const inputs = ec2.commandCalls(DescribeLaunchTemplatesCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.LaunchTemplateIds)).toEqual([
      ['lt-1', 'lt-2'],
      ['lt-1', 'lt-2'],
    ]);
    expect(inputs[1]?.NextToken).toBe('page-2');
    expect(snapshot.launchTemplates).toEqual([
      {
        LaunchTemplateId: 'lt-1',
        LaunchTemplateName: 'web',
        DefaultVersionNumber: 2,
        LatestVersionNumber: 4,
      },
      {
        LaunchTemplateId: 'lt-2',
        LaunchTemplateName: 'batch',
        DefaultVersionNumber: 1,
        LatestVersionNumber: 1,
      },
    ]);
    expect(progress).toContain('launch templates: 2');
  });

  test('makes no call and leaves the part absent when no node group has a launch template', async () => {
    mockCluster();
    const snapshot = await reader().readSnapshot('prod');
    expect(ec2).toHaveReceivedCommandTimes(DescribeLaunchTemplatesCommand, 0);
    expect(snapshot.launchTemplates).toBeUndefined();
  });

  test("EC2's UnauthorizedOperation names ec2:DescribeLaunchTemplates", async () => {
    mockCluster(shared);
    ec2.on(DescribeLaunchTemplatesCommand).rejects(
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const read = reader().readSnapshot('prod');
    await expect(read).rejects.toThrow(AwsAccessDeniedError);
    await expect(read).rejects.toMatchObject({ action: 'ec2:DescribeLaunchTemplates' });
  });

  test('another EC2 error passes through with its own name', async () => {
    mockCluster(shared);
    ec2.on(DescribeLaunchTemplatesCommand).rejects(
      new EC2ServiceException({
        name: 'InvalidLaunchTemplateId.NotFound',
        message: 'The specified launch template, with template ID lt-1, does not exist.',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(reader().readSnapshot('prod')).rejects.toMatchObject({
      name: 'InvalidLaunchTemplateId.NotFound',
    });
  });
});
