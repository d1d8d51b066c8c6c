import fc from 'fast-check';
import { InvalidSnapshotError } from '../../../lib/domain/errors';
import { parseSnapshot } from '../../../lib/domain/snapshot';
import { NotAwsShapeError, RegisteredClusterError } from '../../../lib/domain/snapshot-guards';
import { normalizeTimestamp } from '../../../lib/domain/timestamp';

const cluster = (extra: Record<string, unknown> = {}) => ({
  name: 'c1',
  version: '1.30',
  status: 'ACTIVE',
  resourcesVpcConfig: { subnetIds: ['subnet-a'] },
  ...extra,
});

function issuesOf(input: unknown): readonly string[] {
  try {
    parseSnapshot(input);
  } catch (error) {
    if (error instanceof InvalidSnapshotError) return error.issues;
    throw error;
  }
  throw new Error('expected InvalidSnapshotError');
}

describe('snapshot timestamps: either AWS form in, UTC ISO out', () => {
  test('epoch seconds (the wire, AWS CLI v1) become ISO with milliseconds, at every timestamp path', () => {
    const s = parseSnapshot({
      capturedAt: 1700157422,
      cluster: cluster({ createdAt: 1527807879.988 }),
      nodegroups: [{ nodegroupName: 'ng', version: '1.30', status: 'ACTIVE', createdAt: 1573496875.151 }],
      addons: [{ addonName: 'vpc-cni', addonVersion: 'v1', status: 'ACTIVE', modifiedAt: 1573496979.583 }],
      insights: [
        {
          id: 'i1',
          category: 'UPGRADE_READINESS',
          insightStatus: { status: 'PASSING' },
          lastRefreshTime: 1700157422.0,
          lastTransitionTime: 1700157422,
          categorySpecificSummary: {
            deprecationDetails: [{ clientStats: [{ lastRequestTime: 1700157422.5 }] }],
          },
        },
      ],
      fargateProfiles: [{ fargateProfileName: 'fp', createdAt: 1574281537.866 }],
      clusterVersions: [{ clusterVersion: '1.30', endOfStandardSupportDate: 1753228800 }],
    });
    expect(s.capturedAt).toBe('2023-11-16T17:57:02.000Z');
    expect(s.cluster.createdAt).toBe('2018-05-31T23:04:39.988Z');
    expect(s.nodegroups[0]?.createdAt).toBe('2019-11-11T18:27:55.151Z');
    expect(s.addons[0]?.modifiedAt).toBe('2019-11-11T18:29:39.583Z');
    expect(s.insights[0]?.lastRefreshTime).toBe('2023-11-16T17:57:02.000Z');
    expect(s.insights[0]?.categorySpecificSummary?.deprecationDetails?.[0]?.clientStats?.[0]).toEqual({
      lastRequestTime: '2023-11-16T17:57:02.500Z',
    });
    expect(s.fargateProfiles[0]?.createdAt).toBe('2019-11-20T20:25:37.866Z');
    expect(s.clusterVersions?.[0]?.endOfStandardSupportDate).toBe('2025-07-23T00:00:00.000Z');
  });

  test('ISO 8601 with offsets and microseconds (AWS CLI v2) becomes the same instant in UTC', () => {
    const s = parseSnapshot({
      capturedAt: '2024-03-14T11:31:44.348000-04:00',
      cluster: cluster({ createdAt: '2024-03-14T15:31:44Z' }),
      clusterVersions: [{ clusterVersion: '1.30', endOfStandardSupportDate: '2025-07-23' }],
    });
    expect(s.capturedAt).toBe('2024-03-14T15:31:44.348Z');
    expect(s.cluster.createdAt).toBe('2024-03-14T15:31:44.000Z');
    expect(s.clusterVersions?.[0]?.endOfStandardSupportDate).toBe('2025-07-23T00:00:00.000Z');
  });

  test.each<[unknown, string]>([
    ['yesterday', 'not a time'],
    ['2024-02-30T00:00:00Z', 'no such calendar day'],
    ['2024-03-14T11:31:44', 'no zone: the instant would depend on the reader'],
    [1700157422000, 'epoch milliseconds'],
    [true, 'neither a string nor a number'],
  ])('capturedAt %j is refused with an issue naming the path (%s)', (bad) => {
    const issues = issuesOf({ capturedAt: bad, cluster: cluster() });
    expect(issues).toEqual([expect.stringMatching(/^capturedAt: expected /)]);
  });

  test('a bad nested timestamp is named by its full path', () => {
    const issues = issuesOf({
      cluster: cluster(),
      insights: [
        {
          id: 'i',
          category: 'UPGRADE_READINESS',
          insightStatus: { status: 'PASSING' },
          lastRefreshTime: 'soon',
        },
      ],
    });
    expect(issues).toEqual([expect.stringMatching(/^insights\.0\.lastRefreshTime: expected an ISO 8601/)]);
  });

  test('milliseconds are told apart from seconds in the message', () => {
    expect(issuesOf({ capturedAt: 1700157422000, cluster: cluster() })[0]).toContain('divide by 1000');
  });

  test('property: every epoch second count and its ISO form name one instant; normalising is idempotent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253_402_300_799_000 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (millis, offsetMinutes) => {
          const fromEpoch = normalizeTimestamp(millis / 1000);
          expect(fromEpoch).toBe(new Date(millis).toISOString());
          expect(normalizeTimestamp(fromEpoch)).toBe(fromEpoch);
          // The same instant written in a local time with its offset, as AWS CLI v2 prints it.
          const local = new Date(millis + offsetMinutes * 60_000).toISOString().slice(0, 23);
          if (local.startsWith('+') || local.startsWith('-')) return;
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(normalizeTimestamp(`${local}${offset}`)).toBe(fromEpoch);
        },
      ),
    );
  });
});

