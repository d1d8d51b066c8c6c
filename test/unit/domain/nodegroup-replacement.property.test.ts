import fc from 'fast-check';
import {
  isNodegroupName,
  NODEGROUP_NAME_MAX,
  planNodegroupReplacement,
  REPLACES_TAG,
} from '../../../lib/domain/nodegroup-replacement';
import type { Nodegroup } from '../../../lib/domain/snapshot';

/**
 * Generated DescribeNodegroup answers, with any subset of the optional fields
 * (a launch template or not, a custom AMI or not, aws: tags or not). The invariant:
 * every field of the original is either in the CreateNodegroup request (equal, or
 * moved back to the previous version on purpose) or named in `notCarried` with a
 * reason. A field nobody handles, even one EKS adds later, fails this test.
 */
const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/);
const tagKey = fc.oneof(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^aws:[a-z]{1,8}$/));
const nodegroupArb = fc.record(
  {
    nodegroupName: name,
    nodegroupArn: fc.constant('arn:aws:eks:eu-west-1:1:nodegroup/c/n/1'),
    clusterName: fc.constant('prod'),
    version: fc.constant('1.31'),
    releaseVersion: fc.constant('1.31.7-20250505'),
    status: fc.constant('ACTIVE' as const),
    capacityType: fc.constantFrom('ON_DEMAND', 'SPOT', 'CAPACITY_BLOCK'),
    instanceTypes: fc.array(fc.constantFrom('m6i.large', 'm5.xlarge', 'c7g.large'), { minLength: 1 }),
    amiType: fc.constantFrom('AL2023_x86_64_STANDARD', 'BOTTLEROCKET_ARM_64', 'CUSTOM'),
    scalingConfig: fc.record({ minSize: fc.nat(5), maxSize: fc.nat(50), desiredSize: fc.nat(50) }),
    updateConfig: fc.oneof(
      fc.record({ maxUnavailable: fc.integer({ min: 1, max: 10 }) }),
      fc.record({ maxUnavailablePercentage: fc.integer({ min: 1, max: 100 }) }),
    ),
    subnets: fc.array(fc.stringMatching(/^subnet-[0-9a-f]{4}$/), { minLength: 1, maxLength: 4 }),
    nodeRole: fc.constant('arn:aws:iam::1:role/nodes'),
    labels: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string()),
    taints: fc.array(
      fc.record({
        key: fc.stringMatching(/^[a-z]{1,8}$/),
        value: fc.string(),
        effect: fc.constantFrom('NO_SCHEDULE' as const, 'NO_EXECUTE' as const, 'PREFER_NO_SCHEDULE' as const),
      }),
    ),
    diskSize: fc.integer({ min: 20, max: 500 }),
    remoteAccess: fc.record({ ec2SshKey: fc.string(), sourceSecurityGroups: fc.array(fc.string()) }),
    tags: fc.dictionary(tagKey, fc.string()),
    launchTemplate: fc.record({ id: fc.stringMatching(/^lt-[0-9a-f]{6}$/), version: fc.nat(20).map(String) }),
    nodeRepairConfig: fc.record({ enabled: fc.boolean() }),
    warmPoolConfig: fc.record({ enabled: fc.boolean(), minSize: fc.nat(5) }),
    resources: fc.constant({ autoScalingGroups: [{ name: 'asg' }] }),
    health: fc.constant({ issues: [] }),
    createdAt: fc.constant('2025-01-01T00:00:00.000Z'),
    modifiedAt: fc.constant('2025-02-01T00:00:00.000Z'),
  },
  { requiredKeys: ['nodegroupName', 'version', 'status', 'subnets', 'nodeRole'] },
) as fc.Arbitrary<Nodegroup>;

const previousArb = fc.record(
  {
    version: fc.constant('1.30'),
    releaseVersion: fc.constant('1.30.15-20250904'),
    launchTemplateVersion: fc.nat(20).map(String),
  },
  { requiredKeys: ['version'] },
);

describe('planNodegroupReplacement (properties)', () => {
  it('nothing of the original is lost: each field is in the request or named with a reason', () => {
    fc.assert(
      fc.property(
        nodegroupArb,
        previousArb,
        fc.stringMatching(/^[a-z0-9-]{1,40}$/),
        (ng, previous, upgradeId) => {
          const result = planNodegroupReplacement({ upgradeId, clusterName: 'prod', upgraded: ng, previous });
          if (result.kind === 'impossible') {
            // Only a custom AMI whose previous template version is unknown cannot be replaced here.
            expect(ng.amiType).toBe('CUSTOM');
            expect(ng.launchTemplate === undefined || previous.launchTemplateVersion === undefined).toBe(
              true,
            );
            return;
          }
          const request = result.request as unknown as Record<string, unknown>;
          const named = new Set(result.notCarried.map((n) => n.field));
          const custom = ng.amiType === 'CUSTOM';
          for (const [field, value] of Object.entries(ng)) {
            switch (field) {
              case 'nodegroupName':
                expect(result.request.tags?.[REPLACES_TAG]).toBe(value);
                break;
              case 'version':
                expect(result.request.version).toBe(custom ? undefined : previous.version);
                break;
              case 'releaseVersion':
                if (custom) expect(result.request.releaseVersion).toBeUndefined();
                else
                  expect(result.request.releaseVersion === previous.releaseVersion || named.has(field)).toBe(
                    true,
                  );
                break;
              case 'tags':
                for (const [key, tag] of Object.entries(value as Record<string, string>)) {
                  if (key.startsWith('aws:')) expect(named.has(`tags.${key}`)).toBe(true);
                  else expect(result.request.tags?.[key]).toBe(tag);
                }
                break;
              case 'launchTemplate':
                expect(result.request.launchTemplate).toEqual({
                  id: ng.launchTemplate?.id,
                  version: previous.launchTemplateVersion ?? ng.launchTemplate?.version,
                });
                break;
              default:
                expect(sameJson(request[field], value) || named.has(field)).toBe(true);
            }
          }
          expect(Object.values(result.notCarried).every((n) => n.why.length > 0)).toBe(true);
        },
      ),
    );
  });

  it('the name is EKS-valid, at most 63 characters, never the original, and the same on every retry', () => {
    fc.assert(
      fc.property(nodegroupArb, fc.stringMatching(/^[a-z0-9-]{1,40}$/), (ng, upgradeId) => {
        const args = {
          upgradeId,
          clusterName: 'prod',
          upgraded: ng,
          previous: { version: '1.30', launchTemplateVersion: '1' },
        };
        const a = planNodegroupReplacement(args);
        const b = planNodegroupReplacement(args);
        fc.pre(a.kind === 'replacement' && b.kind === 'replacement');
        if (a.kind !== 'replacement') return;
        expect(a.request.nodegroupName.length).toBeLessThanOrEqual(NODEGROUP_NAME_MAX);
        expect(isNodegroupName(a.request.nodegroupName)).toBe(true);
        expect(a.request.nodegroupName).not.toBe(ng.nodegroupName);
        expect(b.request).toEqual(a.request);
      }),
    );
  });
});

/** Equal as JSON: fast-check may build null-prototype objects, which a strict deep equality tells apart. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
