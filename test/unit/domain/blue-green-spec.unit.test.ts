import {
  GREEN_OF_TAG,
  greenClusterName,
  greenSpec,
  requireTrafficConfig,
  sideBySideHours,
  weightedTargets,
  withBlueGreenConfig,
} from '../../../lib/domain/blue-green';
import { defaultConfig, InvalidConfigError } from '../../../lib/domain/config';
import { DEFAULT_POLICY } from '../../../lib/domain/plan-types';
import { addon, addonInfo, nodegroup, snapshot } from '../../support/snapshot-builder';

/** Green built from a hand-made blue, field by field: what is copied, what is left out, why it cannot be built. */
const context = { upgradeId: 'up-1', greenName: 'blue-1-31' };
const blueCluster = (extra: Record<string, unknown> = {}) => ({
  name: 'blue',
  version: '1.30',
  status: 'ACTIVE',
  roleArn: 'arn:aws:iam::123456789012:role/eks',
  resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-b'] },
  ...extra,
});
/** The tokens greenSpec gives for up-1 / blue-1-31 (cluster, node group, add-on, Fargate profile), pinned. */
const TOKENS = [
  '335320c8-2939-59b8-ac9c-9b2e44a095e0',
  '62b419d3-8179-559a-98a4-330a28f9e88a',
  '49eb5565-4b62-56a1-8c20-edc1b6ed8acf',
  '8989456c-aa42-584f-a03a-0294e9ccb9cb',
];
const spec = (parts: Record<string, unknown>) => {
  const result = greenSpec(snapshot({ version: '1.30', ...parts }), '1.31', context);
  if (result.kind !== 'spec') throw new Error(`expected a spec: ${JSON.stringify(result)}`);
  return result.spec;
};
const impossible = (parts: Record<string, unknown>) => {
  const result = greenSpec(snapshot({ version: '1.30', ...parts }), '1.31', context);
  return result.kind === 'impossible' ? result.reasons : [];
};

describe('greenSpec, the cluster', () => {
  it('given only what every cluster has, then exactly that, and the agent tag', () => {
    const { cluster } = spec({ cluster: blueCluster() });
    expect(cluster).toStrictEqual({
      name: 'blue-1-31',
      version: '1.31',
      roleArn: 'arn:aws:iam::123456789012:role/eks',
      clientRequestToken: cluster.clientRequestToken,
      resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-b'] },
      tags: { [GREEN_OF_TAG]: 'blue' },
    });
    expect(GREEN_OF_TAG).toBe('eks-upgrade-agent/green-of');
  });

  it('given every optional part, then each is copied, and only what CreateCluster takes', () => {
    const { cluster } = spec({
      cluster: blueCluster({
        resourcesVpcConfig: {
          subnetIds: ['subnet-a'],
          securityGroupIds: ['sg-1'],
          endpointPublicAccess: true,
          endpointPrivateAccess: false,
          publicAccessCidrs: ['10.0.0.0/8'],
          vpcId: 'vpc-1',
        },
        kubernetesNetworkConfig: {
          serviceIpv4Cidr: '10.100.0.0/16',
          ipFamily: 'ipv4',
          serviceIpv6Cidr: 'fd00::/108',
        },
        logging: { clusterLogging: [{ types: ['api'], enabled: true }] },
        encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: 'arn:aws:kms:k' } }],
        accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
        upgradePolicy: { supportType: 'STANDARD' },
        tags: { team: 'platform', 'aws:cloudformation:stack-name': 'stack' },
      }),
    });
    expect(cluster).toStrictEqual({
      name: 'blue-1-31',
      version: '1.31',
      roleArn: 'arn:aws:iam::123456789012:role/eks',
      clientRequestToken: cluster.clientRequestToken,
      resourcesVpcConfig: {
        subnetIds: ['subnet-a'],
        securityGroupIds: ['sg-1'],
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['10.0.0.0/8'],
      },
      kubernetesNetworkConfig: { serviceIpv4Cidr: '10.100.0.0/16', ipFamily: 'ipv4' },
      logging: { clusterLogging: [{ types: ['api'], enabled: true }] },
      encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: 'arn:aws:kms:k' } }],
      accessConfig: { authenticationMode: 'API' },
      upgradePolicy: { supportType: 'STANDARD' },
      tags: { team: 'platform', [GREEN_OF_TAG]: 'blue' },
    });
  });

  it('given members the wire sends as null, then they are left out, not passed on as empty', () => {
    const { cluster } = spec({
      cluster: blueCluster({
        resourcesVpcConfig: {
          subnetIds: ['subnet-a'],
          securityGroupIds: null,
          endpointPublicAccess: null,
          endpointPrivateAccess: null,
          publicAccessCidrs: null,
        },
        kubernetesNetworkConfig: { serviceIpv4Cidr: null, ipFamily: null },
        logging: null,
        encryptionConfig: null,
        accessConfig: { authenticationMode: null },
        upgradePolicy: null,
        tags: null,
      }),
    });
    expect(cluster).toStrictEqual({
      name: 'blue-1-31',
      version: '1.31',
      roleArn: 'arn:aws:iam::123456789012:role/eks',
      clientRequestToken: cluster.clientRequestToken,
      resourcesVpcConfig: { subnetIds: ['subnet-a'] },
      kubernetesNetworkConfig: {},
      tags: { [GREEN_OF_TAG]: 'blue' },
    });
  });

  it('given an empty authentication mode, then no access config: EKS chooses its default', () => {
    const { cluster } = spec({ cluster: blueCluster({ accessConfig: { authenticationMode: '' } }) });
    expect(cluster.accessConfig).toBeUndefined();
    expect('accessConfig' in cluster).toBe(false);
  });

  it("each request's token is what earlier releases gave, so a retry across a deploy finds what the first call created", () => {
    const { cluster, nodegroups, addons, fargateProfiles } = spec({
      cluster: blueCluster(),
      nodegroups: [
        nodegroup('general', '1.30', { nodeRole: 'arn:aws:iam::1:role/n', subnets: ['subnet-a'] }),
      ],
      addons: [addon('coredns', 'v1')],
      addonVersions: [addonInfo('coredns', [{ v: 'v2', on: ['1.31'] }])],
      fargateProfiles: [{ fargateProfileName: 'fp', podExecutionRoleArn: 'arn:role/pod' }],
    });
    const tokens = [cluster, ...nodegroups, ...addons, ...fargateProfiles].map((r) => r.clientRequestToken);
    expect(tokens).toEqual(TOKENS);
  });

  it('given no role or no subnets, then it says which', () => {
    expect(
      impossible({ cluster: blueCluster({ roleArn: '', resourcesVpcConfig: { subnetIds: [] } }) }),
    ).toEqual(['cluster blue has no roleArn in its DescribeCluster', 'cluster blue has no subnetIds']);
  });
});

