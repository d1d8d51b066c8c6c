import * as z from 'zod';
import { InvalidSnapshotError } from './errors';
import { lazy } from './lazy';
import { refuseForeignShapes } from './snapshot-guards';
import { normalizeTimestamp, timestampProblem } from './timestamp';
import { kubernetesVersionSchema } from './version';

/**
 * The environment snapshot: the core's only view of a cluster. Each part is the
 * AWS API shape itself, so a snapshot captured from a live account, AWS CLI
 * output, a demo file and the sandbox all speak one format. Unknown fields are
 * kept (loose objects): the snapshot is AWS's data, not ours to trim.
 *
 * Real responses differ from the SDK's typed view in two ways the schema
 * absorbs on the way in: timestamps come as epoch seconds or ISO 8601 with
 * offsets (both become UTC ISO strings), and the wire sends `null` for members
 * it has no value for (an optional member that is `null` counts as absent).
 */

/** An optional member: `null`, as the EKS wire and AWS CLI print it, counts as absent. */
function opt<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

/** A list that may be missing or `null`: both read as empty. */
function list<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => (value === null ? undefined : value), z.array(item).default([]));
}

/** Every schema of the snapshot, built together on first use (lib/domain/lazy.ts). */
const schemas = lazy(() => {
  /** Either timestamp form AWS uses, normalised to UTC ISO 8601; anything else is an issue at its path. */
  const isoTimestamp = z.unknown().transform((value, ctx): string => {
    const iso = normalizeTimestamp(value);
    if (iso === undefined) {
      // Stryker disable next-line StringLiteral: timestampProblem names a problem whenever normalizeTimestamp finds none (equivalent)
      const message = timestampProblem(value) ?? 'not a timestamp';
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return iso;
  });
  const timestamp = opt(isoTimestamp);
  const version = kubernetesVersionSchema();

  const str = opt(z.string());
  const strings = opt(z.array(z.string()));
  const flag = opt(z.boolean());

  const healthIssue = z.looseObject({
    code: str,
    message: str,
    resourceIds: strings,
  });
  const health = opt(z.looseObject({ issues: opt(z.array(healthIssue)) }));

  const clusterSchema = z.looseObject({
    name: z.string().min(1),
    arn: str,
    version,
    status: z.enum(['CREATING', 'ACTIVE', 'DELETING', 'FAILED', 'UPDATING', 'PENDING']),
    platformVersion: str,
    createdAt: timestamp,
    roleArn: str,
    resourcesVpcConfig: z.looseObject({
      subnetIds: list(z.string()),
      securityGroupIds: strings,
      vpcId: str,
      endpointPublicAccess: flag,
      endpointPrivateAccess: flag,
      publicAccessCidrs: strings,
    }),
    kubernetesNetworkConfig: opt(
      z.looseObject({ serviceIpv4Cidr: str, serviceIpv6Cidr: str, ipFamily: str }),
    ),
    logging: opt(
      z.looseObject({ clusterLogging: opt(z.array(z.looseObject({ types: strings, enabled: flag }))) }),
    ),
    encryptionConfig: opt(
      z.array(z.looseObject({ resources: strings, provider: opt(z.looseObject({ keyArn: str })) })),
    ),
    accessConfig: opt(
      z.looseObject({ authenticationMode: str, bootstrapClusterCreatorAdminPermissions: flag }),
    ),
    health,
    upgradePolicy: opt(z.looseObject({ supportType: opt(z.enum(['STANDARD', 'EXTENDED'])) })),
    tags: opt(z.record(z.string(), z.string())),
  });

  const count = opt(z.number().int().nonnegative());

  const nodegroupSchema = z.looseObject({
    nodegroupName: z.string().min(1),
    nodegroupArn: str,
    clusterName: str,
    version,
    releaseVersion: str,
    createdAt: timestamp,
    modifiedAt: timestamp,
    status: z.enum([
      'CREATING',
      'ACTIVE',
      'UPDATING',
      'DELETING',
      'CREATE_FAILED',
      'DELETE_FAILED',
      'DEGRADED',
    ]),
    capacityType: str,
    amiType: str,
    scalingConfig: opt(z.looseObject({ minSize: count, maxSize: count, desiredSize: count })),
    updateConfig: opt(
      z.looseObject({
        maxUnavailable: opt(z.number().int().positive()),
        maxUnavailablePercentage: opt(z.number().int().positive().max(100)),
      }),
    ),
    launchTemplate: opt(z.looseObject({ id: str, name: str, version: str })),
    health,
    // What a replacement copies into CreateNodegroup (nodegroup-replacement.ts) and the
    // subnet check reads: typed here, so a wrong shape is refused at its path, not dropped.
    nodeRole: str,
    subnets: strings,
    instanceTypes: strings,
    diskSize: opt(z.number().int().positive()),
    remoteAccess: opt(z.looseObject({ ec2SshKey: str, sourceSecurityGroups: strings })),
    labels: opt(z.record(z.string(), z.string())),
    tags: opt(z.record(z.string(), z.string())),
    taints: opt(
      z.array(
        z.looseObject({
          key: str,
          value: str,
          effect: opt(z.enum(['NO_SCHEDULE', 'NO_EXECUTE', 'PREFER_NO_SCHEDULE'])),
        }),
      ),
    ),
    nodeRepairConfig: opt(z.looseObject({})),
    warmPoolConfig: opt(z.looseObject({})),
  });

  const addonSchema = z.looseObject({
    addonName: z.string().min(1),
    clusterName: str,
    addonArn: str,
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
    createdAt: timestamp,
    modifiedAt: timestamp,
    serviceAccountRoleArn: str,
    configurationValues: str,
    health,
  });

  const addonInfoSchema = z.looseObject({
    addonName: z.string().min(1),
    type: str,
    owner: str,
    publisher: str,
    addonVersions: list(
      z.looseObject({
        addonVersion: z.string().min(1),
        architecture: strings,
        compatibilities: list(
          z.looseObject({
            clusterVersion: version,
            platformVersions: strings,
            defaultVersion: opt(z.boolean()),
          }),
        ),
        requiresConfiguration: opt(z.boolean()),
      }),
    ),
  });

  const insightStatus = z.looseObject({
    status: z.enum(['PASSING', 'WARNING', 'ERROR', 'UNKNOWN']),
    reason: str,
  });

  const clientStat = z.looseObject({
    userAgent: str,
    numberOfRequestsLast30Days: opt(z.number()),
    lastRequestTime: timestamp,
  });

  const deprecationDetail = z.looseObject({
    usage: str,
    replacedWith: str,
    stopServingVersion: str,
    startServingReplacementVersion: str,
    clientStats: opt(z.array(clientStat)),
  });

  const insightSchema = z.looseObject({
    id: z.string().min(1),
    name: str,
    category: z.string(),
    kubernetesVersion: str,
    lastRefreshTime: timestamp,
    lastTransitionTime: timestamp,
    description: str,
    insightStatus,
    recommendation: str,
    additionalInfo: opt(z.record(z.string(), z.string())),
    resources: opt(
      z.array(
        z.looseObject({
          insightStatus: opt(insightStatus),
          kubernetesResourceUri: str,
          arn: str,
        }),
      ),
    ),
    categorySpecificSummary: opt(
      z.looseObject({
        deprecationDetails: opt(z.array(deprecationDetail)),
        addonCompatibilityDetails: opt(z.array(z.looseObject({ name: str, compatibleVersions: strings }))),
      }),
    ),
  });

  const fargateProfileSchema = z.looseObject({
    fargateProfileName: z.string().min(1),
    status: str,
    createdAt: timestamp,
    podExecutionRoleArn: str,
    subnets: strings,
    selectors: opt(z.array(z.looseObject({ namespace: str, labels: opt(z.record(z.string(), z.string())) }))),
  });

  const subnetSchema = z.looseObject({
    SubnetId: z.string().min(1),
    AvailableIpAddressCount: z.number().int().nonnegative(),
    AvailabilityZone: str,
    CidrBlock: str,
    VpcId: str,
  });

  /** EC2 DescribeLaunchTemplates.LaunchTemplates[] (PascalCase, AWS's own EC2 shape): the templates node groups use. */
  const versionNumber = opt(z.number().int().positive());
  const launchTemplateSchema = z.looseObject({
    LaunchTemplateId: str,
    LaunchTemplateName: str,
    DefaultVersionNumber: versionNumber,
    LatestVersionNumber: versionNumber,
  });

  /** DescribeClusterVersions.clusterVersions[]: optional, gives support dates for the cost finding. */
  const clusterVersionInfoSchema = z.looseObject({
    clusterVersion: version,
    versionStatus: str,
    releaseDate: timestamp,
    endOfStandardSupportDate: timestamp,
    endOfExtendedSupportDate: timestamp,
  });

  const snapshotSchema = z.object({
    capturedAt: timestamp,
    cluster: clusterSchema,
    nodegroups: list(nodegroupSchema),
    addons: list(addonSchema),
    addonVersions: list(addonInfoSchema),
    insights: list(insightSchema),
    fargateProfiles: list(fargateProfileSchema),
    subnets: list(subnetSchema),
    launchTemplates: opt(z.array(launchTemplateSchema)),
    clusterVersions: opt(z.array(clusterVersionInfoSchema)),
  });
  return {
    cluster: clusterSchema,
    nodegroup: nodegroupSchema,
    addon: addonSchema,
    addonInfo: addonInfoSchema,
    insight: insightSchema,
    fargateProfile: fargateProfileSchema,
    subnet: subnetSchema,
    launchTemplate: launchTemplateSchema,
    clusterVersionInfo: clusterVersionInfoSchema,
    snapshot: snapshotSchema,
  };
});

export const nodegroupSchema = () => schemas().nodegroup;
export const insightSchema = () => schemas().insight;
export const snapshotSchema = () => schemas().snapshot;

export type EnvironmentSnapshot = z.infer<ReturnType<typeof snapshotSchema>>;
export type Cluster = EnvironmentSnapshot['cluster'];
export type Nodegroup = EnvironmentSnapshot['nodegroups'][number];
export type Addon = EnvironmentSnapshot['addons'][number];
export type AddonInfo = EnvironmentSnapshot['addonVersions'][number];
export type Insight = EnvironmentSnapshot['insights'][number];
export type Subnet = EnvironmentSnapshot['subnets'][number];
export type LaunchTemplate = NonNullable<EnvironmentSnapshot['launchTemplates']>[number];

/** Formats zod issues as "path: message" lines a person can act on. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
}

/**
 * Validates untrusted JSON as an environment snapshot, normalising timestamps and nulls.
 * @throws RegisteredClusterError for an EKS Connector cluster (nothing EKS can upgrade).
 * @throws NotAwsShapeError when a part is PascalCase (eksctl or Go SDK output).
 * @throws InvalidSnapshotError naming every bad path.
 */
export function parseSnapshot(input: unknown): EnvironmentSnapshot {
  refuseForeignShapes(input);
  const result = snapshotSchema().safeParse(input);
  if (!result.success) {
    const issues = describeIssues(result.error);
    throw new InvalidSnapshotError(`environment snapshot is invalid:\n  ${issues.join('\n  ')}`, issues);
  }
  return result.data;
}
