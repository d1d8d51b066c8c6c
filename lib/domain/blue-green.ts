import { AddonCatalog, preferredVersion } from './addon-catalog';
import { type AgentConfig, InvalidConfigError } from './config';
import { AgentError } from './errors';
import { type CreateNodegroupInput, planNodegroupReplacement, REPLACES_TAG } from './nodegroup-replacement';
import type { PlanningPolicy } from './plan-types';
import { clusterNameProblem, MAX_CLUSTER_NAME } from './request-fields';
import { clientRequestToken } from './request-token';
import type { AddonInfo, EnvironmentSnapshot } from './snapshot';

/**
 * Blue/green: a green cluster at the target, built from blue's own live
 * configuration, traffic moved to it in weighted steps, blue deleted at the end.
 * Pure: requests are built here, the ports carry them out.
 */

/**
 * The tag the agent puts on everything it creates for a green cluster (value: blue's
 * name). The IAM policy allows eks:CreateCluster only with it (aws:RequestTag).
 */
export const GREEN_OF_TAG = 'eks-upgrade-agent/green-of';

/**
 * The green cluster's name: `pattern` with `{blue}` and `{target}` (dots as hyphens)
 * replaced, e.g. `payments-prod-1-33`. The same inputs always give the same name,
 * so a retry finds the cluster its first call created.
 * @throws InvalidConfigError when the result is not a valid EKS cluster name or equals blue's.
 */
export function greenClusterName(blue: string, target: string, pattern = '{blue}-{target}'): string {
  const name = pattern.replaceAll('{blue}', blue).replaceAll('{target}', target.replaceAll('.', '-'));
  if (clusterNameProblem(name) !== undefined) {
    throw new InvalidConfigError(
      `blueGreen/namePattern "${pattern}" gives "${name.slice(0, 120)}", which is not an EKS cluster name (at most ${MAX_CLUSTER_NAME} letters, digits, - and _, starting with a letter or digit)`,
    );
  }
  if (name === blue) {
    throw new InvalidConfigError(`blueGreen/namePattern "${pattern}" gives blue's own name ${blue}`);
  }
  return name;
}

/** CreateCluster, in the SDK's field names (the domain does not import the SDK). */
export interface CreateClusterInput {
  readonly name: string;
  readonly version: string;
  readonly roleArn: string;
  readonly clientRequestToken: string;
  readonly resourcesVpcConfig: {
    readonly subnetIds: readonly string[];
    readonly securityGroupIds?: readonly string[];
    readonly endpointPublicAccess?: boolean;
    readonly endpointPrivateAccess?: boolean;
    readonly publicAccessCidrs?: readonly string[];
  };
  readonly kubernetesNetworkConfig?: Record<string, unknown>;
  readonly logging?: Record<string, unknown>;
  readonly encryptionConfig?: readonly Record<string, unknown>[];
  readonly accessConfig?: { readonly authenticationMode?: string };
  readonly upgradePolicy?: Record<string, unknown>;
  readonly tags: Readonly<Record<string, string>>;
}

