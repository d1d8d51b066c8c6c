import type { KubernetesVersion } from './version';

/** How the upgrade is carried out. */
export type Strategy = 'in_place' | 'blue_green';
export const STRATEGIES: readonly Strategy[] = ['in_place', 'blue_green'];

export type Severity = 'block' | 'warn' | 'info';

/** One preflight finding: what is wrong (or worth knowing) and what to do about it. */
export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** The resource the finding is about: a node group, an add-on, a subnet, an insight. */
  readonly resource?: string;
}

interface StepBase {
  /** Stable id within a plan; also the seed of the EKS clientRequestToken. */
  readonly id: string;
  /** The control-plane version this step belongs to (the hop it prepares, performs or follows). */
  readonly hop: KubernetesVersion;
  readonly from: string;
  readonly to: string;
  readonly estimatedMinutes: number;
}

/**
 * A plan step. A discriminated union: every switch over `kind` is exhaustive, so
 * adding a kind is a compile error wherever it is not handled yet.
 */
export type UpgradeStep =
  | (StepBase & { readonly kind: 'control-plane' })
  | (StepBase & { readonly kind: 'addon'; readonly name: string })
  | (StepBase & { readonly kind: 'nodegroup'; readonly name: string })
  /** blue/green: create the green cluster (name) at `to`. */
  | (StepBase & { readonly kind: 'provision-cluster'; readonly name: string })
  /** blue/green: move traffic from blue to green; from/to are percentages sent to green. */
  | (StepBase & { readonly kind: 'shift-traffic'; readonly name: string })
  /** blue/green: delete the old (blue) cluster `name`. */
  | (StepBase & { readonly kind: 'decommission-cluster'; readonly name: string })
  /**
   * A bake gate: the plan goes on only once the cluster has served for the stage's
   * soak within its service levels and is healthy (from/to: the hop's version).
   */
  | (StepBase & { readonly kind: 'gate'; readonly stage: GateStage });

/** Where a gate stands in its hop: after the control plane, after the canary node group, after every node group. */
export type GateStage = 'control-plane' | 'canary' | 'nodegroups';
export const GATE_STAGES: readonly GateStage[] = ['control-plane', 'canary', 'nodegroups'];

export type StepKind = UpgradeStep['kind'];

/** Compile-time exhaustiveness check for switches over unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}

/** What the operator asked for, validated at the edge. */
export interface UpgradeRequest {
  readonly targetVersion: string;
  readonly strategy: Strategy;
  /** Like EKS's own `force`: turns failing readiness insights into warnings. */
  readonly force: boolean;
  /** The current time as data (ISO string); the core never reads the clock. */
  readonly now?: string;
}

/**
 * Where EKS's documents disagree on node-group versions before a control-plane hop:
 * - `match-control-plane` (default, the stricter): UpdateClusterVersion's API reference,
 *   "all of your node groups' Kubernetes versions must match the cluster's Kubernetes
 *   version in order to update the cluster", which EKS enforces with
 *   "Nodegroups X must be updated to match cluster version 1.N before updating cluster version";
 * - `kubelet-skew`: the User Guide's and Best Practices' kubelet skew (3 minors from 1.28,
 *   2 before): node groups move only when a hop would leave them outside it.
 */
export type NodegroupVersionRule = 'match-control-plane' | 'kubelet-skew';

/**
 * Where EKS's documents disagree on add-on updates:
 * - `every-addon` (default, the stricter): Best Practices, "Amazon EKS Add-ons may only be
 *   upgraded one minor version at a time";
 * - `vpc-cni-only`: the User Guide names the one-minor rule for the Amazon VPC CNI only.
 */
export type AddonMinorRule = 'every-addon' | 'vpc-cni-only';

/** Tunables of the planner; defaults in DEFAULT_POLICY. */
export interface PlanningPolicy {
  /**
   * EKS needs "up to five available IP addresses" for a control-plane update and may put
   * the new network interfaces "in any of the subnets that you specified": each cluster
   * subnet is judged on its own, and at least two Availability Zones need one such subnet.
   */
  readonly minFreeIps: number;
  readonly nodegroupVersionRule: NodegroupVersionRule;
  readonly addonMinorRule: AddonMinorRule;
  /** EKS refreshes an insight 24 hours after its last refresh; older ones are reported stale. */
  readonly insightMaxAgeHours: number;
  readonly durations: {
    /** Field reports: 20-25 minutes per control-plane hop. */
    readonly controlPlaneMinutes: number;
    readonly addonMinutes: number;
    /** About 5 minutes per node at maxUnavailable = 1. */
    readonly minutesPerNode: number;
    readonly provisionClusterMinutes: number;
    readonly shiftTrafficMinutes: number;
    readonly decommissionMinutes: number;
  };
  /** blue/green: percentages of traffic sent to green, in order (configuration `blueGreen/weights`). */
  readonly trafficSteps: readonly number[];
  /** blue/green: green's name pattern, each step's soak and the final bake (configuration `blueGreen/*`). */
  readonly blueGreen: {
    readonly namePattern: string;
    readonly soakMinutes: number;
    readonly finalBakeMinutes: number;
  };
  /** Soak of each gate stage, for estimates (the configuration's `validation/gates/*` decides at run time). */
  readonly gateSoakMinutes: Readonly<Record<GateStage, number>>;
}

export const DEFAULT_POLICY: PlanningPolicy = {
  minFreeIps: 5,
  nodegroupVersionRule: 'match-control-plane',
  addonMinorRule: 'every-addon',
  insightMaxAgeHours: 24,
  durations: {
    controlPlaneMinutes: 25,
    addonMinutes: 3,
    minutesPerNode: 5,
    provisionClusterMinutes: 20,
    shiftTrafficMinutes: 15,
    decommissionMinutes: 15,
  },
  trafficSteps: [10, 25, 50, 100],
  blueGreen: { namePattern: '{blue}-{target}', soakMinutes: 10, finalBakeMinutes: 60 },
  gateSoakMinutes: { 'control-plane': 5, canary: 2, nodegroups: 5 },
};

export type Verdict = 'ready' | 'blocked';

/** The reasoning phase's answer: the plan command prints it, the state machine acts on it. */
export interface UpgradePlan {
  readonly cluster: string;
  readonly currentVersion: string;
  readonly targetVersion: string;
  readonly strategy: Strategy;
  readonly verdict: Verdict;
  readonly findings: readonly Finding[];
  readonly steps: readonly UpgradeStep[];
  readonly estimatedMinutes: number;
}
