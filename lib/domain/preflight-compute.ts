import type { Finding, UpgradeRequest } from './plan-types';
import type { EnvironmentSnapshot } from './snapshot';
import { compareVersions, maxKubeletSkew, minorsBehind } from './version';

/** Statuses in which EKS refuses to start a node-group update. */
const BUSY = new Set(['CREATING', 'UPDATING', 'DELETING']);
/** Amazon Linux 2 AMIs are not published for Kubernetes 1.33 and later. */
const AL2_AMI_TYPES = new Set(['AL2_x86_64', 'AL2_x86_64_GPU', 'AL2_ARM_64']);
const LAST_AL2_VERSION = '1.32';

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
    if (ng.amiType && AL2_AMI_TYPES.has(ng.amiType) && compareVersions(target, LAST_AL2_VERSION) > 0) {
      findings.push({
        code: 'AMI_TYPE_UNSUPPORTED',
        severity: 'block',
        message: `Node group ${name} uses ${ng.amiType}; EKS publishes no Amazon Linux 2 AMIs after Kubernetes ${LAST_AL2_VERSION}, so it cannot reach ${target}. Replace it with an AL2023 or Bottlerocket node group first.`,
        resource: name,
      });
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

export function checkFargate(snapshot: EnvironmentSnapshot): Finding[] {
  if (snapshot.fargateProfiles.length === 0) return [];
  const names = snapshot.fargateProfiles.map((p) => p.fargateProfileName).join(', ');
  return [
    {
      code: 'FARGATE_PODS_RESTART',
      severity: 'info',
      message: `Fargate profile(s) ${names}: running Fargate pods keep their kubelet version until they are restarted; roll those workloads after the upgrade.`,
      resource: names,
    },
  ];
}

const STANDARD_PRICE = 0.1;
const EXTENDED_PRICE = 0.6;

/** What staying on the current version costs: extended support is ~6x the standard control-plane price. */
export function checkSupportAndCost(snapshot: EnvironmentSnapshot, request: UpgradeRequest): Finding[] {
  const { cluster } = snapshot;
  const info = snapshot.clusterVersions?.find((v) => v.clusterVersion === cluster.version);
  const endOfStandard = info?.endOfStandardSupportDate;
  const now = request.now;
  const cost = `about $${EXTENDED_PRICE.toFixed(2)} instead of $${STANDARD_PRICE.toFixed(2)} per cluster-hour`;
  if (endOfStandard && now && Date.parse(now) >= Date.parse(endOfStandard)) {
    return [
      {
        code: 'EXTENDED_SUPPORT_COST',
        severity: 'info',
        message: `Kubernetes ${cluster.version} left standard support on ${endOfStandard.slice(0, 10)}; the control plane is billed at extended-support rates (${cost}) until it is upgraded.`,
        resource: cluster.name,
      },
    ];
  }
  if (endOfStandard) {
    return [
      {
        code: 'STANDARD_SUPPORT_ENDS',
        severity: 'info',
        message: `Standard support for Kubernetes ${cluster.version} ends on ${endOfStandard.slice(0, 10)}; after that ${cluster.upgradePolicy?.supportType === 'STANDARD' ? 'EKS upgrades the cluster itself' : `the control plane costs ${cost}`}.`,
        resource: cluster.name,
      },
    ];
  }
  if (cluster.upgradePolicy?.supportType === 'EXTENDED') {
    return [
      {
        code: 'EXTENDED_SUPPORT_ENROLLED',
        severity: 'info',
        message: `The cluster is enrolled in extended support: once ${cluster.version} leaves standard support it costs ${cost}.`,
        resource: cluster.name,
      },
    ];
  }
  return [];
}
