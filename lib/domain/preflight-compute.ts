import type { Finding, UpgradeRequest } from './plan-types';
import type { EnvironmentSnapshot } from './snapshot';
import { compareVersions, maxKubeletSkew, minorsBehind } from './version';

/** Statuses in which EKS refuses to start a node-group update. */
const BUSY = new Set(['CREATING', 'UPDATING', 'DELETING']);
/**
 * Amazon Linux 2: "AWS is not releasing an EKS-optimized Amazon Linux 2 AMI for
 * Kubernetes 1.33" (User Guide, release notes), and the AL2 EKS-optimized AMIs
 * "have reached end of support" on November 26, 2025 (awslabs/amazon-eks-ami#2545):
 * no new AL2 AMIs at any version, none at all past 1.32.
 */
const AL2_AMI_TYPES = new Set(['AL2_x86_64', 'AL2_x86_64_GPU', 'AL2_ARM_64']);
const LAST_AL2_VERSION = '1.32';
const AL2_END_OF_SUPPORT = '2025-11-26';

/** Node groups: state, health, skew, and AMI types that cannot reach the target. */
export function checkNodegroups(snapshot: EnvironmentSnapshot, target: string): Finding[] {
  const cp = snapshot.cluster.version;
  const findings: Finding[] = [];
  for (const ng of snapshot.nodegroups) {
    const name = ng.nodegroupName;
    if (BUSY.has(ng.status)) {
      findings.push({
        code: 'NODEGROUP_BUSY',
        severity: 'block',
        message: `Node group ${name} is ${ng.status}; EKS refuses another update until it is done.`,
        resource: name,
      });
    } else if (ng.status !== 'ACTIVE') {
      findings.push({
        code: 'NODEGROUP_NOT_ACTIVE',
        severity: 'warn',
        message: `Node group ${name} is ${ng.status}; its update may fail. Check its health issues first.`,
        resource: name,
      });
    }
    for (const issue of ng.health?.issues ?? []) {
      findings.push({
        code: 'NODEGROUP_HEALTH_ISSUE',
        severity: 'warn',
        message: `Node group ${name}: ${issue.code ?? 'issue'}: ${issue.message ?? 'no message'}.`,
        resource: name,
      });
    }
    const behind = minorsBehind(ng.version, cp);
    if (behind < 0) {
      findings.push({
        code: 'NODEGROUP_AHEAD_OF_CONTROL_PLANE',
        severity: 'block',
        message: `Node group ${name} reports ${ng.version}, newer than the control plane ${cp}; kubelets may not be newer than the API server. Check the snapshot.`,
        resource: name,
      });
    } else if (behind > 0) {
      findings.push({
        code: 'KUBELET_SKEW',
        severity: behind > maxKubeletSkew(cp) ? 'warn' : 'info',
        message: `Node group ${name} is at ${ng.version}, ${behind} minor version(s) behind the control plane ${cp} (allowed: ${maxKubeletSkew(cp)}).`,
        resource: name,
      });
    }
    if (ng.amiType && AL2_AMI_TYPES.has(ng.amiType)) {
      findings.push(
        compareVersions(target, LAST_AL2_VERSION) > 0
          ? {
              code: 'AMI_TYPE_UNSUPPORTED',
              severity: 'block',
              message: `Node group ${name} uses ${ng.amiType}; EKS publishes no Amazon Linux 2 AMIs after Kubernetes ${LAST_AL2_VERSION}, so it cannot reach ${target}. Replace it with an AL2023 or Bottlerocket node group first.`,
              resource: name,
            }
          : {
              code: 'AMI_TYPE_AL2_END_OF_SUPPORT',
              severity: 'warn',
              message: `Node group ${name} uses ${ng.amiType}: EKS-optimized Amazon Linux 2 AMIs reached end of support on ${AL2_END_OF_SUPPORT} and no new ones are published, so its update to ${target} gets an AMI without further security fixes. Plan its replacement with an AL2023 or Bottlerocket node group.`,
              resource: name,
            },
      );
    }
    if (ng.amiType === 'CUSTOM') {
      findings.push({
        code: 'NODEGROUP_CUSTOM_AMI',
        severity: 'block',
        message: `Node group ${name} runs a custom AMI from its launch template; EKS cannot pick its AMI for a version. Publish a launch template version with an AMI for ${target} and update the node group to it.`,
        resource: name,
      });
    }
  }
  return findings;
}

/**
 * Fargate pods keep the kubelet they started with. The User Guide ("Update existing
 * cluster to new Kubernetes version") has them restarted before the control-plane
 * update: "If you have Fargate nodes with a minor version lower than the control plane
 * version, first delete the Pod that's represented by the node. Then update your
 * control plane." The Best Practices guide restarts them after it ("Restart Fargate
 * deployments after upgrading the control plane"). The agent follows the User Guide
 * (the stricter order: no pod trails the control plane by two minors mid-plan) and
 * cannot restart pods itself, so a person must (warn).
 */
