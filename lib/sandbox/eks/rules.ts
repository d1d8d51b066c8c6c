import { AddonCatalog } from '../../domain/addon-catalog';
import { compareAddonVersions } from '../../domain/addon-version';
import { ROLLBACK_WINDOW_MS } from '../../domain/rollback';
import type { Insight } from '../../domain/snapshot';
import { compareVersions, isKubernetesVersion, nextMinor, previousMinor } from '../../domain/version';
import {
  InvalidParameterException,
  InvalidRequestException,
  InvalidStateException,
  ResourceInUseException,
} from './errors';
import type { ClusterWorld, SimUpdate } from './state';

/**
 * The checks EKS makes before it accepts an update, with its exceptions and (where
 * known) its wording. Each returns normally when EKS would accept the request.
 */

/**
 * UpdateClusterVersion to `version`: one minor up, to a version EKS offers.
 * (One minor down is a rollback: see `rollbackSource`.)
 * @throws InvalidParameterException for any other jump.
 * @throws InvalidRequestException while a managed node group trails the cluster.
 */
export function checkControlPlaneUpgrade(world: ClusterWorld, version: string): void {
  const { cluster, clusterVersions } = world.snapshot;
  const context = { clusterName: cluster.name };
  if (!isKubernetesVersion(version) || version !== nextMinor(cluster.version)) {
    throw new InvalidParameterException(
      `Unsupported Kubernetes minor version update from ${cluster.version} to ${version}`,
      context,
    );
  }
  if (clusterVersions && !clusterVersions.some((v) => v.clusterVersion === version)) {
    throw new InvalidParameterException(
      `Kubernetes version ${version} is not supported by Amazon EKS`,
      context,
    );
  }
  checkNodegroupsMatch(world);
}

/**
 * The API reference: "If your cluster has managed node groups attached to it, all of
 * your node groups' Kubernetes versions must match the cluster's Kubernetes version
 * in order to update the cluster to a new Kubernetes version." The wording is EKS's
 * (a 400 InvalidRequestException, as reported in terraform-provider-aws#19478); how
 * it lists several node groups is not documented, so they are joined with commas.
 * @throws InvalidRequestException naming the node groups behind.
 */
export function checkNodegroupsMatch(world: ClusterWorld): void {
  const { cluster, nodegroups } = world.snapshot;
  const behind = nodegroups.filter((ng) => ng.version !== cluster.version);
  if (behind.length === 0) return;
  throw new InvalidRequestException(
    `Nodegroups ${behind.map((ng) => ng.nodegroupName).join(',')} must be updated to match cluster version ${cluster.version} before updating cluster version`,
    { clusterName: cluster.name },
  );
}

/**
 * Failing readiness insights: UPGRADE_READINESS (or ROLLBACK_READINESS) insights in
 * ERROR for `version` (an insight naming no version counts for every version).
 */
export function blockingInsights(
  insights: readonly Insight[],
  category: 'UPGRADE_READINESS' | 'ROLLBACK_READINESS',
  version: string,
): Insight[] {
  return insights.filter(
    (i) =>
      i.category === category &&
      i.insightStatus.status === 'ERROR' &&
      (i.kubernetesVersion === undefined || i.kubernetesVersion === version),
  );
}

/**
 * Without `force`, EKS refuses a control-plane update while readiness checks fail.
 * @throws InvalidStateException naming the failing insights.
 */
export function checkReadiness(clusterName: string, failing: readonly Insight[], force: boolean): void {
  if (force || failing.length === 0) return;
  // The reasons too: a person reading the refusal learns what to fix without a second call.
  const names = failing
    .map(
      (i) =>
        `${i.name ?? i.id}${i.insightStatus.reason ? ` (${i.insightStatus.reason.replace(/\.$/, '')})` : ''}`,
    )
    .join('; ');
  throw new InvalidStateException(
    `Cluster ${clusterName} has ${failing.length} readiness insight(s) with ERROR status: ${names}. Resolve them (see ListInsights) or set force to override.`,
    { clusterName },
    failing.map((i) => i.id),
  );
}

/**
 * The in-place upgrade a rollback would undo: the newest successful change of the
 * control-plane version, when it was an upgrade that completed within 7 days. A
 * string says why no rollback is available (prerequisites `force` does not bypass).
 */
export function findRollbackSource(world: ClusterWorld, now: Date): SimUpdate | string {
  const { name, version } = world.snapshot.cluster;
  const last = [...world.updates]
    .reverse()
    .find(
      (u) =>
        u.target.kind === 'cluster' &&
        u.settled &&
        u.result === 'Successful' &&
        u.effect.version !== undefined,
    );
  if (last?.type !== 'VersionUpdate') {
    return `Cluster ${name} cannot be rolled back: it was not upgraded in place to ${version}, or it was rolled back already`;
  }
  if (now.getTime() - Date.parse(last.endsAt) > ROLLBACK_WINDOW_MS) {
    return `Cluster ${name} cannot be rolled back: the upgrade to ${version} completed more than 7 days ago`;
  }
  return last;
}

/**
 * Like findRollbackSource, for the rollback request itself.
 * @throws InvalidRequestException when no rollback is available.
 */
export function rollbackSource(world: ClusterWorld, now: Date): SimUpdate {
  const source = findRollbackSource(world, now);
  if (typeof source === 'string') {
    throw new InvalidRequestException(source, { clusterName: world.snapshot.cluster.name });
  }
  return source;
}

/**
 * The rollback readiness checks the sandbox models, as failing ROLLBACK_READINESS
 * insights: kubelet version skew (node groups newer than the version rolled back
 * to would run kubelets newer than the API server) and add-on compatibility
 * (installed add-on versions that do not run on it).
 */
