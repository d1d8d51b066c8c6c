import {
  NODEGROUP_NAME_MAX,
  planNodegroupReplacement,
  REPLACES_TAG,
  replacementName,
} from '../../../lib/domain/nodegroup-replacement';
import { clientRequestToken } from '../../../lib/domain/request-token';
import type { Nodegroup } from '../../../lib/domain/snapshot';

/** A DescribeNodegroup.nodegroup after an upgrade to 1.31 (real field names and shapes). */
const upgraded: Nodegroup = {
  nodegroupName: 'general',
  nodegroupArn: 'arn:aws:eks:eu-west-1:123456789012:nodegroup/prod/general/0ac6',
  clusterName: 'prod',
  version: '1.31',
  releaseVersion: '1.31.7-20250505',
  status: 'ACTIVE',
  capacityType: 'SPOT',
  instanceTypes: ['m6i.xlarge', 'm5.xlarge'],
  amiType: 'AL2023_x86_64_STANDARD',
  scalingConfig: { minSize: 2, maxSize: 12, desiredSize: 6 },
  updateConfig: { maxUnavailablePercentage: 25 },
  subnets: ['subnet-a', 'subnet-b'],
  nodeRole: 'arn:aws:iam::123456789012:role/nodes',
  labels: { team: 'payments' },
  taints: [{ key: 'dedicated', value: 'payments', effect: 'NO_SCHEDULE' }],
  diskSize: 50,
  remoteAccess: { ec2SshKey: 'ops', sourceSecurityGroups: ['sg-1'] },
  tags: { owner: 'platform', 'aws:cloudformation:stack-name': 'x' },
  resources: { autoScalingGroups: [{ name: 'eks-general-0ac6' }] },
  health: { issues: [] },
};

const plan = (ng: Nodegroup, previous: Parameters<typeof planNodegroupReplacement>[0]['previous']) =>
  planNodegroupReplacement({ upgradeId: 'up-1', clusterName: 'prod', upgraded: ng, previous });

describe('planNodegroupReplacement', () => {
  it('given an upgraded node group and its recorded release, then the request recreates it at the previous version', () => {
    const result = plan(upgraded, { version: '1.30', releaseVersion: '1.30.15-20250904' });
    expect(result).toEqual({
      kind: 'replacement',
      request: {
        clusterName: 'prod',
        nodegroupName: replacementName('up-1', 'general'),
        clientRequestToken: clientRequestToken('up-1', 'replace-nodegroup:general'),
        version: '1.30',
        releaseVersion: '1.30.15-20250904',
        nodeRole: 'arn:aws:iam::123456789012:role/nodes',
        subnets: ['subnet-a', 'subnet-b'],
        scalingConfig: { minSize: 2, maxSize: 12, desiredSize: 6 },
        updateConfig: { maxUnavailablePercentage: 25 },
        instanceTypes: ['m6i.xlarge', 'm5.xlarge'],
        amiType: 'AL2023_x86_64_STANDARD',
        capacityType: 'SPOT',
        labels: { team: 'payments' },
        taints: [{ key: 'dedicated', value: 'payments', effect: 'NO_SCHEDULE' }],
        diskSize: 50,
        remoteAccess: { ec2SshKey: 'ops', sourceSecurityGroups: ['sg-1'] },
        tags: { owner: 'platform', [REPLACES_TAG]: 'general' },
      },
      notCarried: [
        { field: 'nodegroupArn', why: expect.any(String) },
        { field: 'clusterName', why: expect.any(String) },
        { field: 'status', why: expect.any(String) },
        { field: 'health', why: expect.any(String) },
        { field: 'resources', why: expect.any(String) },
        { field: 'tags.aws:cloudformation:stack-name', why: 'aws: tags are set by AWS only' },
      ],
    });
  });

  it('given no recorded release, then EKS picks the latest release for the version, and the report says so', () => {
    const result = plan(upgraded, { version: '1.30' });
    if (result.kind !== 'replacement') throw new Error(result.reason);
    expect(result.request.releaseVersion).toBeUndefined();
    expect(result.notCarried).toContainEqual({
      field: 'releaseVersion',
      why: 'the AMI release before the update was not recorded; EKS picks the latest release for 1.30',
    });
  });

  it('given a launch template, then its id and recorded version are kept, and disk size and remote access stay in the template', () => {
    const ng = { ...upgraded, launchTemplate: { id: 'lt-0abc', name: 'nodes', version: '7' } };
    const result = plan(ng, { version: '1.30', launchTemplateVersion: '6' });
    if (result.kind !== 'replacement') throw new Error(result.reason);
    expect(result.request.launchTemplate).toEqual({ id: 'lt-0abc', version: '6' });
    expect(result.request.diskSize).toBeUndefined();
    expect(result.request.remoteAccess).toBeUndefined();
    expect(result.notCarried.map((n) => n.field)).toEqual(
      expect.arrayContaining(['diskSize', 'remoteAccess']),
    );
  });

  it('given a custom AMI with its previous template version, then no version is sent: the template carries the AMI', () => {
    const ng = { ...upgraded, amiType: 'CUSTOM', launchTemplate: { id: 'lt-0abc', version: '7' } };
    const result = plan(ng, { version: '1.30', releaseVersion: 'ignored', launchTemplateVersion: '6' });
    if (result.kind !== 'replacement') throw new Error(result.reason);
    expect(result.request.version).toBeUndefined();
    expect(result.request.releaseVersion).toBeUndefined();
    expect(result.request.launchTemplate).toEqual({ id: 'lt-0abc', version: '6' });
  });

  it('given a custom AMI without the previous template version, then impossible, saying why', () => {
    const ng = { ...upgraded, amiType: 'CUSTOM', launchTemplate: { id: 'lt-0abc', version: '7' } };
    expect(plan(ng, { version: '1.30' })).toEqual({
      kind: 'impossible',
      reason:
        'node group general runs a custom AMI from its launch template, and the template version that carried the 1.30 AMI was not recorded',
    });
  });

  it('given a DescribeNodegroup without subnets or node role, then impossible', () => {
    const { subnets: _s, ...noSubnets } = upgraded;
    const { nodeRole: _r, ...noRole } = upgraded;
    expect(plan(noSubnets as Nodegroup, { version: '1.30' })).toMatchObject({
      kind: 'impossible',
      reason: expect.stringMatching(/no subnets/),
    });
    expect(plan(noRole as Nodegroup, { version: '1.30' })).toMatchObject({
      kind: 'impossible',
      reason: expect.stringMatching(/no nodeRole/),
    });
  });
});

describe('replacementName', () => {
  it('is deterministic, differs from the original, and stays within 63 characters', () => {
    const long = 'n'.repeat(63);
    expect(replacementName('up-1', long)).toBe(replacementName('up-1', long));
    expect(replacementName('up-1', long)).toHaveLength(NODEGROUP_NAME_MAX);
    expect(replacementName('up-1', 'general')).toMatch(/^general-rb-[0-9a-f]{8}$/);
    expect(replacementName('up-2', 'general')).not.toBe(replacementName('up-1', 'general'));
  });
});