export function checkFargate(snapshot: EnvironmentSnapshot, hops: readonly string[]): Finding[] {
  if (snapshot.fargateProfiles.length === 0) return [];
  const names = snapshot.fargateProfiles.map((p) => p.fargateProfileName).join(', ');
  const cp = snapshot.cluster.version;
  const when =
    hops.length === 0
      ? `they run an older kubelet than the control plane ${cp} until restarted`
      : `before each control-plane update (${hops.map((h) => `to ${h}`).join(', ')}), restart the pods whose kubelet is older than the control plane, then once more after the last hop`;
  return [
    {
      code: 'FARGATE_PODS_RESTART',
      severity: 'warn',
      message: `Fargate profile(s) ${names}: running Fargate pods keep the kubelet version they started with; ${when}. The agent cannot restart pods: roll those workloads yourself (the User Guide's order; the Best Practices guide restarts them only after the control-plane update).`,
      resource: names,
    },
  ];
}

const STANDARD_PRICE = 0.1;
const EXTENDED_PRICE = 0.6;

/**
 * Support and what staying costs. `upgradePolicy.supportType` absent means EXTENDED
 * ("The default value is EXTENDED", API reference UpgradePolicyRequest). EXTENDED: the
 * cluster enters extended support (about 6x the control-plane price) at the end of
 * standard support, and "You can't disable extended support once your cluster has
 * entered it"; STANDARD: EKS upgrades it at the end of standard support. At the end of
 * extended support EKS upgrades the cluster itself (Best Practices: clusters past
 * "their 26-month lifecycle ... will be auto-upgraded to the next version").
 */
export function checkSupportAndCost(snapshot: EnvironmentSnapshot, request: UpgradeRequest): Finding[] {
  const { cluster } = snapshot;
  const info = snapshot.clusterVersions?.find((v) => v.clusterVersion === cluster.version);
  const endOfStandard = info?.endOfStandardSupportDate;
  const endOfExtended = info?.endOfExtendedSupportDate;
  const explicit = cluster.upgradePolicy?.supportType;
  const supportType = explicit ?? 'EXTENDED';
  const policyText = explicit ? `upgrade policy ${explicit}` : 'no upgrade policy (EXTENDED, the default)';
  // Without a clock or a date the comparison is with NaN, which is false: nothing has passed.
  // Stryker disable next-line StringLiteral: any text that is not a date parses as NaN alike (equivalent)
  const now = Date.parse(request.now ?? '');
  // Stryker disable next-line StringLiteral: as above (equivalent)
  const passed = (date: string | undefined): date is string => now >= Date.parse(date ?? '');
  const day = (date: string) => date.slice(0, 10);
  const cost = `about $${EXTENDED_PRICE.toFixed(2)} instead of $${STANDARD_PRICE.toFixed(2)} per cluster-hour`;
  const finding = (code: string, severity: Finding['severity'], message: string): Finding[] => [
    { code, severity, message, resource: cluster.name },
  ];
  if (supportType === 'STANDARD' && passed(endOfStandard)) {
    return finding(
      'STANDARD_SUPPORT_ENDED',
      'warn',
      `Kubernetes ${cluster.version} left standard support on ${day(endOfStandard)} and the cluster has ${policyText}: EKS upgrades it to the next version itself, at a time of its choosing. Upgrade now, in a window you choose.`,
    );
  }
  if (passed(endOfExtended)) {
    return finding(
      'EXTENDED_SUPPORT_ENDED',
      'warn',
      `Kubernetes ${cluster.version} reached the end of extended support on ${day(endOfExtended)}: EKS upgrades such a cluster to the next version itself, at a time of its choosing. Upgrade now, in a window you choose.`,
    );
  }
  if (passed(endOfStandard)) {
    return finding(
      'EXTENDED_SUPPORT_COST',
      'info',
      `Kubernetes ${cluster.version} left standard support on ${day(endOfStandard)}; with ${policyText} the control plane is billed at extended-support rates (${cost}) until it is upgraded, and extended support cannot be turned off once entered.${endOfExtended ? ` When it ends, on ${day(endOfExtended)}, EKS upgrades the cluster to the next version itself.` : ''}`,
    );
  }
  if (endOfStandard !== undefined) {
    const after =
      supportType === 'STANDARD'
        ? 'EKS upgrades the cluster to the next version itself'
        : `the cluster enters extended support (${cost})${endOfExtended ? ` until ${day(endOfExtended)}, when EKS upgrades it itself` : ''}`;
    return finding(
      'STANDARD_SUPPORT_ENDS',
      'info',
      `Standard support for Kubernetes ${cluster.version} ends on ${day(endOfStandard)}; with ${policyText}, after that ${after}.`,
    );
  }
  if (supportType === 'EXTENDED') {
    return finding(
      'EXTENDED_SUPPORT_ENROLLED',
      'info',
      `The cluster has ${policyText}: once ${cluster.version} leaves standard support it costs ${cost}, and extended support cannot be turned off once entered.`,
    );
  }
  return [];
}
