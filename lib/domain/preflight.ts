import type { Finding, PlanningPolicy, UpgradeRequest } from './plan-types';
import type { EnvironmentSnapshot, Insight } from './snapshot';
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
  if (target.split('.')[0] !== current.split('.')[0]) {
    return [
      {
        code: 'TARGET_MAJOR_CHANGE',
        severity: 'block',
        message: `Target ${target} changes the major version from ${current}; EKS has no such upgrade path.`,
        resource: name,
      },
    ];
  }
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

function describeDeprecations(insight: Insight): string {
  const details = insight.categorySpecificSummary?.deprecationDetails ?? [];
  const parts = details.map((d) => {
    const clients = (d.clientStats ?? [])
      .map(
        (c) => `${c.userAgent ?? 'unknown client'} (${c.numberOfRequestsLast30Days ?? 0} calls in 30 days)`,
      )
      .join(', ');
    const replacement = d.replacedWith ? `; use ${d.replacedWith}` : '';
    const removed = d.stopServingVersion ? ` removed in ${d.stopServingVersion}` : '';
    return `${d.usage ?? 'a deprecated API'}${removed}${replacement}${clients ? `; still called by ${clients}` : ''}`;
  });
  return parts.length > 0 ? ` ${parts.join(' | ')}.` : '';
}

/**
 * UPGRADE_READINESS insights for the versions the plan passes through:
 * ERROR blocks (EKS refuses UpdateClusterVersion without `force`) unless the
 * request forces; WARNING warns; UNKNOWN asks for a refresh.
 */
export function checkInsights(
  snapshot: EnvironmentSnapshot,
  versions: readonly string[],
  request: UpgradeRequest,
): Finding[] {
  const findings: Finding[] = [];
  for (const insight of snapshot.insights) {
    if (insight.category !== 'UPGRADE_READINESS') continue;
    const version = insight.kubernetesVersion;
    if (version !== undefined && !versions.includes(version)) continue;
    const title = `${insight.name ?? insight.id}${version ? ` (for ${version})` : ''}`;
    const why = insight.insightStatus.reason ? ` ${insight.insightStatus.reason}` : '';
    const advice = insight.recommendation ? ` ${insight.recommendation}` : '';
    const deprecations = describeDeprecations(insight);
    switch (insight.insightStatus.status) {
      case 'ERROR':
        findings.push({
          code: 'INSIGHT_ERROR',
          severity: request.force ? 'warn' : 'block',
          message: `Upgrade insight ${title} is failing.${why}${deprecations}${advice}${request.force ? ' Forced: EKS is told to proceed anyway.' : ' Fix it, or pass --force to override as EKS allows.'}`,
          resource: insight.id,
        });
        break;
      case 'WARNING':
        findings.push({
          code: 'INSIGHT_WARNING',
          severity: 'warn',
          message: `Upgrade insight ${title} warns.${why}${deprecations}${advice}`,
          resource: insight.id,
        });
        break;
      case 'UNKNOWN':
        findings.push({
          code: 'INSIGHT_UNKNOWN',
          severity: 'info',
          message: `Upgrade insight ${title} has no result yet; refresh insights (StartInsightsRefresh) before upgrading.`,
          resource: insight.id,
        });
        break;
      case 'PASSING':
        break;
    }
  }
  return findings;
}

/** EKS needs up to 5 free IP addresses in the cluster's subnets for a control-plane update. */
export function checkSubnets(snapshot: EnvironmentSnapshot, policy: PlanningPolicy): Finding[] {
  const ids = snapshot.cluster.resourcesVpcConfig.subnetIds;
  const byId = new Map(snapshot.subnets.map((s) => [s.SubnetId, s]));
  const missing = ids.filter((id) => !byId.has(id));
  const findings: Finding[] = [];
  if (missing.length > 0) {
    findings.push({
      code: 'SUBNET_DATA_MISSING',
      severity: 'warn',
      message: `No DescribeSubnets data for cluster subnet(s) ${missing.join(', ')}: their free IP addresses are not checked.`,
      resource: missing.join(','),
    });
  }
  const known = ids.flatMap((id) => byId.get(id) ?? []);
  if (known.length === 0) return findings;
  const free = known.reduce((sum, s) => sum + s.AvailableIpAddressCount, 0);
  if (free < policy.minFreeIps) {
    findings.push({
      code: 'SUBNET_FREE_IPS',
      severity: 'block',
      message: `The cluster subnets have ${free} free IP address(es); EKS needs up to ${policy.minFreeIps} to update the control plane (else InsufficientFreeAddresses). Free addresses or add subnets with UpdateClusterConfig.`,
      resource: known.map((s) => s.SubnetId).join(','),
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
