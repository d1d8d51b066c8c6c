import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { GREEN_OF_TAG, greenClusterName, greenSpec, weightedTargets } from '../../../lib/domain/blue-green';
import { InvalidConfigError } from '../../../lib/domain/config';
import { clusterNameProblem, MAX_CLUSTER_NAME } from '../../../lib/domain/request-fields';
import { type EnvironmentSnapshot, parseSnapshot } from '../../../lib/domain/snapshot';

const demo = (): EnvironmentSnapshot =>
  parseSnapshot(JSON.parse(readFileSync('demo/snapshots/payments-prod-1.30.json', 'utf8')));

describe('greenClusterName', () => {
  it('given the default pattern, then it is <blue>-<target with . as ->', () => {
    expect(greenClusterName('payments-prod', '1.33')).toBe('payments-prod-1-33');
    expect(greenClusterName('payments-prod', '1.33', 'green-{blue}-v{target}')).toBe(
      'green-payments-prod-v1-33',
    );
  });

  it('given a result EKS refuses or blue itself, then InvalidConfigError names the pattern', () => {
    expect(() => greenClusterName('a'.repeat(97), '1.33')).toThrow(InvalidConfigError);
    expect(() => greenClusterName('a'.repeat(97), '1.33')).toThrow('is not an EKS cluster name');
    expect(() => greenClusterName('blue', '1.33', '{blue}.{target}')).toThrow(
      '"{blue}.{target}" gives "blue.1-33"',
    );
    expect(() => greenClusterName('blue', '1.33', '{blue}')).toThrow("gives blue's own name blue");
  });

  it('property: any valid blue name and version give the same valid name twice, or a named refusal', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/),
        fc.integer({ min: 20, max: 99 }),
        (blue, minor) => {
          const target = `1.${minor}`;
          try {
            const name = greenClusterName(blue, target);
            expect(name).toBe(greenClusterName(blue, target));
            expect(clusterNameProblem(name)).toBeUndefined();
            expect(name).not.toBe(blue);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidConfigError);
            expect(blue.length + target.length + 1).toBeGreaterThan(MAX_CLUSTER_NAME);
          }
        },
      ),
    );
  });
});

describe('greenSpec', () => {
  /** Built in each test, not when the file loads (see gated-plan.unit.test.ts). */
  const built = () => {
    const snapshot = demo();
    const result = greenSpec(snapshot, '1.33', { upgradeId: 'up-1', greenName: 'payments-prod-1-33' });
    if (result.kind !== 'spec') throw new Error(`expected a spec: ${JSON.stringify(result)}`);
    return { snapshot, result, spec: result.spec };
  };

  it("given blue's description, then green's cluster keeps its network, role, access and tags, at the target", () => {
    const { snapshot, spec } = built();
    expect(spec.cluster).toMatchObject({
      name: 'payments-prod-1-33',
      version: '1.33',
      roleArn: snapshot.cluster.roleArn,
      resourcesVpcConfig: {
        subnetIds: snapshot.cluster.resourcesVpcConfig.subnetIds,
        securityGroupIds: ['sg-0f1e2d3c4b5a69788'],
        endpointPublicAccess: false,
        endpointPrivateAccess: true,
      },
      kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
      accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      upgradePolicy: { supportType: 'EXTENDED' },
      tags: { team: 'platform', env: 'prod', [GREEN_OF_TAG]: 'payments-prod' },
    });
  });

  it('given node groups, then each is created under its own name at the target with its scaling, labels and taints', () => {
    const { snapshot, spec } = built();
    expect(spec.nodegroups.map((ng) => ng.nodegroupName)).toEqual(
      snapshot.nodegroups.map((ng) => ng.nodegroupName),
    );
    for (const [i, ng] of spec.nodegroups.entries()) {
      const blue = snapshot.nodegroups[i];
      expect(ng).toMatchObject({ clusterName: 'payments-prod-1-33', version: '1.33' });
      expect(ng.scalingConfig).toEqual(blue?.scalingConfig);
      expect(ng.labels).toEqual(blue?.labels);
      expect(ng.taints).toEqual(blue?.taints);
      expect(ng.instanceTypes).toEqual(blue?.instanceTypes);
      expect(ng.releaseVersion).toBeUndefined();
      expect(ng.tags?.[GREEN_OF_TAG]).toBe('payments-prod');
      expect(Object.keys(ng.tags ?? {})).not.toContain('eks-upgrade-agent/replaces');
      if (blue?.launchTemplate) expect(ng.launchTemplate?.version).toBe(blue.launchTemplate.version);
    }
  });

  it('given add-ons, then each is created at a version compatible with the target (EKS default preferred)', () => {
    const { snapshot, spec } = built();
    expect(spec.addons.map((a) => a.addonName)).toEqual(snapshot.addons.map((a) => a.addonName));
    for (const addon of spec.addons) {
      const info = snapshot.addonVersions.find((i) => i.addonName === addon.addonName);
      const entry = info?.addonVersions.find((v) => v.addonVersion === addon.addonVersion);
      expect(entry?.compatibilities.map((c) => c.clusterVersion)).toContain('1.33');
    }
    expect(spec.fargateProfiles).toEqual([
      expect.objectContaining({
        fargateProfileName: 'observability',
        podExecutionRoleArn: 'arn:aws:iam::123456789012:role/payments-prod-fargate',
        selectors: [{ namespace: 'observability' }],
      }),
    ]);
  });

  it('given the same upgrade, then every token is the same on a retry and different per resource', () => {
    const { snapshot, result, spec } = built();
    const again = greenSpec(snapshot, '1.33', { upgradeId: 'up-1', greenName: 'payments-prod-1-33' });
    expect(again).toEqual(result);
    const tokens = [
      spec.cluster.clientRequestToken,
      ...spec.nodegroups.map((n) => n.clientRequestToken),
      ...spec.addons.map((a) => a.clientRequestToken),
      ...spec.fargateProfiles.map((f) => f.clientRequestToken),
    ];
    expect(new Set(tokens).size).toBe(tokens.length);
    const other = greenSpec(snapshot, '1.33', { upgradeId: 'up-2', greenName: 'payments-prod-1-33' });
    expect(other.kind === 'spec' && other.spec.cluster.clientRequestToken).not.toBe(
      spec.cluster.clientRequestToken,
    );
  });

  it('given an add-on with no version for the target or a cluster without a role, then it says why it cannot', () => {
    const broken = demo();
    delete (broken.cluster as Record<string, unknown>).roleArn;
    const r = greenSpec(broken, '1.40', { upgradeId: 'up-1', greenName: 'x' });
    expect(r.kind).toBe('impossible');
    if (r.kind === 'impossible') {
      expect(r.reasons).toContain('cluster payments-prod has no roleArn in its DescribeCluster');
      expect(r.reasons).toContain('add-on vpc-cni has no version compatible with Kubernetes 1.40');
    }
  });
});

describe('weightedTargets', () => {
  it('given a percentage, then green gets it and blue the rest, each pointing at its own name', () => {
    expect(weightedTargets('blue', 'green', 25, '{cluster}.lb.example.com')).toEqual([
      { setIdentifier: 'blue', value: 'blue.lb.example.com', weight: 75 },
      { setIdentifier: 'green', value: 'green.lb.example.com', weight: 25 },
    ]);
    expect(() => weightedTargets('b', 'g', 101, '{cluster}')).toThrow(
      'a traffic weight must be a whole percentage 0-100',
    );
  });
});
