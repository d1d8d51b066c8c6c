import {
  CreateAddonCommand,
  CreateClusterCommand,
  CreateFargateProfileCommand,
  DeleteAddonCommand,
  DeleteClusterCommand,
  DeleteFargateProfileCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  EKSClient,
  InvalidParameterException,
  ResourceInUseException,
  ResourceLimitExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EksClusterProvisioner } from '../../lib/aws/eks/cluster-provisioner';
import { UnexpectedResponseError } from '../../lib/aws/errors';
import type { CreateClusterInput } from '../../lib/domain/blue-green';

const eks = mockClient(EKSClient);
const provisioner = () => new EksClusterProvisioner({ eks: new EKSClient({}) });
const inUse = (message: string) => new ResourceInUseException({ message, $metadata: {} });
const notFound = () => new ResourceNotFoundException({ message: 'No cluster found', $metadata: {} });

const cluster: CreateClusterInput = {
  name: 'prod-1-33',
  version: '1.33',
  roleArn: 'arn:aws:iam::123456789012:role/prod-cluster',
  clientRequestToken: '5b2c6f0e-0000-5000-8000-000000000001',
  resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] },
  tags: { 'eks-upgrade-agent/green-of': 'prod' },
};

beforeEach(() => eks.reset());

describe('EksClusterProvisioner creates', () => {
  test('CreateCluster is sent as built, token and tags included', async () => {
    eks.on(CreateClusterCommand).resolves({ cluster: { name: 'prod-1-33', status: 'CREATING' } });
    await expect(provisioner().createCluster(cluster)).resolves.toEqual({ kind: 'created' });
    expect(eks).toHaveReceivedCommandWith(CreateClusterCommand, {
      name: 'prod-1-33',
      version: '1.33',
      clientRequestToken: cluster.clientRequestToken,
      tags: { 'eks-upgrade-agent/green-of': 'prod' },
    });
  });

  test('a retry that meets its own cluster, add-on or profile (ResourceInUseException) is "exists"', async () => {
    eks.on(CreateClusterCommand).rejects(inUse('Cluster already exists with name: prod-1-33'));
    await expect(provisioner().createCluster(cluster)).resolves.toEqual({ kind: 'exists' });
    eks.on(CreateAddonCommand).rejects(inUse('Addon already exists'));
    await expect(
      provisioner().createAddon({
        clusterName: 'prod-1-33',
        addonName: 'vpc-cni',
        addonVersion: 'v1.19.0-eksbuild.1',
        clientRequestToken: 't',
        tags: {},
      }),
    ).resolves.toEqual({ kind: 'exists' });
    eks.on(CreateFargateProfileCommand).rejects(inUse('profile exists'));
    await expect(
      provisioner().createFargateProfile({
        clusterName: 'prod-1-33',
        fargateProfileName: 'fp',
        podExecutionRoleArn: 'arn:aws:iam::123456789012:role/fp',
        clientRequestToken: 't',
        selectors: [{ namespace: 'obs' }],
        tags: {},
      }),
    ).resolves.toEqual({ kind: 'exists' });
  });

  test('CreateAddon overwrites whatever a fresh cluster has (EKS installs vpc-cni, coredns, kube-proxy itself)', async () => {
    eks.on(CreateAddonCommand).resolves({});
    await provisioner().createAddon({
      clusterName: 'prod-1-33',
      addonName: 'coredns',
      addonVersion: 'v1.12.1-eksbuild.2',
      clientRequestToken: 't',
      tags: {},
    });
    expect(eks).toHaveReceivedCommandWith(CreateAddonCommand, {
      addonName: 'coredns',
      addonVersion: 'v1.12.1-eksbuild.2',
      resolveConflicts: 'OVERWRITE',
    });
  });

  test('a refused create propagates under its EKS name', async () => {
    eks
      .on(CreateClusterCommand)
      .rejects(new ResourceLimitExceededException({ message: 'limit', $metadata: {} }));
    await expect(provisioner().createCluster(cluster)).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
    });
    eks
      .on(CreateClusterCommand)
      .rejects(new InvalidParameterException({ message: 'bad subnet', $metadata: {} }));
    await expect(provisioner().createCluster(cluster)).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});

describe('EksClusterProvisioner describes', () => {
  test('status, version and health issues; not found is undefined', async () => {
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        status: 'FAILED',
        version: '1.33',
        health: { issues: [{ code: 'Ec2SubnetNotFound', message: 'subnet-a' }] },
      },
    });
    await expect(provisioner().describeCluster('prod-1-33')).resolves.toEqual({
      status: 'FAILED',
      version: '1.33',
      issues: ['Ec2SubnetNotFound: subnet-a'],
    });
    eks.on(DescribeAddonCommand).resolves({ addon: { status: 'ACTIVE', addonVersion: 'v1' } });
    await expect(provisioner().describeAddon('c', 'vpc-cni')).resolves.toEqual({
      status: 'ACTIVE',
      version: 'v1',
      issues: [],
    });
    eks.on(DescribeFargateProfileCommand).rejects(notFound());
    await expect(provisioner().describeFargateProfile('c', 'fp')).resolves.toBeUndefined();
  });

  test('an answer without a status is UnexpectedResponseError; other errors propagate', async () => {
    eks.on(DescribeClusterCommand).resolves({});
    await expect(provisioner().describeCluster('c')).rejects.toBeInstanceOf(UnexpectedResponseError);
    eks.on(DescribeAddonCommand).rejects(new InvalidParameterException({ message: 'bad', $metadata: {} }));
    await expect(provisioner().describeAddon('c', 'a')).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});

describe('EksClusterProvisioner deletes', () => {
  test('accepted is "deleting", not found is "gone"', async () => {
    eks.on(DeleteAddonCommand).resolves({});
    await expect(provisioner().deleteAddon('c', 'vpc-cni')).resolves.toEqual({ kind: 'deleting' });
    eks.on(DeleteFargateProfileCommand).rejects(notFound());
    await expect(provisioner().deleteFargateProfile('c', 'fp')).resolves.toEqual({ kind: 'gone' });
  });

  test('a cluster that still has node groups is "busy"; one already deleting is "deleting"', async () => {
    eks.on(DeleteClusterCommand).rejects(inUse('Cluster has nodegroups attached'));
    eks.on(DescribeClusterCommand).resolves({ cluster: { status: 'ACTIVE' } });
    await expect(provisioner().deleteCluster('prod')).resolves.toEqual({
      kind: 'busy',
      message: 'Cluster has nodegroups attached',
    });
    eks.on(DescribeClusterCommand).resolves({ cluster: { status: 'DELETING' } });
    await expect(provisioner().deleteCluster('prod')).resolves.toEqual({ kind: 'deleting' });
    eks.on(DescribeClusterCommand).rejects(notFound());
    await expect(provisioner().deleteCluster('prod')).resolves.toEqual({ kind: 'gone' });
  });
});
