import type { CreateNodegroupInput } from '../../domain/nodegroup-replacement';
import { isNodegroupName } from '../../domain/nodegroup-replacement';
import { DEFAULT_POLICY } from '../../domain/plan-types';
import type { Nodegroup } from '../../domain/snapshot';
import { compareVersions, isKubernetesVersion } from '../../domain/version';
import type { ProvisionFailureFault, Scenario } from '../scenarios';
import { addMinutes } from './clock';
import { InvalidParameterException, ResourceInUseException, ResourceNotFoundException } from './errors';
import { findNodegroup } from './progress';
import type { ClusterWorld, NodegroupOp } from './state';

/**
 * CreateNodegroup and DeleteNodegroup on the simulated EKS, with durations that
 * decide behaviour: a new group is CREATING while its nodes launch and join
 * (LAUNCH_MINUTES, then a minute per node), a deleted one is DELETING while EKS
 * drains and terminates its nodes (a minute per node, plus however long the
 * scenario's PodDisruptionBudget holds the drain). The group counts as in the
 * cluster (its kubelets too) until the deletion ends.
 */

/** Instances boot and join in parallel; this is the common part before the first node is Ready. */
export const LAUNCH_MINUTES = DEFAULT_POLICY.durations.minutesPerNode;

function nodes(ng: Pick<Nodegroup, 'scalingConfig'>): number {
  return Math.max(1, ng.scalingConfig?.desiredSize ?? 1);
}

/**
 * @throws InvalidParameterException for a bad name or a version above the control plane.
 * @throws ResourceInUseException when a group of that name exists (EKS's wording), or the control plane is updating.
 */
export function createNodegroup(
  world: ClusterWorld,
  now: Date,
  input: CreateNodegroupInput,
  failure?: ProvisionFailureFault,
): Nodegroup {
  const { cluster } = world.snapshot;
  const context = { clusterName: cluster.name, nodegroupName: input.nodegroupName };
  if (!isNodegroupName(input.nodegroupName)) {
    throw new InvalidParameterException(
      `Nodegroup name ${input.nodegroupName} is invalid: at most 63 letters, digits, hyphens and underscores, starting with a letter or digit`,
      context,
    );
  }
  const existing = findNodegroup(world, input.nodegroupName);
  if (existing) {
    throw new ResourceInUseException(
      `NodeGroup already exists with name ${input.nodegroupName} and cluster name ${cluster.name}`,
      context,
      input.nodegroupName,
    );
  }
  if (cluster.status === 'UPDATING' || cluster.status === 'CREATING') {
    throw new ResourceInUseException(
      `Cluster ${cluster.name} is currently ${cluster.status === 'CREATING' ? 'being created' : 'being updated'}`,
      context,
      cluster.name,
    );
  }
  const version = input.version ?? cluster.version;
  if (!isKubernetesVersion(version) || compareVersions(version, cluster.version) > 0) {
    throw new InvalidParameterException(
      `Requested Nodegroup version ${version} is invalid: it must be less than or equal to the cluster version ${cluster.version}`,
      context,
    );
  }
  const { clusterName, clientRequestToken, ...fields } = structuredClone(input) as CreateNodegroupInput &
    Record<string, unknown>;
  const created: Nodegroup = {
    ...(fields as Record<string, unknown>),
    nodegroupName: input.nodegroupName,
    nodegroupArn: `${cluster.arn ?? `arn:aws:eks:sandbox:000000000000:cluster/${cluster.name}`}`
      .replace(':cluster/', ':nodegroup/')
      .concat(`/${input.nodegroupName}/sandbox`),
    clusterName,
    version,
    releaseVersion:
      input.releaseVersion ?? `${version}.0-${now.toISOString().slice(0, 10).replaceAll('-', '')}`,
    status: 'CREATING',
    createdAt: now.toISOString(),
    health: { issues: [] },
  };
  world.snapshot.nodegroups.push(created);
  world.nodegroupOps.push({
    kind: 'create',
    nodegroupName: input.nodegroupName,
    ...(clientRequestToken !== undefined ? { clientRequestToken } : {}),
    startedAt: now.toISOString(),
    endsAt: addMinutes(now, failure ? failure.afterMinutes : LAUNCH_MINUTES + nodes(created)),
    settled: false,
    ...(failure
      ? {
          failure: { code: failure.code, message: failure.message.replaceAll('{name}', input.nodegroupName) },
        }
      : {}),
  });
  return structuredClone(created);
}

/**
 * @throws ResourceNotFoundException for a group EKS does not know (deleted already).
 * @throws ResourceInUseException while the group is being created, updated or deleted.
 */
export function deleteNodegroup(world: ClusterWorld, now: Date, scenario: Scenario, name: string): Nodegroup {
  const { cluster } = world.snapshot;
  const context = { clusterName: cluster.name, nodegroupName: name };
  const ng = findNodegroup(world, name);
  if (!ng) throw new ResourceNotFoundException(`No node group found for name: ${name}.`, context);
  if (ng.status !== 'ACTIVE' && ng.status !== 'DEGRADED' && ng.status !== 'CREATE_FAILED') {
    throw new ResourceInUseException(`Nodegroup ${name} is currently ${ng.status}`, context, name);
  }
  ng.status = 'DELETING';
  world.nodegroupOps.push({
    kind: 'delete',
    nodegroupName: name,
    startedAt: now.toISOString(),
    endsAt: addMinutes(now, nodes(ng) + (scenario.drainHeldByPdbMinutes ?? 0)),
    settled: false,
  });
  return structuredClone(ng);
}

/** Ends the creations and deletions whose time has come: ACTIVE, or gone from the cluster. */
export function settleNodegroupOps(world: ClusterWorld, now: Date): void {
  for (const op of world.nodegroupOps) {
    if (op.settled || Date.parse(op.endsAt) > now.getTime()) continue;
    op.settled = true;
    if (op.kind === 'create') {
      const ng = findNodegroup(world, op.nodegroupName);
      if (ng && op.failure) {
        ng.status = 'CREATE_FAILED';
        ng.health = { issues: [{ code: op.failure.code, message: op.failure.message }] };
      } else if (ng) ng.status = 'ACTIVE';
    } else {
      world.snapshot.nodegroups = world.snapshot.nodegroups.filter(
        (n) => n.nodegroupName !== op.nodegroupName,
      );
    }
  }
}

/** The operation in flight on a node group, if any (tests and reports). */
export function pendingOp(world: ClusterWorld, name: string): NodegroupOp | undefined {
  return world.nodegroupOps.find((op) => !op.settled && op.nodegroupName === name);
}