describe('greenSpec, node groups, add-ons and Fargate profiles', () => {
  const ng = (name: string, extra: Record<string, unknown> = {}) =>
    nodegroup(name, '1.30', {
      nodeRole: 'arn:aws:iam::123456789012:role/node',
      subnets: ['subnet-a'],
      ...extra,
    });

  it('given a node group with a launch template and tags, then green gets its template version and the agent tag, not the replace tag', () => {
    const [created] = spec({
      cluster: blueCluster(),
      nodegroups: [
        ng('general', {
          launchTemplate: { id: 'lt-1', version: '7' },
          tags: { team: 'platform', 'eks-upgrade-agent/replaces': 'old' },
        }),
      ],
    }).nodegroups;
    expect(created?.launchTemplate).toEqual({ id: 'lt-1', version: '7' });
    expect(created?.tags).toEqual({ team: 'platform', [GREEN_OF_TAG]: 'blue' });
    expect(created?.nodegroupName).toBe('general');
  });

  it("given a custom-AMI node group, then green takes the template version blue runs: the AMI is the template's", () => {
    const [created] = spec({
      cluster: blueCluster(),
      nodegroups: [ng('gpu', { amiType: 'CUSTOM', launchTemplate: { name: 'gpu-lt', version: '12' } })],
    }).nodegroups;
    expect(created?.launchTemplate).toEqual({ name: 'gpu-lt', version: '12' });
    expect(created?.version).toBeUndefined();
  });

  it('given a custom-AMI node group whose template has no version, then green cannot be built, and it says why', () => {
    expect(
      impossible({
        cluster: blueCluster(),
        nodegroups: [ng('gpu', { amiType: 'CUSTOM', launchTemplate: { name: 'gpu-lt' } })],
      }),
    ).toEqual([
      'node group gpu runs a custom AMI from its launch template, and the template version that carried the 1.31 AMI was not recorded',
    ]);
  });

  it('given a node group without a role, then the reason, and the others still checked', () => {
    const reasons = impossible({
      cluster: blueCluster(),
      nodegroups: [nodegroup('bare', '1.30'), ng('fine')],
      fargateProfiles: [{ fargateProfileName: 'fp' }],
    });
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/bare/);
    expect(reasons[1]).toBe('Fargate profile fp has no podExecutionRoleArn');
  });

  it('given add-ons with and without a role and configuration, then each keeps what it has', () => {
    const { addons } = spec({
      cluster: blueCluster(),
      addons: [
        addon('coredns', 'v1', {
          serviceAccountRoleArn: 'arn:role/dns',
          configurationValues: '{"replicaCount":3}',
        }),
        addon('kube-proxy', 'v1', { serviceAccountRoleArn: '', configurationValues: '' }),
      ],
      addonVersions: [
        addonInfo('coredns', [{ v: 'v2', on: ['1.31'] }]),
        addonInfo('kube-proxy', [{ v: 'v2', on: ['1.31'] }]),
      ],
    });
    expect(addons.map(({ clientRequestToken: _, ...a }) => a)).toEqual([
      {
        clusterName: 'blue-1-31',
        addonName: 'coredns',
        addonVersion: 'v2',
        serviceAccountRoleArn: 'arn:role/dns',
        configurationValues: '{"replicaCount":3}',
        tags: { [GREEN_OF_TAG]: 'blue' },
      },
      {
        clusterName: 'blue-1-31',
        addonName: 'kube-proxy',
        addonVersion: 'v2',
        tags: { [GREEN_OF_TAG]: 'blue' },
      },
    ]);
  });

  it('given Fargate profiles with and without subnets and selectors, then each as it was', () => {
    const { fargateProfiles } = spec({
      cluster: blueCluster(),
      fargateProfiles: [
        {
          fargateProfileName: 'a',
          podExecutionRoleArn: 'arn:role/pod',
          subnets: ['subnet-a'],
          selectors: [{ namespace: 'obs' }],
        },
        { fargateProfileName: 'b', podExecutionRoleArn: 'arn:role/pod', subnets: null, selectors: null },
      ],
    });
    expect(fargateProfiles.map(({ clientRequestToken: _, ...f }) => f)).toStrictEqual([
      {
        clusterName: 'blue-1-31',
        fargateProfileName: 'a',
        podExecutionRoleArn: 'arn:role/pod',
        subnets: ['subnet-a'],
        selectors: [{ namespace: 'obs' }],
        tags: { [GREEN_OF_TAG]: 'blue' },
      },
      {
        clusterName: 'blue-1-31',
        fargateProfileName: 'b',
        podExecutionRoleArn: 'arn:role/pod',
        selectors: [],
        tags: { [GREEN_OF_TAG]: 'blue' },
      },
    ]);
  });
});

