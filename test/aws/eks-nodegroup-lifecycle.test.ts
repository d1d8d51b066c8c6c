import {
  CreateNodegroupCommand,
  DeleteNodegroupCommand,
  DescribeNodegroupCommand,
  EKSClient,
  InvalidParameterException,
  ResourceInUseException,
  ResourceLimitExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EksNodegroupLifecycle } from '../../lib/aws/eks/nodegroup-lifecycle';
import { UnexpectedResponseError } from '../../lib/aws/errors';
import { planNodegroupReplacement } from '../../lib/domain/nodegroup-replacement';
import { nodegroup } from './fixtures/eks';

const eks = mockClient(EKSClient);
const lifecycle = () => new EksNodegroupLifecycle({ eks: new EKSClient({}) });

const replacement = (() => {
  const plan = planNodegroupReplacement({
    upgradeId: 'up-1',
    clusterName: 'prod',
    upgraded: {
      nodegroupName: 'general',
      version: '1.30',
      status: 'ACTIVE',
      subnets: ['subnet-a'],
      nodeRole: 'arn:aws:iam::123456789012:role/nodes',
      scalingConfig: { minSize: 1, maxSize: 4, desiredSize: 3 },
    },
    previous: { version: '1.29', releaseVersion: '1.29.0-20240129' },
  });
  if (plan.kind !== 'replacement') throw new Error(plan.reason);
  return plan.request;
})();

beforeEach(() => eks.reset());

describe('EksNodegroupLifecycle.createNodegroup', () => {
  test('sends the replacement request as it is, token included', async () => {
    eks.on(CreateNodegroupCommand).resolves({ nodegroup: { nodegroupName: replacement.nodegroupName } });
    await expect(lifecycle().createNodegroup(replacement)).resolves.toEqual({ kind: 'created' });
    expect(eks).toHaveReceivedCommandWith(CreateNodegroupCommand, {
      clusterName: 'prod',
      nodegroupName: replacement.nodegroupName,
      clientRequestToken: replacement.clientRequestToken,
      version: '1.29',
      releaseVersion: '1.29.0-20240129',
      subnets: ['subnet-a'],
    });
  });

  test('a retry that meets the group of its first call (ResourceInUseException) is "exists", not a failure', async () => {
    eks.on(CreateNodegroupCommand).rejects(
      new ResourceInUseException({
        message: `NodeGroup already exists with name ${replacement.nodegroupName} and cluster name prod`,
        $metadata: {},
      }),
    );
    await expect(lifecycle().createNodegroup(replacement)).resolves.toEqual({ kind: 'exists' });
  });

  test('a refused request propagates under its EKS name', async () => {
    eks
      .on(CreateNodegroupCommand)
      .rejects(new ResourceLimitExceededException({ message: 'too many node groups', $metadata: {} }));
    await expect(lifecycle().createNodegroup(replacement)).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
    });
    eks
      .on(CreateNodegroupCommand)
      .rejects(new InvalidParameterException({ message: 'bad subnet', $metadata: {} }));
    await expect(lifecycle().createNodegroup(replacement)).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});

describe('EksNodegroupLifecycle.deleteNodegroup', () => {
  test('deleting', async () => {
    eks.on(DeleteNodegroupCommand).resolves({ nodegroup: { status: 'DELETING' } });
    await expect(lifecycle().deleteNodegroup('prod', 'general')).resolves.toEqual({ kind: 'deleting' });
    expect(eks).toHaveReceivedCommandWith(DeleteNodegroupCommand, {
      clusterName: 'prod',
      nodegroupName: 'general',
    });
  });

  test('a retry after the group is gone (ResourceNotFoundException) is "gone"', async () => {
    eks
      .on(DeleteNodegroupCommand)
      .rejects(new ResourceNotFoundException({ message: 'No node group found', $metadata: {} }));
    await expect(lifecycle().deleteNodegroup('prod', 'general')).resolves.toEqual({ kind: 'gone' });
  });

  test('ResourceInUseException while it is already DELETING is "deleting"; while it is updating, "busy"', async () => {
    eks.on(DeleteNodegroupCommand).rejects(new ResourceInUseException({ message: 'in use', $metadata: {} }));
    eks
      .on(DescribeNodegroupCommand)
      .resolvesOnce({ nodegroup: { ...nodegroup('general'), status: 'DELETING' } })
      .resolvesOnce({ nodegroup: { ...nodegroup('general'), status: 'UPDATING' } });
    await expect(lifecycle().deleteNodegroup('prod', 'general')).resolves.toEqual({ kind: 'deleting' });
    await expect(lifecycle().deleteNodegroup('prod', 'general')).resolves.toEqual({
      kind: 'busy',
      message: 'in use',
    });
  });
});

describe('EksNodegroupLifecycle.describeNodegroup', () => {
  test('the node group in snapshot form (dates as ISO strings)', async () => {
    eks.on(DescribeNodegroupCommand).resolves({ nodegroup: nodegroup('general') });
    await expect(lifecycle().describeNodegroup('prod', 'general')).resolves.toMatchObject({
      nodegroupName: 'general',
      version: '1.29',
      status: 'ACTIVE',
      createdAt: '2024-01-15T10:00:00.000Z',
    });
  });

  test('unknown to EKS: undefined', async () => {
    eks
      .on(DescribeNodegroupCommand)
      .rejects(new ResourceNotFoundException({ message: 'No node group found', $metadata: {} }));
    await expect(lifecycle().describeNodegroup('prod', 'general')).resolves.toBeUndefined();
  });

  test('an answer without a node group is UnexpectedResponseError', async () => {
    eks.on(DescribeNodegroupCommand).resolves({});
    await expect(lifecycle().describeNodegroup('prod', 'general')).rejects.toThrow(UnexpectedResponseError);
  });
});
