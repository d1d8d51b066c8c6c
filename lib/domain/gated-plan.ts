import { nodegroupStepper } from './nodegroup-steps';
import type { GateStage, PlanningPolicy, UpgradePlan, UpgradeStep } from './plan-types';
import type { EnvironmentSnapshot } from './snapshot';
import { compareVersions, type KubernetesVersion } from './version';

/** kube-proxy follows the node groups of its hop: it moves after the canary gate, with the rest. */
const KUBE_PROXY = 'kube-proxy';

/**
 * The in-place plan in gated hops, so that every hop can be reverted while it is
 * the current one. Per hop N -> N+1:
 *   1. node groups still below N move to N (EKS requires node groups at the
 *      control-plane version before UpdateClusterVersion), add-ons move to
 *      versions that run on both minors (the planner's pre-hop moves);
 *   2. the control plane moves to N+1, add-ons that cannot run on N+1 follow it;
 *   3. gate `control-plane`;
 *   4. the canary node group (the smallest, then by name) moves to N+1, gate
 *      `canary` (when there are other node groups); kube-proxy and the other node
 *      groups move to N+1;
 *   5. gate `nodegroups`. The next hop starts only after it passes.
 * Add-on steps are the planner's, kept in their hop and order; node-group steps
 * are rebuilt here, since in this shape every node group follows every hop.
 * A plan without control-plane steps (add-ons only) is returned as it is.
 */
export function withGates(
  steps: readonly UpgradeStep[],
  snapshot: EnvironmentSnapshot,
  policy: PlanningPolicy,
): UpgradeStep[] {
  const hops = steps.filter((s) => s.kind === 'control-plane');
  if (hops.length === 0) return [...steps];
  const current = snapshot.cluster.version;
  const nodegroups = snapshot.nodegroups
    .filter((ng) => compareVersions(ng.version, current) <= 0)
    .sort(
      (a, b) =>
        (a.scalingConfig?.desiredSize ?? 0) - (b.scalingConfig?.desiredSize ?? 0) ||
        a.nodegroupName.localeCompare(b.nodegroupName),
    );
  const nodegroupSteps = nodegroupStepper(nodegroups, policy);
  const move = nodegroupSteps.move;
  const gate = (hop: KubernetesVersion, stage: GateStage): UpgradeStep => ({
    kind: 'gate',
    id: `gate:${hop}:${stage}`,
    stage,
    hop,
    from: hop,
    to: hop,
    estimatedMinutes: policy.gateSoakMinutes[stage],
  });

  const out: UpgradeStep[] = [];
  for (const cp of hops) {
    const hop = cp.hop;
    const own = steps.filter((s): s is AddonStep => s.hop === hop && s.kind === 'addon');
    const at = steps.indexOf(cp);
    // Stryker disable next-line EqualityOperator: an add-on step is never the control-plane step, so never at its index (equivalent)
    const before = own.filter((s) => steps.indexOf(s) < at);
    // Stryker disable next-line EqualityOperator: as above (equivalent)
    const after = own.filter((s) => steps.indexOf(s) > at);
    for (const ng of nodegroups) {
      if (compareVersions(nodegroupSteps.versionOf(ng), cp.from) < 0) {
        out.push(move(ng, hop, cp.from));
      }
    }
    out.push(...before, cp, ...after.filter((s) => !isKubeProxy(s)));
    out.push(gate(hop, 'control-plane'));
    const [canary, ...rest] = nodegroups;
    if (canary) out.push(move(canary, hop, hop));
    if (canary && rest.length > 0) out.push(gate(hop, 'canary'));
    const kubeProxy = after.filter(isKubeProxy);
    out.push(...kubeProxy, ...rest.map((ng) => move(ng, hop, hop)));
    if (canary || kubeProxy.length > 0) out.push(gate(hop, 'nodegroups'));
  }
  // Steps of no hop (none from today's planner) are kept, last: nothing is dropped silently.
  const leftover = steps.filter((s) => s.kind !== 'nodegroup' && !out.includes(s));
  return [...out, ...leftover];
}

type AddonStep = Extract<UpgradeStep, { kind: 'addon' }>;

function isKubeProxy(step: AddonStep): boolean {
  return step.name === KUBE_PROXY;
}

/**
 * The plan the agent executes: `reason`'s plan with its in-place steps in gated
 * hops (withGates) and the estimate recomputed. A blocked plan keeps its steps
 * gated too, so what a reviewer reads is what would run.
 */
export function gatePlan(
  plan: UpgradePlan,
  snapshot: EnvironmentSnapshot,
  policy: PlanningPolicy,
): UpgradePlan {
  if (plan.strategy !== 'in_place') return plan;
  const steps = withGates(plan.steps, snapshot, policy);
  return { ...plan, steps, estimatedMinutes: steps.reduce((sum, s) => sum + s.estimatedMinutes, 0) };
}
