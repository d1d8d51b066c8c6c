import type { Finding } from './plan-types';
import type { EnvironmentSnapshot } from './snapshot';
import { compareVersions } from './version';

/**
 * Preflight checks: each is a function of the snapshot (and request) returning
 * findings. Blocks are what EKS would refuse or what would break the cluster;
 * warnings need a person's judgement; info is worth knowing.
 */

export function checkCluster(snapshot: EnvironmentSnapshot): Finding[] {
  const { cluster } = snapshot;
  const findings: Finding[] = [];
  if (cluster.status !== 'ACTIVE') {
    findings.push({
      code: 'CLUSTER_NOT_ACTIVE',
      severity: 'block',
      message: `Cluster ${cluster.name} is ${cluster.status}; EKS only updates an ACTIVE cluster. Wait for the current operation to finish and plan again.`,
      resource: cluster.name,
    });
  }
  for (const issue of cluster.health?.issues ?? []) {
    findings.push({
      code: 'CLUSTER_HEALTH_ISSUE',
      severity: 'warn',
      message: `Cluster health issue ${issue.code ?? 'unknown'}: ${issue.message ?? 'no message'}. Resolve it before upgrading.`,
      resource: cluster.name,
    });
  }
  return findings;
}

/** The Kubernetes versions the add-on compatibility data knows about. */
export function knownVersions(snapshot: EnvironmentSnapshot): Set<string> {
  const known = new Set<string>();
  for (const info of snapshot.addonVersions) {
    for (const v of info.addonVersions) for (const c of v.compatibilities) known.add(c.clusterVersion);
  }
  return known;
}

export function checkTarget(snapshot: EnvironmentSnapshot, target: string): Finding[] {
  const current = snapshot.cluster.version;
  const name = snapshot.cluster.name;
  const order = compareVersions(target, current);
  if (order < 0) {
    return [
      {
        code: 'TARGET_BELOW_CURRENT',
        severity: 'block',
        message: `Target ${target} is below the cluster's version ${current}; EKS does not downgrade (version rollback only returns to the previous minor within 7 days of an upgrade).`,
        resource: name,
      },
    ];
  }
  const findings: Finding[] = [];
  if (order === 0) {
    findings.push({
      code: 'TARGET_IS_CURRENT',
      severity: 'info',
      message: `The control plane is already at ${target}; the plan only brings add-ons and node groups to it.`,
      resource: name,
    });
  }
  const known = knownVersions(snapshot);
  if (known.size === 0) {
    findings.push({
      code: 'NO_COMPATIBILITY_DATA',
      severity: 'warn',
      message: `The snapshot has no add-on compatibility data, so it cannot confirm that EKS offers ${target}.`,
      resource: name,
    });
  } else if (!known.has(target)) {
    const newest = [...known].sort(compareVersions).at(-1);
    findings.push({
      code: 'TARGET_UNKNOWN',
      severity: 'block',
      message: `No add-on compatibility data lists Kubernetes ${target} (the newest known is ${newest}). Choose a version EKS offers or capture a fresh snapshot.`,
      resource: name,
    });
  }
  return findings;
}

/** Statuses in which EKS refuses a further update of that resource. */
const BUSY = new Set(['CREATING', 'UPDATING', 'DELETING']);

export function checkAddons(snapshot: EnvironmentSnapshot): Finding[] {
  const findings: Finding[] = [];
  for (const addon of snapshot.addons) {
    const name = addon.addonName;
    if (BUSY.has(addon.status)) {
      findings.push({
        code: 'ADDON_BUSY',
        severity: 'block',
        message: `Add-on ${name} is ${addon.status}; EKS refuses another update until it is done. Plan again when it is ACTIVE.`,
        resource: name,
      });
    } else if (addon.status !== 'ACTIVE') {
      findings.push({
        code: 'ADDON_NOT_ACTIVE',
        severity: 'warn',
        message: `Add-on ${name} is ${addon.status}; find out why before upgrading (its update may fail the same way).`,
        resource: name,
      });
    }
    for (const issue of addon.health?.issues ?? []) {
      findings.push({
        code: 'ADDON_HEALTH_ISSUE',
        severity: 'warn',
        message: `Add-on ${name}: ${issue.code ?? 'issue'}: ${(issue.message ?? 'no message').replace(/\.$/, '')}.`,
        resource: name,
      });
    }
  }
  return findings;
}
