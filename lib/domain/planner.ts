import { type AddonMove, planAddon } from './addon-steps';
import { greenAddonVersion, greenClusterName, sideBySideHours } from './blue-green';
import { nodegroupMinutes } from './estimates';
import { nodegroupStepper } from './nodegroup-steps';
import type { Finding, PlanningPolicy, UpgradeStep } from './plan-types';
import type { EnvironmentSnapshot, Nodegroup } from './snapshot';
import { compareVersions, hops, type KubernetesVersion, maxKubeletSkew, minorsBehind } from './version';

export interface StepsResult {
  readonly steps: UpgradeStep[];
  readonly findings: Finding[];
}

/**
 * In-place steps from the cluster's version to `target`:
 * for each hop, the node groups behind the control plane move to its version
 * (EKS refuses UpdateClusterVersion otherwise; with `nodegroupVersionRule:
 * 'kubelet-skew'` only those the hop would leave outside the kubelet skew), add-ons
 * that would not run on the hop move to a cross-compatible version, the control
 * plane moves one minor, late add-ons follow; after the last hop add-ons reach
 * EKS's default and every node group reaches the target.
 */
export function planInPlace(
  snapshot: EnvironmentSnapshot,
  target: KubernetesVersion,
  policy: PlanningPolicy,
): StepsResult {
  const current = snapshot.cluster.version as KubernetesVersion;
  const path: KubernetesVersion[] = [current, ...hops(current, target)];
  const findings: Finding[] = [];
  const addonMoves: AddonMove[] = [];
  const infoByName = new Map(snapshot.addonVersions.map((info) => [info.addonName, info]));
  for (const addon of snapshot.addons) {
    const result = planAddon(addon, infoByName.get(addon.addonName), path, policy);
    addonMoves.push(...result.moves);
    findings.push(...result.findings);
  }

  const nodegroups = snapshot.nodegroups.filter((ng) => compareVersions(ng.version, current) <= 0);
  const nodegroupSteps = nodegroupStepper(nodegroups, policy);
  const steps: UpgradeStep[] = [];
  const addonStep = (m: AddonMove): UpgradeStep => ({
    kind: 'addon',
    id: `addon:${m.name}:${m.to}`,
    name: m.name,
    hop: m.hop,
    from: m.from,
    to: m.to,
    estimatedMinutes: policy.durations.addonMinutes,
  });

  const movedOnlyToMatch = new Set<string>();
  for (let i = 1; i < path.length; i++) {
    const prev = path[i - 1] as KubernetesVersion;
    const hop = path[i] as KubernetesVersion;
    for (const ng of nodegroups) {
      const version = nodegroupSteps.versionOf(ng);
      const outsideSkew = minorsBehind(version, hop) > maxKubeletSkew(hop);
      const behind = compareVersions(version, prev) < 0;
      if (outsideSkew || (behind && policy.nodegroupVersionRule === 'match-control-plane')) {
        if (!outsideSkew) movedOnlyToMatch.add(ng.nodegroupName);
        steps.push(nodegroupSteps.move(ng, hop, prev));
      }
    }
    for (const m of addonMoves) if (m.hop === hop && m.when === 'pre-hop') steps.push(addonStep(m));
    steps.push({
      kind: 'control-plane',
      id: `control-plane:${hop}`,
      hop,
      from: prev,
      to: hop,
      estimatedMinutes: policy.durations.controlPlaneMinutes,
    });
    for (const m of addonMoves) if (m.hop === hop && m.when === 'post-hop') steps.push(addonStep(m));
  }
  if (path.length === 1) {
    for (const m of addonMoves) steps.push(addonStep(m));
  }
  for (const ng of nodegroups) {
    if (nodegroupSteps.versionOf(ng) !== target) steps.push(nodegroupSteps.move(ng, target, target));
  }
  if (movedOnlyToMatch.size > 0) findings.push(nodegroupRuleFinding([...movedOnlyToMatch], snapshot));
  return { steps, findings };
}

/** The documents disagree here, so the plan says which one it follows and how to choose the other. */
function nodegroupRuleFinding(names: readonly string[], snapshot: EnvironmentSnapshot): Finding {
  return {
    code: 'NODEGROUPS_MATCH_BEFORE_HOP',
    severity: 'info',
    message: `Node group(s) ${names.join(', ')} are updated to the control-plane version before each hop although the kubelet skew policy would allow them to trail it: EKS's UpdateClusterVersion reference requires all managed node groups to match the cluster's version ("Nodegroups X must be updated to match cluster version 1.N before updating cluster version"). The planning policy nodegroupVersionRule 'kubelet-skew' follows the User Guide's skew rule instead.`,
    resource: snapshot.cluster.name,
  };
}

