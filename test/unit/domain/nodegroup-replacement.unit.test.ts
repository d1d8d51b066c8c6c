import {
  isNodegroupName,
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
    expect(result).toStrictEqual({
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

describe('planNodegroupReplacement, field by field', () => {
  const previous = { version: '1.30', releaseVersion: '1.30.15-20250904' };
  const running = 'describes the running group; EKS sets it for the new one';
  /** status is required in a snapshot: it is always reported. Requests are compared strictly: a key set to undefined is a key too. */
  const STATUS = { field: 'status', why: running };
  const minimal: Nodegroup = {
    nodegroupName: 'bare',
    version: '1.31',
    status: 'ACTIVE',
    subnets: ['subnet-a'],
    nodeRole: 'arn:aws:iam::123456789012:role/nodes',
  };

  it('given only what CreateNodegroup requires, then the request holds that, the version and the replaces tag, and nothing is reported missing', () => {
    expect(plan(minimal, previous)).toStrictEqual({
      kind: 'replacement',
      request: {
        clusterName: 'prod',
        nodegroupName: replacementName('up-1', 'bare'),
        clientRequestToken: clientRequestToken('up-1', 'replace-nodegroup:bare'),
        nodeRole: 'arn:aws:iam::123456789012:role/nodes',
        subnets: ['subnet-a'],
        version: '1.30',
        releaseVersion: '1.30.15-20250904',
        tags: { [REPLACES_TAG]: 'bare' },
      },
      notCarried: [STATUS],
    });
  });

  it('given an empty subnet list, or an empty node role, then impossible, naming what is missing', () => {
    expect(plan({ ...minimal, subnets: [] }, previous)).toStrictEqual({
      kind: 'impossible',
      reason: 'node group bare has no subnets in its DescribeNodegroup, which CreateNodegroup requires',
    });
    expect(plan({ ...minimal, nodeRole: '' }, previous)).toStrictEqual({
      kind: 'impossible',
      reason: 'node group bare has no nodeRole in its DescribeNodegroup, which CreateNodegroup requires',
    });
  });

  it('given each optional field alone, then it is copied as it is, and not shared with the original', () => {
    const fields: Partial<Nodegroup> = {
      scalingConfig: { minSize: 0, maxSize: 3, desiredSize: 1 },
      updateConfig: { maxUnavailable: 2 },
      nodeRepairConfig: { enabled: true },
      warmPoolConfig: { minSize: 1 },
      labels: { team: 'a' },
      amiType: 'BOTTLEROCKET_x86_64',
      capacityType: 'ON_DEMAND',
      instanceTypes: ['c7g.large'],
      taints: [{ key: 'k', effect: 'NO_EXECUTE' }],
      diskSize: 80,
      remoteAccess: { ec2SshKey: 'ops' },
    };
    for (const [field, value] of Object.entries(fields)) {
      const result = plan({ ...minimal, [field]: value }, previous);
      if (result.kind !== 'replacement') throw new Error(result.reason);
      const copied = (result.request as unknown as Record<string, unknown>)[field];
      expect({ field, copied }).toStrictEqual({ field, copied: value });
      if (typeof value === 'object')
        expect({ field, shared: copied === value }).toStrictEqual({ field, shared: false });
      expect(result.notCarried).toStrictEqual([STATUS]);
    }
  });

  it('given a launch template named but without an id, then the name is sent; with both, the id alone', () => {
    const byName = plan({ ...minimal, launchTemplate: { name: 'nodes', version: '4' } }, previous);
    const both = plan({ ...minimal, launchTemplate: { id: 'lt-1', name: 'nodes', version: '4' } }, previous);
    if (byName.kind !== 'replacement' || both.kind !== 'replacement') throw new Error('impossible');
    expect(byName.request.launchTemplate).toStrictEqual({ name: 'nodes', version: '4' });
    expect(both.request.launchTemplate).toStrictEqual({ id: 'lt-1', version: '4' });
  });

  it('given a launch template with neither id nor name, then only the version is sent (no key left undefined)', () => {
    const result = plan({ ...minimal, launchTemplate: { version: '4' } }, previous);
    if (result.kind !== 'replacement') throw new Error(result.reason);
    expect(result.request.launchTemplate).toStrictEqual({ version: '4' });
  });

  it('given a launch template with no version, and none recorded, then no version is sent (EKS takes the default)', () => {
    const result = plan({ ...minimal, launchTemplate: { id: 'lt-1' } }, previous);
    if (result.kind !== 'replacement') throw new Error(result.reason);
    expect(result.request.launchTemplate).toStrictEqual({ id: 'lt-1' });
    expect(result.notCarried).toStrictEqual([STATUS]);
  });

  it('given a launch template, then disk size and remote access are reported one by one, each only when set', () => {
    const lt = { launchTemplate: { id: 'lt-1', version: '2' } };
    const why = 'set by the launch template, which EKS requires to carry it';
    const disk = plan({ ...minimal, ...lt, diskSize: 20 }, previous);
    const remote = plan({ ...minimal, ...lt, remoteAccess: { ec2SshKey: 'k' } }, previous);
    if (disk.kind !== 'replacement' || remote.kind !== 'replacement') throw new Error('impossible');
    expect(disk.notCarried).toStrictEqual([STATUS, { field: 'diskSize', why }]);
    expect(remote.notCarried).toStrictEqual([STATUS, { field: 'remoteAccess', why }]);
    expect(disk.request.diskSize).toBeUndefined();
    expect(remote.request.remoteAccess).toBeUndefined();
  });

  it('given a custom AMI without a launch template, then impossible: its AMI cannot be named', () => {
    expect(
      plan({ ...minimal, amiType: 'CUSTOM' }, { ...previous, launchTemplateVersion: '3' }),
    ).toMatchObject({
      kind: 'impossible',
      reason: expect.stringContaining('custom AMI'),
    });
  });

  it('given only aws: tags, then none is sent, each is reported, and the replaces tag is the only one', () => {
    const result = plan({ ...minimal, tags: { 'aws:a': '1', 'aws:b': '2' } }, previous);
    if (result.kind !== 'replacement') throw new Error(result.reason);
    expect(result.request.tags).toStrictEqual({ [REPLACES_TAG]: 'bare' });
    expect(result.notCarried.map((n) => n.field)).toStrictEqual(['status', 'tags.aws:a', 'tags.aws:b']);
  });

  it('given each field that describes the running group, then that one is reported (in the order of the response) beside status', () => {
    const order = ['nodegroupArn', 'clusterName', 'createdAt', 'modifiedAt', 'status', 'health', 'resources'];
    const runtime: Partial<Nodegroup> = {
      nodegroupArn: 'arn',
      clusterName: 'prod',
      createdAt: '2024-01-01T00:00:00.000Z',
      modifiedAt: '2024-01-01T00:00:00.000Z',
      health: { issues: [] },
      resources: {},
    };
    for (const [field, value] of Object.entries(runtime)) {
      const result = plan({ ...minimal, [field]: value }, previous);
      if (result.kind !== 'replacement') throw new Error(result.reason);
      expect(result.notCarried).toStrictEqual(
        order.filter((f) => f === field || f === 'status').map((f) => ({ field: f, why: running })),
      );
    }
  });
});

describe('isNodegroupName and the replaces tag', () => {
  it.each([
    ['a', true],
    ['0-group_1', true],
    ['n'.repeat(NODEGROUP_NAME_MAX), true],
    ['n'.repeat(NODEGROUP_NAME_MAX + 1), false],
    ['', false],
    ['-group', false],
    ['_group', false],
    ['group!', false],
    ['!group', false],
    ['gro up', false],
  ])('%s: %s', (name, valid) => {
    expect(isNodegroupName(name)).toBe(valid);
  });

  it('the replaces tag is the documented key a person searches for', () => {
    expect(REPLACES_TAG).toBe('eks-upgrade-agent/replaces');
  });

  it('the name hashes the upgrade and the original apart: moving characters between them changes it', () => {
    expect(replacementName('ab', 'c')).not.toBe(replacementName('a', 'bc'));
  });
});