describe('blue/green arithmetic and configuration', () => {
  it('weights 0 and 100 are whole percentages; -1, 101 and 12.5 are not', () => {
    expect(weightedTargets('b', 'g', 0, '{cluster}').map((t) => t.weight)).toEqual([100, 0]);
    expect(weightedTargets('b', 'g', 100, '{cluster}').map((t) => t.weight)).toEqual([0, 100]);
    for (const bad of [-1, 101, 12.5]) {
      expect(() => weightedTargets('b', 'g', bad, '{cluster}')).toThrow(
        new InvalidConfigError(`a traffic weight must be a whole percentage 0-100, not ${bad}`),
      );
    }
  });

  it('side by side: provisioning, each soak and the final bake, in hours to a tenth', () => {
    expect(
      sideBySideHours({ provisionMinutes: 30, steps: 4, soakSeconds: 900, finalBakeSeconds: 3600 }),
    ).toBe(2.5);
    expect(sideBySideHours({ provisionMinutes: 20, steps: 1, soakSeconds: 60, finalBakeSeconds: 0 })).toBe(
      0.4,
    );
  });

  it('the policy takes the configured weights, name pattern, soak and final bake in minutes', () => {
    const config = {
      ...defaultConfig().blueGreen,
      weights: [50, 100],
      namePattern: '{blue}-g',
      soakSeconds: 600,
      finalBakeSeconds: 7200,
    };
    expect(withBlueGreenConfig(DEFAULT_POLICY, config)).toEqual({
      ...DEFAULT_POLICY,
      trafficSteps: [50, 100],
      blueGreen: { namePattern: '{blue}-g', soakMinutes: 10, finalBakeMinutes: 120 },
    });
  });

  it('the traffic keys: all four returned, or every missing one named', () => {
    const keys = {
      hostedZoneId: 'Z1',
      recordName: 'api.example.com',
      recordTargetPattern: '{cluster}.lb',
      healthCheckUrl: 'https://h',
    };
    expect(requireTrafficConfig({ ...defaultConfig().blueGreen, ...keys })).toEqual(keys);
    for (const missing of Object.keys(keys)) {
      expect(() =>
        requireTrafficConfig({ ...defaultConfig().blueGreen, ...keys, [missing]: undefined }),
      ).toThrow(
        new InvalidConfigError(
          `a blue_green upgrade needs blueGreen/${missing} in the agent configuration (SSM /eks-upgrade-agent/<stage>/config/)`,
        ),
      );
    }
    expect(() =>
      requireTrafficConfig({ ...defaultConfig().blueGreen, hostedZoneId: 'Z1', recordName: 'r' }),
    ).toThrow('needs blueGreen/recordTargetPattern, blueGreen/healthCheckUrl in');
  });

  it('a pattern that gives a name too long is shown cut at 120 characters', () => {
    const pattern = `{blue}-${'x'.repeat(200)}`;
    expect(() => greenClusterName('blue', '1.31', pattern)).toThrow(
      `gives "blue-${'x'.repeat(115)}", which is not`,
    );
  });
});
