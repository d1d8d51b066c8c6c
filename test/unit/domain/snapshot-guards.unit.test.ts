import {
  NotAwsShapeError,
  RegisteredClusterError,
  refuseForeignShapes,
} from '../../../lib/domain/snapshot-guards';

/** The inputs refused before schema validation, with the paths and words a person needs. */
function refusal(input: unknown): Error {
  try {
    refuseForeignShapes(input);
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a refusal');
}

const TAIL =
  '. This looks like eksctl or Go SDK output (PascalCase members). EKS parts must be the camelCase JSON ' +
  'the EKS API and the AWS CLI return (e.g. `aws eks describe-addon-versions --output json`), ' +
  'or capture the whole snapshot with `eks-upgrade-agent snapshot --cluster NAME --out FILE`.';

describe('refuseForeignShapes', () => {
  it('lets camelCase snapshots, non-objects and EC2 parts through', () => {
    expect(() => refuseForeignShapes({ cluster: { name: 'c' }, subnets: [{ SubnetId: 's' }] })).not.toThrow();
    expect(() => refuseForeignShapes({ launchTemplates: [{ LaunchTemplateId: 'lt' }] })).not.toThrow();
    expect(() => refuseForeignShapes(null)).not.toThrow();
    expect(() => refuseForeignShapes([{ Cluster: {} }])).not.toThrow();
    expect(() => refuseForeignShapes({ nodegroups: 'none', addons: [null, 3, {}] })).not.toThrow();
    expect(() => refuseForeignShapes({ cluster: { name: 'c', Mixed: 1 } })).not.toThrow();
  });

  it('names at most three keys of a PascalCase part', () => {
    const error = refusal({ cluster: { Name: 'c', Version: '1', Status: 'A', Arn: 'x' } });
    expect(error).toBeInstanceOf(NotAwsShapeError);
    expect(error.name).toBe('NotAwsShapeError');
    expect(error.message).toBe(`not the AWS API shape: cluster has Name, Version, Status, …${TAIL}`);
    expect((error as NotAwsShapeError).paths).toEqual(['cluster has Name, Version, Status, …']);
  });

  it('names three paths and counts the rest', () => {
    const pascal = { AddonName: 'a' };
    const error = refusal({
      nodegroups: [{ NodegroupName: 'n' }],
      addons: [pascal, pascal],
      insights: [{ Id: 'i' }],
      fargateProfiles: [{ Name: 'f' }],
      clusterVersions: [{ ClusterVersion: '1.30' }],
    }) as NotAwsShapeError;
    expect(error.paths).toEqual([
      'nodegroups[0] has NodegroupName',
      'addons[0] has AddonName',
      'addons[1] has AddonName',
      '3 more',
    ]);
    expect(error.message).toMatch(
      /^not the AWS API shape: nodegroups\[0\] has NodegroupName; addons\[0\] has AddonName; addons\[1\] has AddonName; 3 more\. This looks like eksctl/,
    );
    expect(error.retryable).toBe(false);
  });

  it('names exactly three paths without a count', () => {
    const error = refusal({ addons: [{ A: 1 }, { B: 1 }, { C: 1 }] }) as NotAwsShapeError;
    expect(error.paths).toEqual(['addons[0] has A', 'addons[1] has B', 'addons[2] has C']);
  });

  it('refuses a registered cluster, with or without a provider, and without a name', () => {
    const withProvider = refusal({ cluster: { name: 'edge', connectorConfig: { provider: 'OTHER' } } });
    expect(withProvider).toBeInstanceOf(RegisteredClusterError);
    expect(withProvider.name).toBe('RegisteredClusterError');
    expect(withProvider.message).toBe(
      'cluster edge is a registered cluster (EKS Connector, provider OTHER), not upgradable through EKS: EKS does not run its control plane. Upgrade it with the tooling of the platform it runs on.',
    );
    const bare = refusal({ cluster: { connectorConfig: {} } }) as RegisteredClusterError;
    expect(bare.clusterName).toBe('(unnamed)');
    expect(bare.provider).toBeUndefined();
    expect(bare.message).toMatch(
      /^cluster \(unnamed\) is a registered cluster \(EKS Connector\), not upgradable/,
    );
    expect(bare.retryable).toBe(false);
    const oddProvider = refusal({ cluster: { name: 'edge', connectorConfig: { provider: 5 } } });
    expect((oddProvider as RegisteredClusterError).provider).toBeUndefined();
    expect(() => refuseForeignShapes({ cluster: { name: 'c', connectorConfig: null } })).not.toThrow();
  });
});
