import { InvalidSnapshotError } from '../../../lib/domain/errors';
import { insightSchema, nodegroupSchema, parseSnapshot } from '../../../lib/domain/snapshot';
import { timestampProblem } from '../../../lib/domain/timestamp';

/** Every status AWS documents is accepted and nothing else; required names may not be empty. */
const cluster = (extra: Record<string, unknown> = {}) => ({
  name: 'c',
  version: '1.30',
  status: 'ACTIVE',
  resourcesVpcConfig: { subnetIds: [] },
  ...extra,
});

function issues(input: Record<string, unknown>): string[] {
  try {
    parseSnapshot({ cluster: cluster(), ...input });
    return [];
  } catch (error) {
    if (error instanceof InvalidSnapshotError) return [...error.issues];
    throw error;
  }
}

describe('snapshot statuses', () => {
  it.each(['CREATING', 'ACTIVE', 'DELETING', 'FAILED', 'UPDATING', 'PENDING'])(
    'cluster status %s',
    (status) => {
      expect(parseSnapshot({ cluster: cluster({ status }) }).cluster.status).toBe(status);
    },
  );

  it.each(['CREATING', 'ACTIVE', 'UPDATING', 'DELETING', 'CREATE_FAILED', 'DELETE_FAILED', 'DEGRADED'])(
    'node group status %s',
    (status) => {
      expect(issues({ nodegroups: [{ nodegroupName: 'n', version: '1.30', status }] })).toEqual([]);
    },
  );

  it.each([
    'CREATING',
    'ACTIVE',
    'CREATE_FAILED',
    'UPDATING',
    'DELETING',
    'DELETE_FAILED',
    'DEGRADED',
    'UPDATE_FAILED',
  ])('add-on status %s', (status) => {
    expect(issues({ addons: [{ addonName: 'a', addonVersion: 'v1', status }] })).toEqual([]);
  });

  it.each(['PASSING', 'WARNING', 'ERROR', 'UNKNOWN'])('insight status %s', (status) => {
    expect(
      issues({ insights: [{ id: 'i', category: 'UPGRADE_READINESS', insightStatus: { status } }] }),
    ).toEqual([]);
  });

  it.each(['NO_SCHEDULE', 'NO_EXECUTE', 'PREFER_NO_SCHEDULE'])('taint effect %s', (effect) => {
    const taints = [{ key: 'k', effect }];
    expect(
      parseSnapshot({
        cluster: cluster(),
        nodegroups: [{ nodegroupName: 'n', version: '1.30', status: 'ACTIVE', taints }],
      }).nodegroups[0]?.taints,
    ).toEqual(taints);
  });

  it.each(['STANDARD', 'EXTENDED'])('upgrade policy %s', (supportType) => {
    expect(issues({ cluster: cluster({ upgradePolicy: { supportType } }) })).toEqual([]);
  });

  it('refuses statuses AWS does not send, naming the path', () => {
    expect(
      issues({
        cluster: cluster({ status: 'READY', upgradePolicy: { supportType: 'NONE' } }),
        nodegroups: [{ nodegroupName: 'n', version: '1.30', status: 'UPDATE_FAILED' }],
        addons: [{ addonName: 'a', addonVersion: 'v1', status: 'FAILED' }],
        insights: [{ id: 'i', category: 'X', insightStatus: { status: 'FAILING' } }],
      }).map((i) => i.split(':')[0]),
    ).toEqual([
      'cluster.status',
      'cluster.upgradePolicy.supportType',
      'nodegroups.0.status',
      'addons.0.status',
      'insights.0.insightStatus.status',
    ]);
  });
});

describe('required names', () => {
  it('refuses empty names and ids, naming each path', () => {
    expect(
      issues({
        cluster: cluster({ name: '' }),
        nodegroups: [{ nodegroupName: '', version: '1.30', status: 'ACTIVE' }],
        addons: [{ addonName: '', addonVersion: '', status: 'ACTIVE' }],
        addonVersions: [{ addonName: '', addonVersions: [{ addonVersion: '' }] }],
        insights: [{ id: '', category: 'X', insightStatus: { status: 'PASSING' } }],
        fargateProfiles: [{ fargateProfileName: '' }],
        subnets: [{ SubnetId: '', AvailableIpAddressCount: -1 }],
      }).map((i) => i.split(':')[0]),
    ).toEqual([
      'cluster.name',
      'nodegroups.0.nodegroupName',
      'addons.0.addonName',
      'addons.0.addonVersion',
      'addonVersions.0.addonName',
      'addonVersions.0.addonVersions.0.addonVersion',
      'insights.0.id',
      'fargateProfiles.0.fargateProfileName',
      'subnets.0.SubnetId',
      'subnets.0.AvailableIpAddressCount',
    ]);
  });

  it('bounds node-group update settings', () => {
    const ng = (updateConfig: unknown) => ({
      nodegroups: [{ nodegroupName: 'n', version: '1.30', status: 'ACTIVE', updateConfig }],
    });
    expect(issues(ng({ maxUnavailable: 1, maxUnavailablePercentage: 100 }))).toEqual([]);
    expect(issues(ng({ maxUnavailable: 0 })).map((i) => i.split(':')[0])).toEqual([
      'nodegroups.0.updateConfig.maxUnavailable',
    ]);
    expect(issues(ng({ maxUnavailablePercentage: 101 })).map((i) => i.split(':')[0])).toEqual([
      'nodegroups.0.updateConfig.maxUnavailablePercentage',
    ]);
  });

  it('says the snapshot is invalid and lists each issue on its own line', () => {
    expect(() => parseSnapshot({ cluster: cluster({ name: '', status: 'READY' }) })).toThrow(
      /^environment snapshot is invalid:\n {2}cluster\.name: .+\n {2}cluster\.status: /,
    );
  });
});

