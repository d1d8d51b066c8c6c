import type {
  CreateAddonInput,
  CreateClusterInput,
  CreateFargateProfileInput,
} from '../../domain/blue-green';
import { DEFAULT_POLICY } from '../../domain/plan-types';
import { clusterNameProblem } from '../../domain/request-fields';
import type { Cluster } from '../../domain/snapshot';
import { isKubernetesVersion } from '../../domain/version';
import type { ResourceState } from '../../ports';
import { addMinutes } from './clock';
import {
  InvalidParameterException,
  InvalidRequestException,
  ResourceInUseException,
  ResourceNotFoundException,
} from './errors';
import type { ClusterWorld, LifecycleOp, SandboxState } from './state';

/**
 * Blue/green on the simulated EKS: CreateCluster, CreateAddon, CreateFargateProfile
 * and their deletes, with durations that decide behaviour (the model's, from the
 * planner's figures: a control plane in 20 minutes, an add-on in 3; a Fargate
 * profile in 3; a cluster deleted in 10). EKS's rules that matter here: a name is
 * taken until its deletion ends; nothing is added to a cluster that is not ACTIVE;
 * DeleteCluster is refused while node groups or Fargate profiles remain; one
 * Fargate profile at a time is created or deleted per cluster.
 */
export const CLUSTER_CREATE_MINUTES = DEFAULT_POLICY.durations.provisionClusterMinutes;
export const CLUSTER_DELETE_MINUTES = 10;
export const ADDON_CREATE_MINUTES = DEFAULT_POLICY.durations.addonMinutes;
export const ADDON_DELETE_MINUTES = 1;
export const FARGATE_MINUTES = 3;

function op(
  world: ClusterWorld,
  now: Date,
  fields: Pick<LifecycleOp, 'kind' | 'resource' | 'name'>,
  minutes: number,
) {
  world.lifecycleOps.push({
    ...fields,
    startedAt: now.toISOString(),
    endsAt: addMinutes(now, minutes),
    settled: false,
  });
}

function requireActive(world: ClusterWorld): void {
  const { cluster } = world.snapshot;
  if (cluster.status !== 'ACTIVE') {
    throw new InvalidRequestException(
      `Cluster '${cluster.name}' is not in ACTIVE status (${cluster.status})`,
      {
        clusterName: cluster.name,
      },
    );
  }
}

/**
 * CreateCluster: the new cluster is CREATING, then ACTIVE. It takes the add-on
 * compatibility data and subnets of the cluster whose subnets it uses (EKS's
 * catalogue and EC2's subnets are not per cluster).
 * @throws InvalidParameterException for a bad name or version; ResourceInUseException for a taken name.
 */
export function createCluster(state: SandboxState, now: Date, input: CreateClusterInput): void {
  const context = { clusterName: input.name };
  if (clusterNameProblem(input.name) !== undefined) {
    throw new InvalidParameterException(`Cluster name ${input.name} is invalid`, context);
  }
  if (state.clusters[input.name]) {
    throw new ResourceInUseException(`Cluster already exists with name: ${input.name}`, context, input.name);
  }
  if (!isKubernetesVersion(input.version)) {
    throw new InvalidParameterException(`unsupported Kubernetes version ${input.version}`, context);
  }
  const source = Object.values(state.clusters).find((w) =>
    w.snapshot.cluster.resourcesVpcConfig.subnetIds.some((id) =>
      input.resourcesVpcConfig.subnetIds.includes(id),
    ),
  );
  const { clientRequestToken: _token, name, version, tags, ...rest } = input;
  const cluster: Cluster = {
    ...(structuredClone(rest) as Record<string, unknown>),
    name,
    arn: `arn:aws:eks:sandbox:000000000000:cluster/${name}`,
    version,
    platformVersion: 'eks.1',
    status: 'CREATING',
    createdAt: now.toISOString(),
    endpoint: `https://${name}.sandbox.eks.local`,
    resourcesVpcConfig: {
      ...structuredClone(input.resourcesVpcConfig),
      subnetIds: [...input.resourcesVpcConfig.subnetIds],
      securityGroupIds: [...(input.resourcesVpcConfig.securityGroupIds ?? [])],
      ...(source?.snapshot.cluster.resourcesVpcConfig.vpcId
        ? { vpcId: source.snapshot.cluster.resourcesVpcConfig.vpcId }
        : {}),
    },
    health: { issues: [] },
    tags: { ...tags },
  } as Cluster;
  const world: ClusterWorld = {
    snapshot: {
      ...(source?.snapshot.capturedAt ? { capturedAt: now.toISOString() } : {}),
      cluster,
      nodegroups: [],
      addons: [],
      addonVersions: structuredClone(source?.snapshot.addonVersions ?? []),
      insights: [],
      fargateProfiles: [],
      subnets: structuredClone(source?.snapshot.subnets ?? []),
    } as ClusterWorld['snapshot'],
    initialVersion: version,
    updates: [],
    nodegroupOps: [],
    lifecycleOps: [],
    created: true,
  };
  state.clusters[name] = world;
  op(world, now, { kind: 'create', resource: 'cluster', name }, CLUSTER_CREATE_MINUTES);
}