describe('snapshot nulls: null in an optional member is absent; unknown members are kept', () => {
  test('the wire nulls of CreateNodegroup and DescribeCluster parse, and what the planner reads is absent', () => {
    const s = parseSnapshot({
      cluster: cluster({
        endpoint: null,
        health: null,
        upgradePolicy: null,
        tags: null,
        certificateAuthority: { data: null },
        resourcesVpcConfig: { subnetIds: null, vpcId: null },
      }),
      nodegroups: [
        {
          nodegroupName: 'ng',
          version: '1.30',
          status: 'ACTIVE',
          launchTemplate: null,
          scalingConfig: { minSize: 1, maxSize: null, desiredSize: 1 },
          updateConfig: null,
          labels: null,
          remoteAccess: { ec2SshKey: 'k', sourceSecurityGroups: null },
          resources: null,
          health: { issues: null },
        },
      ],
      addons: null,
      insights: [
        {
          id: 'i',
          category: 'UPGRADE_READINESS',
          insightStatus: { status: 'PASSING', reason: null },
          resources: null,
          categorySpecificSummary: { deprecationDetails: null },
        },
      ],
      clusterVersions: null,
    });
    expect(s.cluster.health).toBeUndefined();
    expect(s.cluster.resourcesVpcConfig.subnetIds).toEqual([]);
    expect(s.nodegroups[0]?.launchTemplate).toBeUndefined();
    expect(s.nodegroups[0]?.scalingConfig?.maxSize).toBeUndefined();
    expect(s.addons).toEqual([]);
    expect(s.clusterVersions).toBeUndefined();
    // Unknown members are AWS's data: kept as sent, nulls included.
    expect(s.cluster.endpoint).toBeNull();
    expect(s.cluster.certificateAuthority).toEqual({ data: null });
    expect(s.nodegroups[0]?.resources).toBeNull();
    // What a replacement copies is typed: its nulls are absent, nested ones too.
    expect(s.nodegroups[0]?.labels).toBeUndefined();
    expect(s.nodegroups[0]?.remoteAccess).toEqual({ ec2SshKey: 'k' });
  });

  test('null in a required member is still an error naming it', () => {
    expect(issuesOf({ cluster: cluster({ version: null }) })).toEqual([
      expect.stringMatching(/^cluster\.version: /),
    ]);
  });
});

describe('inputs that are not a cluster EKS can upgrade, refused by name', () => {
  test('a registered (EKS Connector) cluster: RegisteredClusterError, not a schema error', () => {
    const input = {
      cluster: {
        name: 'my-eks-anywhere-cluster',
        status: 'PENDING',
        connectorConfig: { provider: 'EKS_ANYWHERE', activationExpiry: '2024-04-15T12:38:37.082000-04:00' },
      },
    };
    expect(() => parseSnapshot(input)).toThrow(RegisteredClusterError);
    expect(() => parseSnapshot(input)).toThrow(
      'cluster my-eks-anywhere-cluster is a registered cluster (EKS Connector, provider EKS_ANYWHERE), not upgradable through EKS',
    );
  });

  test('PascalCase parts (eksctl output) are refused naming the part and saying it is not the AWS shape', () => {
    const input = {
      cluster: cluster(),
      addonVersions: [{ AddonName: 'vpc-cni', AddonVersions: [], Type: 'networking' }],
    };
    expect(() => parseSnapshot(input)).toThrow(NotAwsShapeError);
    expect(() => parseSnapshot(input)).toThrow(
      /^not the AWS API shape: addonVersions\[0\] has AddonName, AddonVersions, Type\. This looks like eksctl/,
    );
  });

  test('a PascalCase top level is refused; EC2 subnets (PascalCase in AWS itself) are not', () => {
    expect(() => parseSnapshot({ Cluster: cluster() })).toThrow(/the snapshot has Cluster/);
    const s = parseSnapshot({
      cluster: cluster(),
      subnets: [{ SubnetId: 'subnet-a', AvailableIpAddressCount: 5 }],
    });
    expect(s.subnets).toHaveLength(1);
  });
});
