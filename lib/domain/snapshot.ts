import { z } from 'zod';
import { InvalidSnapshotError } from './errors';

/**
 * The environment snapshot: the core's only view of a cluster. Each part is the
 * AWS API shape itself (timestamps as ISO strings), so a snapshot captured from a
 * live account, a demo file and the sandbox all speak one format. Unknown fields
 * are kept (loose objects): the snapshot is AWS's data, not ours to trim.
 */

const timestamp = z.string().optional();
const version = z.string().regex(/^\d+\.\d+$/, 'expected a Kubernetes minor version such as "1.29"');

const healthIssue = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  resourceIds: z.array(z.string()).optional(),
});
const health = z.looseObject({ issues: z.array(healthIssue).optional() }).optional();

export const clusterSchema = z.looseObject({
  name: z.string().min(1),
  arn: z.string().optional(),
  version,
  status: z.enum(['CREATING', 'ACTIVE', 'DELETING', 'FAILED', 'UPDATING', 'PENDING']),
  platformVersion: z.string().optional(),
  createdAt: timestamp,
  resourcesVpcConfig: z.looseObject({
    subnetIds: z.array(z.string()).default([]),
    securityGroupIds: z.array(z.string()).optional(),
    vpcId: z.string().optional(),
  }),
  health,
  upgradePolicy: z.looseObject({ supportType: z.enum(['STANDARD', 'EXTENDED']).optional() }).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

export const nodegroupSchema = z.looseObject({
  nodegroupName: z.string().min(1),
  nodegroupArn: z.string().optional(),
  clusterName: z.string().optional(),
  version,
  releaseVersion: z.string().optional(),
  status: z.enum([
    'CREATING',
    'ACTIVE',
    'UPDATING',
    'DELETING',
    'CREATE_FAILED',
    'DELETE_FAILED',
    'DEGRADED',
  ]),
  capacityType: z.string().optional(),
  amiType: z.string().optional(),
  scalingConfig: z
    .looseObject({
      minSize: z.number().int().nonnegative().optional(),
      maxSize: z.number().int().nonnegative().optional(),
      desiredSize: z.number().int().nonnegative().optional(),
    })
    .optional(),
  updateConfig: z
    .looseObject({
      maxUnavailable: z.number().int().positive().optional(),
      maxUnavailablePercentage: z.number().int().positive().max(100).optional(),
    })
    .optional(),
  launchTemplate: z.looseObject({ id: z.string().optional(), version: z.string().optional() }).optional(),
  health,
});

export const addonSchema = z.looseObject({
  addonName: z.string().min(1),
  clusterName: z.string().optional(),
  addonArn: z.string().optional(),
  status: z.enum([
    'CREATING',
    'ACTIVE',
    'CREATE_FAILED',
    'UPDATING',
    'DELETING',
    'DELETE_FAILED',
    'DEGRADED',
    'UPDATE_FAILED',
  ]),
  addonVersion: z.string().min(1),
  health,
});

export const addonInfoSchema = z.looseObject({
  addonName: z.string().min(1),
  type: z.string().optional(),
  owner: z.string().optional(),
  publisher: z.string().optional(),
  addonVersions: z.array(
    z.looseObject({
      addonVersion: z.string().min(1),
      architecture: z.array(z.string()).optional(),
      compatibilities: z
        .array(
          z.looseObject({
            clusterVersion: version,
            platformVersions: z.array(z.string()).optional(),
            defaultVersion: z.boolean().optional(),
          }),
        )
        .default([]),
      requiresConfiguration: z.boolean().optional(),
    }),
  ),
});

const insightStatus = z.looseObject({
  status: z.enum(['PASSING', 'WARNING', 'ERROR', 'UNKNOWN']),
  reason: z.string().optional(),
});

export const insightSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  category: z.string(),
  kubernetesVersion: z.string().optional(),
  lastRefreshTime: timestamp,
  lastTransitionTime: timestamp,
  description: z.string().optional(),
  insightStatus,
  recommendation: z.string().optional(),
  additionalInfo: z.record(z.string(), z.string()).optional(),
  resources: z
    .array(
      z.looseObject({
        insightStatus: insightStatus.optional(),
        kubernetesResourceUri: z.string().optional(),
        arn: z.string().optional(),
      }),
    )
    .optional(),
  categorySpecificSummary: z
    .looseObject({
      deprecationDetails: z
        .array(
          z.looseObject({
            usage: z.string().optional(),
            replacedWith: z.string().optional(),
            stopServingVersion: z.string().optional(),
            startServingReplacementVersion: z.string().optional(),
            clientStats: z
              .array(
                z.looseObject({
                  userAgent: z.string().optional(),
                  numberOfRequestsLast30Days: z.number().optional(),
                  lastRequestTime: timestamp,
                }),
              )
              .optional(),
          }),
        )
        .optional(),
      addonCompatibilityDetails: z
        .array(
          z.looseObject({ name: z.string().optional(), compatibleVersions: z.array(z.string()).optional() }),
        )
        .optional(),
    })
    .optional(),
});

export const fargateProfileSchema = z.looseObject({
  fargateProfileName: z.string().min(1),
  status: z.string().optional(),
  selectors: z.array(z.looseObject({ namespace: z.string().optional() })).optional(),
});

export const subnetSchema = z.looseObject({
  SubnetId: z.string().min(1),
  AvailableIpAddressCount: z.number().int().nonnegative(),
  AvailabilityZone: z.string().optional(),
  CidrBlock: z.string().optional(),
  VpcId: z.string().optional(),
});

/** DescribeClusterVersions.clusterVersions[]: optional, gives support dates for the cost finding. */
export const clusterVersionInfoSchema = z.looseObject({
  clusterVersion: version,
  versionStatus: z.string().optional(),
  endOfStandardSupportDate: timestamp,
  endOfExtendedSupportDate: timestamp,
});

export const snapshotSchema = z.object({
  capturedAt: timestamp,
  cluster: clusterSchema,
  nodegroups: z.array(nodegroupSchema).default([]),
  addons: z.array(addonSchema).default([]),
  addonVersions: z.array(addonInfoSchema).default([]),
  insights: z.array(insightSchema).default([]),
  fargateProfiles: z.array(fargateProfileSchema).default([]),
  subnets: z.array(subnetSchema).default([]),
  clusterVersions: z.array(clusterVersionInfoSchema).optional(),
});

export type EnvironmentSnapshot = z.infer<typeof snapshotSchema>;
export type Cluster = EnvironmentSnapshot['cluster'];
export type Nodegroup = EnvironmentSnapshot['nodegroups'][number];
export type Addon = EnvironmentSnapshot['addons'][number];
export type AddonInfo = EnvironmentSnapshot['addonVersions'][number];
export type Insight = EnvironmentSnapshot['insights'][number];
export type Subnet = EnvironmentSnapshot['subnets'][number];

/** Formats zod issues as "path: message" lines a person can act on. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
}

/**
 * Validates untrusted JSON as an environment snapshot.
 * @throws InvalidSnapshotError naming every bad path.
 */
export function parseSnapshot(input: unknown): EnvironmentSnapshot {
  const result = snapshotSchema.safeParse(input);
  if (!result.success) {
    const issues = describeIssues(result.error);
    throw new InvalidSnapshotError(`environment snapshot is invalid:\n  ${issues.join('\n  ')}`, issues);
  }
  return result.data;
}