/**
 * Blue/green steps: a green cluster at the target (its node groups, add-ons and
 * Fargate profiles created at the target from blue's configuration), traffic moved
 * in the configured weighted steps, each baked for the soak, then after the final
 * bake the blue cluster deleted. Add-on compatibility with the target is still
 * required, so it is checked here; so is a green name EKS accepts. The cost finding
 * says how long the two clusters run side by side.
 */
export function planBlueGreen(
  snapshot: EnvironmentSnapshot,
  target: KubernetesVersion,
  policy: PlanningPolicy,
): StepsResult {
  const current = snapshot.cluster.version;
  const blue = snapshot.cluster.name;
  const findings: Finding[] = [];
  let green: string;
  try {
    green = greenClusterName(blue, target, policy.blueGreen.namePattern);
  } catch (error) {
    green = `${blue}-${target.replace('.', '-')}`;
    findings.push({
      code: 'GREEN_NAME_INVALID',
      severity: 'block',
      message: error instanceof Error ? error.message : String(error),
      resource: blue,
    });
  }
  const infoByName = new Map(snapshot.addonVersions.map((info) => [info.addonName, info]));
  for (const addon of snapshot.addons) {
    if (greenAddonVersion(infoByName.get(addon.addonName), target) === undefined) {
      findings.push({
        code: 'ADDON_NO_TARGET_VERSION',
        severity: 'block',
        message: `${addon.addonName} has no version compatible with Kubernetes ${target} in the add-on compatibility data, so green cannot be created with it. Choose a target the add-on supports, or remove the add-on from blue first.`,
        resource: addon.addonName,
      });
    }
  }
  const nodeMinutes = Math.max(0, ...snapshot.nodegroups.map((ng) => nodegroupMinutes(ng, policy)));
  const provisionMinutes = policy.durations.provisionClusterMinutes + nodeMinutes;
  const steps: UpgradeStep[] = [
    {
      kind: 'provision-cluster',
      id: `provision-cluster:${green}`,
      name: green,
      hop: target,
      from: current,
      to: target,
      estimatedMinutes: provisionMinutes,
    },
  ];
  let sent = 0;
  for (const percentage of policy.trafficSteps) {
    steps.push({
      kind: 'shift-traffic',
      id: `shift-traffic:${green}:${percentage}`,
      name: green,
      hop: target,
      from: String(sent),
      to: String(percentage),
      estimatedMinutes: policy.blueGreen.soakMinutes,
    });
    sent = percentage;
  }
  steps.push({
    kind: 'decommission-cluster',
    id: `decommission-cluster:${blue}`,
    name: blue,
    hop: target,
    from: current,
    to: 'deleted',
    estimatedMinutes: policy.blueGreen.finalBakeMinutes + policy.durations.decommissionMinutes,
  });
  const hours = sideBySideHours({
    provisionMinutes,
    steps: policy.trafficSteps.length,
    soakSeconds: policy.blueGreen.soakMinutes * 60,
    finalBakeSeconds: policy.blueGreen.finalBakeMinutes * 60,
  });
  const nodes = snapshot.nodegroups.reduce((sum, ng) => sum + (ng.scalingConfig?.desiredSize ?? 0), 0);
  findings.push({
    code: 'BLUE_GREEN_SIDE_BY_SIDE',
    severity: 'info',
    message: `Blue ${blue} and green ${green} run side by side for about ${hours} h (provisioning, ${policy.trafficSteps.length} traffic steps of ${policy.blueGreen.soakMinutes} min, a final bake of ${policy.blueGreen.finalBakeMinutes} min): a second control plane (EKS: $0.10 per hour in standard support) and a second set of ${snapshot.nodegroups.length} node group(s) (${nodes} node(s) at their desired sizes) for that time.`,
    resource: green,
  });
  return { steps, findings };
}

/** Node groups skip planning when newer than the control plane; preflight blocks on them. */
export function nodegroupsAhead(snapshot: EnvironmentSnapshot): Nodegroup[] {
  return snapshot.nodegroups.filter((ng) => compareVersions(ng.version, snapshot.cluster.version) > 0);
}