/** CreateAddon, in the SDK's field names. */
export interface CreateAddonInput {
  readonly clusterName: string;
  readonly addonName: string;
  readonly addonVersion: string;
  readonly clientRequestToken: string;
  readonly serviceAccountRoleArn?: string;
  readonly configurationValues?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** CreateFargateProfile, in the SDK's field names. */
export interface CreateFargateProfileInput {
  readonly clusterName: string;
  readonly fargateProfileName: string;
  readonly podExecutionRoleArn: string;
  readonly clientRequestToken: string;
  readonly subnets?: readonly string[];
  readonly selectors: readonly Record<string, unknown>[];
  readonly tags: Readonly<Record<string, string>>;
}

/** Everything green is made of: created in this order (cluster, then the rest once it is ACTIVE). */
export interface GreenSpec {
  readonly cluster: CreateClusterInput;
  readonly nodegroups: readonly CreateNodegroupInput[];
  readonly addons: readonly CreateAddonInput[];
  readonly fargateProfiles: readonly CreateFargateProfileInput[];
}

export type GreenSpecResult =
  | { readonly kind: 'spec'; readonly spec: GreenSpec }
  | { readonly kind: 'impossible'; readonly reasons: readonly string[] };

/** Blue's tags without the ones only AWS may set, plus the agent's. */
function greenTags(tags: Readonly<Record<string, string>> | undefined, blue: string): Record<string, string> {
  const kept = Object.entries(tags ?? {}).filter(([key]) => !key.startsWith('aws:'));
  return { ...Object.fromEntries(kept), [GREEN_OF_TAG]: blue };
}

/**
 * The green cluster from blue's description (DescribeCluster, DescribeNodegroup,
 * DescribeAddon, DescribeFargateProfile): the same VPC, subnets, security groups,
 * cluster role, endpoint access, network config, logging, secrets encryption,
 * authentication mode and upgrade policy; every managed node group with its scaling,
 * instance types, AMI and capacity type, labels, taints, update config and launch
 * template (its version as blue uses it), at the target; every add-on at the version
 * EKS prefers for the target (its default when compatible, else the newest
 * compatible), with its IAM role and configuration; every Fargate profile.
 * Client request tokens derive from the upgrade id and the resource, so a retried
 * create never makes a second one.
 */
export function greenSpec(
  snapshot: EnvironmentSnapshot,
  target: string,
  context: { readonly upgradeId: string; readonly greenName: string },
): GreenSpecResult {
  const { upgradeId, greenName } = context;
  const blue = snapshot.cluster;
  const reasons: string[] = [];
  const token = (what: string) => clientRequestToken(upgradeId, `green:${greenName}:${what}`);
  const vpc = blue.resourcesVpcConfig;
  const { roleArn, kubernetesNetworkConfig: network, logging, encryptionConfig, upgradePolicy } = blue;
  if (!roleArn) reasons.push(`cluster ${blue.name} has no roleArn in its DescribeCluster`);
  if (vpc.subnetIds.length === 0) reasons.push(`cluster ${blue.name} has no subnetIds`);
  const tags = greenTags(blue.tags, blue.name);
  const authenticationMode = blue.accessConfig?.authenticationMode;
  const cluster: CreateClusterInput = {
    name: greenName,
    version: target,
    // Stryker disable next-line StringLiteral: without a role the result is 'impossible' and this cluster is dropped (equivalent)
    roleArn: roleArn ?? '',
    clientRequestToken: token('cluster'),
    resourcesVpcConfig: {
      subnetIds: [...vpc.subnetIds],
      ...(vpc.securityGroupIds ? { securityGroupIds: [...vpc.securityGroupIds] } : {}),
      ...(vpc.endpointPublicAccess !== undefined ? { endpointPublicAccess: vpc.endpointPublicAccess } : {}),
      ...(vpc.endpointPrivateAccess !== undefined
        ? { endpointPrivateAccess: vpc.endpointPrivateAccess }
        : {}),
      ...(vpc.publicAccessCidrs ? { publicAccessCidrs: [...vpc.publicAccessCidrs] } : {}),
    },
    ...(network
      ? {
          // CreateCluster takes the service range and the IP family; serviceIpv6Cidr is EKS's to choose.
          kubernetesNetworkConfig: {
            ...(network.serviceIpv4Cidr ? { serviceIpv4Cidr: network.serviceIpv4Cidr } : {}),
            ...(network.ipFamily ? { ipFamily: network.ipFamily } : {}),
          },
        }
      : {}),
    ...(logging ? { logging: structuredClone(logging) } : {}),
    ...(encryptionConfig ? { encryptionConfig: structuredClone(encryptionConfig) } : {}),
    ...(authenticationMode ? { accessConfig: { authenticationMode } } : {}),
    ...(upgradePolicy ? { upgradePolicy: structuredClone(upgradePolicy) } : {}),
    tags,
  };

  const nodegroups: CreateNodegroupInput[] = [];
  for (const ng of snapshot.nodegroups) {
    const planned = planNodegroupReplacement({
      upgradeId,
      clusterName: greenName,
      upgraded: ng,
      previous: {
        version: target,
        ...(ng.launchTemplate?.version !== undefined
          ? { launchTemplateVersion: ng.launchTemplate.version }
          : {}),
      },
    });
    if (planned.kind === 'impossible') {
      reasons.push(planned.reason);
      continue;
    }
    const { [REPLACES_TAG]: _replaces, ...ngTags } = planned.request.tags ?? {};
    nodegroups.push({
      ...planned.request,
      nodegroupName: ng.nodegroupName,
      clientRequestToken: token(`nodegroup:${ng.nodegroupName}`),
      tags: { ...ngTags, [GREEN_OF_TAG]: blue.name },
    });
  }

  const infoByName = new Map(snapshot.addonVersions.map((info) => [info.addonName, info]));
  const addons: CreateAddonInput[] = [];
  for (const addon of snapshot.addons) {
    const version = greenAddonVersion(infoByName.get(addon.addonName), target);
    if (version === undefined) {
      reasons.push(`add-on ${addon.addonName} has no version compatible with Kubernetes ${target}`);
      continue;
    }
    addons.push({
      clusterName: greenName,
      addonName: addon.addonName,
      addonVersion: version,
      clientRequestToken: token(`addon:${addon.addonName}`),
      ...(addon.serviceAccountRoleArn ? { serviceAccountRoleArn: addon.serviceAccountRoleArn } : {}),
      ...(addon.configurationValues ? { configurationValues: addon.configurationValues } : {}),
      tags,
    });
  }

  const fargateProfiles: CreateFargateProfileInput[] = [];
  for (const profile of snapshot.fargateProfiles) {
    const role = profile.podExecutionRoleArn;
    if (!role) {
      reasons.push(`Fargate profile ${profile.fargateProfileName} has no podExecutionRoleArn`);
      continue;
    }
    const { subnets } = profile;
    fargateProfiles.push({
      clusterName: greenName,
      fargateProfileName: profile.fargateProfileName,
      podExecutionRoleArn: role,
      clientRequestToken: token(`fargate:${profile.fargateProfileName}`),
      ...(subnets ? { subnets: [...subnets] } : {}),
      selectors: structuredClone(profile.selectors ?? []),
      tags,
    });
  }
  if (reasons.length > 0) return { kind: 'impossible', reasons };
  return { kind: 'spec', spec: { cluster, nodegroups, addons, fargateProfiles } };
}

/**
 * The version a green add-on is created at: EKS's default for the target when the
 * data names one, else the newest version compatible with it. Green's add-ons are
 * new, so the one-minor-at-a-time rule of in-place updates does not apply.
 */
export function greenAddonVersion(info: AddonInfo | undefined, target: string): string | undefined {
  if (!info) return undefined;
  const catalog = new AddonCatalog(info);
  return preferredVersion(
    catalog,
    catalog.versions.filter((v) => catalog.isCompatible(v, target)),
    target,
  );
}

/** One weighted record of the blue/green pair: its set identifier is the cluster's name. */
export interface WeightedTarget {
  readonly setIdentifier: string;
  /** The record's value (a CNAME target). */
  readonly value: string;
  /** Route 53 weight, 0-255; here the percentage of traffic. */
  readonly weight: number;
}

/**
 * The two weighted records that send `percentToGreen` % of traffic to green and
 * the rest to blue. `{cluster}` in `targetPattern` is each cluster's name.
 * @throws InvalidConfigError when the percentage is outside 0-100.
 */
export function weightedTargets(
  blue: string,
  green: string,
  percentToGreen: number,
  targetPattern: string,
): readonly [WeightedTarget, WeightedTarget] {
  if (!Number.isInteger(percentToGreen) || percentToGreen < 0 || percentToGreen > 100) {
    throw new InvalidConfigError(`a traffic weight must be a whole percentage 0-100, not ${percentToGreen}`);
  }
  const value = (cluster: string) => targetPattern.replaceAll('{cluster}', cluster);
  return [
    { setIdentifier: blue, value: value(blue), weight: 100 - percentToGreen },
    { setIdentifier: green, value: value(green), weight: percentToGreen },
  ];
}

/**
 * What two clusters side by side cost, for the plan: the hours both run (from
 * green's creation until blue is deleted) and the control-plane price per hour
 * (EKS: $0.10 standard, $0.60 extended support).
 */
export function sideBySideHours(input: {
  readonly provisionMinutes: number;
  readonly steps: number;
  readonly soakSeconds: number;
  readonly finalBakeSeconds: number;
}): number {
  const minutes =
    input.provisionMinutes + (input.steps * input.soakSeconds) / 60 + input.finalBakeSeconds / 60;
  return Math.round((minutes / 60) * 10) / 10;
}

/** The planning policy with the configured blue/green settings (weights, name pattern, soak, final bake). */
export function withBlueGreenConfig(
  policy: PlanningPolicy,
  config: AgentConfig['blueGreen'],
): PlanningPolicy {
  return {
    ...policy,
    trafficSteps: config.weights,
    blueGreen: {
      namePattern: config.namePattern,
      soakMinutes: config.soakSeconds / 60,
      finalBakeMinutes: config.finalBakeSeconds / 60,
    },
  };
}

/** Green cannot be built from blue's description (no role, no add-on version for the target, ...). */
export class GreenSpecError extends AgentError {
  override readonly name = 'GreenSpecError';
  readonly retryable = false;
}

/** Part of green failed to create (CREATE_FAILED, FAILED): nothing is shifted; green is cleaned up per config. */
export class GreenProvisioningFailedError extends AgentError {
  override readonly name = 'GreenProvisioningFailedError';
  readonly retryable = false;
}

/** Green's workloads did not report ready within `blueGreen/readinessTimeoutSeconds`. */
export class WorkloadsNotReadyError extends AgentError {
  override readonly name = 'WorkloadsNotReadyError';
  readonly retryable = false;
}

/**
 * The keys blue/green needs that have no default.
 * @throws InvalidConfigError naming every missing key.
 */
export function requireTrafficConfig(config: AgentConfig['blueGreen']): {
  readonly hostedZoneId: string;
  readonly recordName: string;
  readonly recordTargetPattern: string;
  readonly healthCheckUrl: string;
} {
  const { hostedZoneId, recordName, recordTargetPattern, healthCheckUrl } = config;
  if (!hostedZoneId || !recordName || !recordTargetPattern || !healthCheckUrl) {
    const missing = Object.entries({ hostedZoneId, recordName, recordTargetPattern, healthCheckUrl })
      .filter(([, v]) => !v)
      .map(([k]) => `blueGreen/${k}`);
    throw new InvalidConfigError(
      `a blue_green upgrade needs ${missing.join(', ')} in the agent configuration (SSM /eks-upgrade-agent/<stage>/config/)`,
    );
  }
  return { hostedZoneId, recordName, recordTargetPattern, healthCheckUrl };
}