describe('nested parts are checked at their own path', () => {
  const insight = (extra: Record<string, unknown>) => ({
    insights: [{ id: 'i', category: 'UPGRADE_READINESS', insightStatus: { status: 'PASSING' }, ...extra }],
  });
  it.each<[string, Record<string, unknown>]>([
    ['cluster.health.issues.0.code', { cluster: cluster({ health: { issues: [{ code: 5 }] } }) }],
    ['cluster.health.issues', { cluster: cluster({ health: { issues: 'none' } }) }],
    [
      'nodegroups.0.launchTemplate.version',
      {
        nodegroups: [
          { nodegroupName: 'n', version: '1.30', status: 'ACTIVE', launchTemplate: { version: 3 } },
        ],
      },
    ],
    [
      'addonVersions.0.addonVersions.0.compatibilities.0.defaultVersion',
      {
        addonVersions: [
          {
            addonName: 'a',
            addonVersions: [
              { addonVersion: 'v1', compatibilities: [{ clusterVersion: '1.30', defaultVersion: 'yes' }] },
            ],
          },
        ],
      },
    ],
    // What a node-group replacement copies into CreateNodegroup: a wrong shape is refused, not dropped.
    ...(
      [
        ['nodeRole', 5],
        ['subnets', 'subnet-a'],
        ['subnets.0', 7],
        ['instanceTypes.1', null],
        ['diskSize', 0],
        ['diskSize', 20.5],
        ['remoteAccess.ec2SshKey', 1],
        ['remoteAccess.sourceSecurityGroups', 'sg-1'],
        ['labels.team', 1],
        ['tags.owner', true],
        ['taints.0.effect', 'NoSchedule'],
        ['taints.0.key', 1],
        ['taints', {}],
        ['nodeRepairConfig', 'on'],
        ['warmPoolConfig', 3],
      ] as const
    ).map(([field, value]): [string, Record<string, unknown>] => {
      const [top = '', ...rest] = field.split('.');
      const build = (keys: string[]): unknown => {
        const [key, ...more] = keys;
        if (key === undefined) return value;
        return /^\d+$/.test(key)
          ? [...(key === '1' ? ['m5.large'] : []), build(more)]
          : { [key]: build(more) };
      };
      return [
        `nodegroups.0.${field}`,
        { nodegroups: [{ nodegroupName: 'n', version: '1.30', status: 'ACTIVE', [top]: build(rest) }] },
      ];
    }),
    // What a green cluster copies into CreateCluster, CreateAddon and CreateFargateProfile: refused, not dropped.
    ...(
      [
        ['roleArn', 5],
        ['resourcesVpcConfig.endpointPublicAccess', 'yes'],
        ['resourcesVpcConfig.endpointPrivateAccess', 1],
        ['resourcesVpcConfig.publicAccessCidrs', '10.0.0.0/8'],
        ['resourcesVpcConfig.publicAccessCidrs.0', 1],
        ['kubernetesNetworkConfig', ['ipv4']],
        ['kubernetesNetworkConfig.serviceIpv4Cidr', 10],
        ['kubernetesNetworkConfig.serviceIpv6Cidr', 10],
        ['kubernetesNetworkConfig.ipFamily', 4],
        ['logging', 'on'],
        ['logging.clusterLogging', {}],
        ['logging.clusterLogging.0.types', 'api'],
        ['logging.clusterLogging.0.enabled', 'yes'],
        ['encryptionConfig', {}],
        ['encryptionConfig.0.resources', 'secrets'],
        ['encryptionConfig.0.provider.keyArn', 1],
        ['accessConfig.authenticationMode', 1],
        ['accessConfig.bootstrapClusterCreatorAdminPermissions', 'no'],
      ] as const
    ).map(([field, value]): [string, Record<string, unknown>] => {
      const build = (keys: string[]): unknown => {
        const [key, ...more] = keys;
        if (key === undefined) return value;
        return key === '0' ? [build(more)] : { [key]: build(more) };
      };
      const part = build(field.split('.')) as Record<string, unknown>;
      const vpc = { subnetIds: [], ...(part.resourcesVpcConfig as object | undefined) };
      return [`cluster.${field}`, { cluster: cluster({ ...part, resourcesVpcConfig: vpc }) }];
    }),
    [
      'addons.0.serviceAccountRoleArn',
      { addons: [{ addonName: 'a', addonVersion: 'v1', status: 'ACTIVE', serviceAccountRoleArn: 1 }] },
    ],
    [
      'addons.0.configurationValues',
      { addons: [{ addonName: 'a', addonVersion: 'v1', status: 'ACTIVE', configurationValues: {} }] },
    ],
    [
      'fargateProfiles.0.podExecutionRoleArn',
      { fargateProfiles: [{ fargateProfileName: 'f', podExecutionRoleArn: 1 }] },
    ],
    ['fargateProfiles.0.subnets', { fargateProfiles: [{ fargateProfileName: 'f', subnets: 'subnet-a' }] }],
    [
      'fargateProfiles.0.selectors.0.labels.app',
      { fargateProfiles: [{ fargateProfileName: 'f', selectors: [{ namespace: 'n', labels: { app: 1 } }] }] },
    ],
    ['insights.0.insightStatus.status', insight({ insightStatus: { status: 'FINE' } })],
    ['insights.0.resources.0.arn', insight({ resources: [{ arn: 5 }] })],
    [
      'insights.0.categorySpecificSummary.deprecationDetails.0.usage',
      insight({ categorySpecificSummary: { deprecationDetails: [{ usage: 5 }] } }),
    ],
    [
      'insights.0.categorySpecificSummary.deprecationDetails.0.clientStats.0.lastRequestTime',
      insight({
        categorySpecificSummary: { deprecationDetails: [{ clientStats: [{ lastRequestTime: 'soon' }] }] },
      }),
    ],
    [
      'insights.0.categorySpecificSummary.addonCompatibilityDetails.0.name',
      insight({ categorySpecificSummary: { addonCompatibilityDetails: [{ name: 5 }] } }),
    ],
    [
      'fargateProfiles.0.selectors.0.namespace',
      { fargateProfiles: [{ fargateProfileName: 'f', selectors: [{ namespace: 5 }] }] },
    ],
    ['launchTemplates.0.DefaultVersionNumber', { launchTemplates: [{ DefaultVersionNumber: 0 }] }],
    [
      'clusterVersions.0.endOfStandardSupportDate',
      { clusterVersions: [{ clusterVersion: '1.30', endOfStandardSupportDate: 'later' }] },
    ],
  ])('%s', (path, input) => {
    expect(issues(input).map((i) => i.split(':')[0])).toEqual([path]);
  });

  it('normalises a timestamp deep inside an insight like one at the top', () => {
    const parsed = parseSnapshot({
      cluster: cluster(),
      ...insight({
        categorySpecificSummary: {
          deprecationDetails: [{ clientStats: [{ lastRequestTime: 1710415904.348 }] }],
        },
      }),
    });
    expect(
      parsed.insights[0]?.categorySpecificSummary?.deprecationDetails?.[0]?.clientStats?.[0]?.lastRequestTime,
    ).toBe('2024-03-14T11:31:44.348Z');
  });

  it('says where an issue is when it is the snapshot itself', () => {
    expect(() => parseSnapshot('not a snapshot')).toThrow(
      /^environment snapshot is invalid:\n {2}\(root\): /,
    );
  });
});

describe('the part schemas the AWS adapters parse one response with', () => {
  it("are the snapshot's own: a node group or an insight parsed alone is what the snapshot holds", () => {
    const ng = { nodegroupName: 'n', version: '1.30', status: 'ACTIVE', createdAt: 1710415904, labels: null };
    const found = {
      id: 'i',
      category: 'UPGRADE_READINESS',
      insightStatus: { status: 'PASSING' },
      lastRefreshTime: '2024-03-14T11:31:44-04:00',
    };
    const whole = parseSnapshot({ cluster: cluster(), nodegroups: [ng], insights: [found] });
    expect(nodegroupSchema().parse(ng)).toStrictEqual(whole.nodegroups[0]);
    expect(insightSchema().parse(found)).toStrictEqual(whole.insights[0]);
    expect(whole.nodegroups[0]?.createdAt).toBe('2024-03-14T11:31:44.000Z');
    expect(insightSchema().safeParse({ ...found, lastRefreshTime: 'soon' }).error?.issues).toEqual([
      expect.objectContaining({
        code: 'custom',
        path: ['lastRefreshTime'],
        message: timestampProblem('soon'),
      }),
    ]);
  });
});