/**
 * DeleteCluster.
 * @throws ResourceInUseException while node groups or Fargate profiles remain, or the cluster is busy.
 */
export function deleteCluster(world: ClusterWorld, now: Date): void {
  const { cluster } = world.snapshot;
  const context = { clusterName: cluster.name };
  if (cluster.status === 'DELETING') {
    throw new ResourceInUseException(
      `Cluster ${cluster.name} is already being deleted`,
      context,
      cluster.name,
    );
  }
  const left = [
    ...world.snapshot.nodegroups.map((ng) => `nodegroup ${ng.nodegroupName}`),
    ...world.snapshot.fargateProfiles.map((p) => `Fargate profile ${p.fargateProfileName}`),
  ];
  if (left.length > 0) {
    throw new ResourceInUseException(
      `Cluster has ${left.join(', ')} attached; delete them before deleting the cluster`,
      context,
      cluster.name,
    );
  }
  if (cluster.status !== 'ACTIVE' && cluster.status !== 'FAILED') {
    throw new ResourceInUseException(
      `Cluster ${cluster.name} is currently ${cluster.status}`,
      context,
      cluster.name,
    );
  }
  cluster.status = 'DELETING';
  op(world, now, { kind: 'delete', resource: 'cluster', name: cluster.name }, CLUSTER_DELETE_MINUTES);
}

/**
 * CreateAddon at a version the catalogue lists as compatible with the cluster.
 * @throws InvalidRequestException unless the cluster is ACTIVE; ResourceInUseException for an add-on that exists;
 *   InvalidParameterException for a version that does not run on the cluster.
 */
export function createAddon(world: ClusterWorld, now: Date, input: CreateAddonInput): void {
  requireActive(world);
  const { cluster } = world.snapshot;
  const context = { clusterName: cluster.name, addonName: input.addonName };
  if (world.snapshot.addons.some((a) => a.addonName === input.addonName)) {
    throw new ResourceInUseException(
      `Addon already exists with name: ${input.addonName}`,
      context,
      input.addonName,
    );
  }
  const info = world.snapshot.addonVersions.find((i) => i.addonName === input.addonName);
  const compatible = info?.addonVersions
    .find((v) => v.addonVersion === input.addonVersion)
    ?.compatibilities.some((c) => c.clusterVersion === cluster.version);
  if (!compatible) {
    throw new InvalidParameterException(
      `Addon version ${input.addonVersion} of ${input.addonName} is not supported on Kubernetes ${cluster.version}`,
      context,
    );
  }
  world.snapshot.addons.push({
    addonName: input.addonName,
    clusterName: cluster.name,
    addonVersion: input.addonVersion,
    status: 'CREATING',
    createdAt: now.toISOString(),
    health: { issues: [] },
    ...(input.serviceAccountRoleArn ? { serviceAccountRoleArn: input.serviceAccountRoleArn } : {}),
  });
  op(world, now, { kind: 'create', resource: 'addon', name: input.addonName }, ADDON_CREATE_MINUTES);
}

/** @throws ResourceNotFoundException for an add-on EKS does not know; ResourceInUseException while it is busy. */
export function deleteAddon(world: ClusterWorld, now: Date, addonName: string): void {
  const context = { clusterName: world.snapshot.cluster.name, addonName };
  const addon = world.snapshot.addons.find((a) => a.addonName === addonName);
  if (!addon) throw new ResourceNotFoundException(`No addon: ${addonName} found in cluster`, context);
  if (addon.status === 'CREATING' || addon.status === 'UPDATING' || addon.status === 'DELETING') {
    throw new ResourceInUseException(`Addon ${addonName} is currently ${addon.status}`, context, addonName);
  }
  addon.status = 'DELETING';
  op(world, now, { kind: 'delete', resource: 'addon', name: addonName }, ADDON_DELETE_MINUTES);
}

/**
 * CreateFargateProfile.
 * @throws ResourceInUseException for a profile that exists, or while another profile is created or deleted.
 */