export function rollbackReadiness(world: ClusterWorld, to: string): Insight[] {
  const { nodegroups, addons, addonVersions } = world.snapshot;
  const failing: Insight[] = [];
  const ahead = nodegroups.filter((ng) => compareVersions(ng.version, to) > 0);
  if (ahead.length > 0) {
    failing.push(
      rollbackInsight(
        'kubelet-skew',
        'Kubelet version skew',
        to,
        `Node groups ${ahead.map((ng) => `${ng.nodegroupName} (${ng.version})`).join(', ')} run kubelets newer than ${to}.`,
      ),
    );
  }
  const catalogs = new Map(addonVersions.map((info) => [info.addonName, new AddonCatalog(info)]));
  const incompatible = addons.filter(
    (a) => !(catalogs.get(a.addonName)?.isCompatible(a.addonVersion, to) ?? false),
  );
  if (incompatible.length > 0) {
    failing.push(
      rollbackInsight(
        'addon-compatibility',
        'Amazon EKS add-on version compatibility',
        to,
        `Add-ons ${incompatible.map((a) => `${a.addonName} ${a.addonVersion}`).join(', ')} are not compatible with Kubernetes ${to}.`,
      ),
    );
  }
  return failing;
}

function rollbackInsight(key: string, name: string, version: string, reason: string): Insight {
  return {
    id: `sandbox-rollback-${key}`,
    name,
    category: 'ROLLBACK_READINESS',
    kubernetesVersion: version,
    insightStatus: { status: 'ERROR', reason },
  };
}

/**
 * UpdateAddon to `addonVersion`: a version DescribeAddonVersions lists for the add-on,
 * compatible with the current control-plane version, and not older than the current one.
 * @throws InvalidParameterException otherwise.
 */
export function checkAddonUpdate(
  world: ClusterWorld,
  addonName: string,
  addonVersion: string,
  from: string,
): void {
  const { cluster, addonVersions } = world.snapshot;
  const context = { clusterName: cluster.name, addonName };
  const info = addonVersions.find((a) => a.addonName === addonName);
  if (!info?.addonVersions.some((v) => v.addonVersion === addonVersion)) {
    throw new InvalidParameterException(
      `Addon version ${addonVersion} specified for ${addonName} is not supported. Check the supported versions with DescribeAddonVersions`,
      context,
    );
  }
  if (!new AddonCatalog(info).isCompatible(addonVersion, cluster.version)) {
    throw new InvalidParameterException(
      `Addon version ${addonVersion} of ${addonName} is not compatible with Kubernetes version ${cluster.version}`,
      context,
    );
  }
  if (compareAddonVersions(addonVersion, from) < 0) {
    throw new InvalidParameterException(
      `Updating addon ${addonName} from ${from} to the lower version ${addonVersion} is not supported`,
      context,
    );
  }
}

/**
 * UpdateNodegroupVersion to `version`: not newer than the control plane, and not
 * older than the node group, except one minor down while the control plane can be
 * rolled back to it (EKS's documented way to prepare managed node groups for a
 * control-plane rollback).
 * @throws InvalidParameterException otherwise.
 */
export function checkNodegroupUpdate(
  world: ClusterWorld,
  nodegroupName: string,
  version: string,
  from: string,
  now: Date,
): void {
  const { cluster } = world.snapshot;
  const context = { clusterName: cluster.name, nodegroupName };
  if (!isKubernetesVersion(version)) {
    throw new InvalidParameterException(`Invalid Kubernetes version ${version}`, context);
  }
  if (compareVersions(version, cluster.version) > 0) {
    throw new InvalidParameterException(
      `Requested Nodegroup version ${version} is invalid: it must be less than or equal to the cluster version ${cluster.version}`,
      context,
    );
  }
  if (compareVersions(version, from) >= 0) return;
  if (
    version === previousMinor(from) &&
    from === cluster.version &&
    typeof findRollbackSource(world, now) !== 'string'
  ) {
    return;
  }
  throw new InvalidParameterException(
    `Requested Nodegroup version ${version} is invalid: node group ${nodegroupName} is at ${from} and cannot be downgraded`,
    context,
  );
}

/**
 * The update a token already started. The same token with another request is refused.
 * @throws InvalidRequestException
 */
export function replay(
  world: ClusterWorld,
  token: string | undefined,
  fingerprint: string,
): SimUpdate | undefined {
  if (token === undefined) return undefined;
  const prior = world.updates.find((u) => u.clientRequestToken === token);
  if (prior && prior.fingerprint !== fingerprint) {
    throw new InvalidRequestException(
      `The client request token ${token} was already used for a different request (${prior.fingerprint})`,
      { clusterName: world.snapshot.cluster.name },
    );
  }
  return prior;
}

/**
 * EKS takes one update per resource, and none beside a cluster-level one. Node groups
 * are resources of their own: UpdateNodegroupVersion on different node groups may run
 * together. Anything else (control plane, add-on) waits for every update in flight.
 * @throws ResourceInUseException when the update at `target` would collide with one InProgress.
 */
export function refuseWhenBusy(world: ClusterWorld, target?: { kind: 'nodegroup'; name: string }): void {
  const active = world.updates.filter((u) => !u.settled);
  const blocking = active.find(
    (u) => target === undefined || u.target.kind !== 'nodegroup' || u.target.name === target.name,
  );
  if (blocking) {
    const what = blocking.target.kind === 'nodegroup' ? `Nodegroup ${blocking.target.name}` : 'Cluster';
    throw new ResourceInUseException(
      `${what} has update ${blocking.id} in progress`,
      { clusterName: world.snapshot.cluster.name },
      blocking.id,
    );
  }
}