export function createFargateProfile(world: ClusterWorld, now: Date, input: CreateFargateProfileInput): void {
  requireActive(world);
  const context = { clusterName: world.snapshot.cluster.name };
  if (world.snapshot.fargateProfiles.some((p) => p.fargateProfileName === input.fargateProfileName)) {
    throw new ResourceInUseException(
      `A Fargate Profile already exists with this name: ${input.fargateProfileName}`,
      context,
      input.fargateProfileName,
    );
  }
  fargateOneAtATime(world);
  world.snapshot.fargateProfiles.push({
    fargateProfileName: input.fargateProfileName,
    clusterName: input.clusterName,
    podExecutionRoleArn: input.podExecutionRoleArn,
    ...(input.subnets ? { subnets: [...input.subnets] } : {}),
    selectors: structuredClone([...input.selectors]),
    status: 'CREATING',
    createdAt: now.toISOString(),
  });
  op(world, now, { kind: 'create', resource: 'fargate', name: input.fargateProfileName }, FARGATE_MINUTES);
}

/** @throws ResourceNotFoundException for a profile EKS does not know; ResourceInUseException while one is busy. */
export function deleteFargateProfile(world: ClusterWorld, now: Date, name: string): void {
  const context = { clusterName: world.snapshot.cluster.name };
  const profile = world.snapshot.fargateProfiles.find((p) => p.fargateProfileName === name);
  if (!profile) throw new ResourceNotFoundException(`No Fargate Profile found with name: ${name}`, context);
  fargateOneAtATime(world);
  profile.status = 'DELETING';
  op(world, now, { kind: 'delete', resource: 'fargate', name }, FARGATE_MINUTES);
}

/** EKS creates or deletes one Fargate profile at a time per cluster. */
function fargateOneAtATime(world: ClusterWorld): void {
  const busy = world.snapshot.fargateProfiles.find((p) => p.status === 'CREATING' || p.status === 'DELETING');
  if (busy) {
    throw new ResourceInUseException(
      `Fargate Profile ${busy.fargateProfileName} is ${busy.status}; one profile at a time`,
      { clusterName: world.snapshot.cluster.name },
      busy.fargateProfileName,
    );
  }
}

/**
 * Ends the creates and deletes whose time has come; a cluster whose deletion ended
 * leaves the world (and is remembered in `deletedClusters`).
 */
export function settleLifecycleOps(state: SandboxState, now: Date): void {
  for (const [name, world] of Object.entries(state.clusters)) {
    for (const o of world.lifecycleOps) {
      if (o.settled || Date.parse(o.endsAt) > now.getTime()) continue;
      o.settled = true;
      const { snapshot } = world;
      if (o.resource === 'cluster') {
        if (o.kind === 'create') snapshot.cluster.status = 'ACTIVE';
        else {
          state.deletedClusters[name] = { version: snapshot.cluster.version, deletedAt: o.endsAt };
          delete state.clusters[name];
        }
      } else if (o.resource === 'addon') {
        if (o.kind === 'create') {
          const addon = snapshot.addons.find((a) => a.addonName === o.name);
          if (addon) addon.status = 'ACTIVE';
        } else snapshot.addons = snapshot.addons.filter((a) => a.addonName !== o.name);
      } else if (o.kind === 'create') {
        const profile = snapshot.fargateProfiles.find((p) => p.fargateProfileName === o.name);
        if (profile) profile.status = 'ACTIVE';
      } else {
        snapshot.fargateProfiles = snapshot.fargateProfiles.filter((p) => p.fargateProfileName !== o.name);
      }
    }
  }
}

/** DescribeCluster / DescribeAddon / DescribeFargateProfile, as the port shows them. */
export function describeResource(
  world: ClusterWorld | undefined,
  resource: LifecycleOp['resource'],
  name: string,
): ResourceState | undefined {
  if (!world) return undefined;
  const issues = (health: unknown) =>
    ((health as { issues?: { code?: string; message?: string }[] } | undefined)?.issues ?? []).map(
      (i) => `${i.code ?? 'Unknown'}: ${i.message ?? ''}`,
    );
  if (resource === 'cluster') {
    const c = world.snapshot.cluster;
    return { status: c.status, version: c.version, issues: issues(c.health) };
  }
  if (resource === 'addon') {
    const a = world.snapshot.addons.find((x) => x.addonName === name);
    return a ? { status: a.status, version: a.addonVersion, issues: issues(a.health) } : undefined;
  }
  const p = world.snapshot.fargateProfiles.find((x) => x.fargateProfileName === name);
  return p ? { status: String(p.status), issues: [] } : undefined;
}
