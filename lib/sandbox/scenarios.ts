import { AgentError } from '../domain/errors';

/**
 * Fault scenarios: what the sandbox does differently from a healthy EKS. A scenario
 * is data (this file), chosen by name; the simulated EKS and the metrics reader
 * read it. Adding a scenario means adding an entry here, not code elsewhere.
 */

/** EKS's deprecated-API insight as the User Guide shows it: the text two scenarios share. */
const DEPRECATED_FLOWSCHEMAS = {
  name: 'Deprecated APIs removed in Kubernetes v{version}',
  description:
    'Checks for usage of deprecated APIs that are scheduled for removal in Kubernetes v{version}. Upgrading your cluster before migrating to the updated APIs supported by v{version} could cause application impact.',
} as const;

const DEPRECATED_FLOWSCHEMAS_FIX = {
  recommendation:
    'Update manifests and API clients to use newer Kubernetes APIs if applicable before upgrading to Kubernetes v{version}.',
  deprecatedUsage: {
    usage: '/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas',
    replacedWith: '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas',
    userAgent: 'kube-state-metrics/v2.9.2',
  },
} as const;

export const SCENARIO_NAMES = [
  'happy',
  'validation-failure',
  'eviction-failure',
  'busy',
  'throttled',
  'addon-conflict',
  'insight-error',
  'insight-later-hop',
  'no-data',
  'rollback-refused',
  'control-plane-regression',
  'nodegroup-regression',
  'canary-breach',
  'provision-failure',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The sandbox calls a scenario can throttle or count. */
export type SandboxOperation =
  | 'readSnapshot'
  | 'readInsights'
  | 'refreshInsights'
  | 'startStep'
  | 'describeUpdate'
  | 'startControlPlaneRollback'
  | 'createNodegroup'
  | 'deleteNodegroup'
  | 'describeNodegroup'
  | 'readValidationMetrics'
  | 'createCluster'
  | 'describeCluster'
  | 'deleteCluster'
  | 'createAddon'
  | 'describeAddon'
  | 'deleteAddon'
  | 'createFargateProfile'
  | 'describeFargateProfile'
  | 'deleteFargateProfile'
  | 'changeResourceRecordSets'
  | 'listResourceRecordSets'
  | 'checkWorkloads';

/** One metrics reading per window: null values with no samples mean "no data". */
export interface MetricProfile {
  readonly errorRate: number | null;
  readonly latencyP99Ms: number | null;
  readonly sampleCount: number;
}

/** Makes the updates of one kind of resource fail the way EKS reports it in DescribeUpdate. */
export interface UpdateFailureFault {
  /** `cluster`: the control plane's version update (EKS reverts it itself when its health checks fail). */
  readonly resource: 'nodegroup' | 'addon' | 'cluster';
  /** The node group or add-on to fail; every one of that kind when absent. */
  readonly name?: string;
  /** How DescribeUpdate ends it; default Failed. */
  readonly status?: 'Failed' | 'Cancelled';
  /** EKS's DescribeUpdate error code. */
  readonly code: string;
  /** The error message; `{name}` is replaced by the resource's name. */
  readonly message: string;
  /** Virtual minutes after the start at which the update fails, whatever its normal duration. */
  readonly afterMinutes: number;
  /** True when the request's `force` avoids the failure (UpdateNodegroupVersion's force ignores PDBs). */
  readonly bypassedByForce: boolean;
}

/**
 * An UPGRADE_READINESS insight added when the world is created, by default in ERROR
 * for the minor version after the cluster's. In strings, `{version}` is the version
 * it concerns and `{current}` the cluster's version.
 */
export interface ReadinessInsightFault {
  /** WARNING two minors ahead: EKS's status for a later version, ERROR once one minor below. */
  readonly status?: 'ERROR' | 'WARNING';
  /** How many minors above the cluster's version it concerns (default 1). */
  readonly minorsAhead?: number;
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly reason: string;
  readonly recommendation: string;
  readonly deprecatedUsage: {
    readonly usage: string;
    readonly replacedWith: string;
    readonly userAgent: string;
  };
}

/** A green cluster's node groups fail to create (blue/green): CREATE_FAILED with EKS's health issue. */
export interface ProvisionFailureFault {
  readonly code: string;
  /** `{name}` is replaced by the node group's name. */
  readonly message: string;
  readonly afterMinutes: number;
}

export interface Scenario {
  /** One of SCENARIO_NAMES, or a generated scenario's own name (the simulator's, lib/sandbox/sim). */
  readonly name: string;
  /** One line for `--help` and reports. */
  readonly summary: string;
  /** A platform update already InProgress when the world is created, for this many virtual minutes. */
  readonly platformUpdate?: { readonly minutes: number };
  /**
   * The first N calls of each listed operation throw ThrottlingException; so do the
   * calls whose numbers (1 for the first) `calls` lists.
   */
  readonly throttle?: {
    readonly firstCalls: Readonly<Partial<Record<SandboxOperation, number>>>;
    readonly calls?: Readonly<Partial<Record<SandboxOperation, readonly number[]>>>;
  };
  /**
   * The long tail of durations: the k-th update EKS accepts (0 first) takes this
   * many times its normal duration; 1 for updates past the list's end.
   */
  readonly durationScale?: readonly number[];
  readonly updateFailures: readonly UpdateFailureFault[];
  readonly readinessInsight?: ReadinessInsightFault;
  /**
   * A ROLLBACK_READINESS insight in ERROR from the start, for any version: EKS then
   * refuses a version rollback (InvalidStateException) unless forced.
   */
  readonly rollbackRefusal?: { readonly name: string; readonly reason: string };
  /** Blue/green: node groups created in a green cluster fail. */
  readonly provisionFailure?: ProvisionFailureFault;
  /** Deleting a node group: a PodDisruptionBudget holds the drain this many virtual minutes longer. */
  readonly drainHeldByPdbMinutes?: number;
  readonly metrics: {
    /** Before the control plane moves (and again after a rollback to the initial version). */
    readonly baseline: MetricProfile;
    /** Once the control plane (or, with `breachWhen: 'nodegroups'`, a node group) is above its initial version. */
    readonly afterUpgrade: MetricProfile;
    /** What has to move for `afterUpgrade` to apply; default the control plane. */
    readonly breachWhen?: 'control-plane' | 'nodegroups';
    /** A cluster created by the agent (blue/green's green); default the baseline. */
    readonly green?: MetricProfile;
    /** The k-th metrics read (0 first) gets this profile instead, when the list has one for it. */
    readonly byCall?: readonly (MetricProfile | null)[];
  };
}

const HEALTHY: MetricProfile = { errorRate: 0.002, latencyP99Ms: 180, sampleCount: 60 };
const BREACH: MetricProfile = { errorRate: 0.09, latencyP99Ms: 1200, sampleCount: 60 };
const NO_DATA: MetricProfile = { errorRate: null, latencyP99Ms: null, sampleCount: 0 };
const HEALTHY_METRICS = { baseline: HEALTHY, afterUpgrade: HEALTHY };

const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  happy: {
    name: 'happy',
    summary: 'Every update succeeds and the service stays healthy.',
    updateFailures: [],
    metrics: HEALTHY_METRICS,
  },
  'validation-failure': {
    name: 'validation-failure',
    summary: 'Updates succeed, but error rate and p99 latency breach once the control plane has moved.',
    updateFailures: [],
    metrics: { baseline: HEALTHY, afterUpgrade: BREACH },
  },
  'eviction-failure': {
    name: 'eviction-failure',
    summary:
      'A PodDisruptionBudget blocks eviction: node-group updates fail with PodEvictionFailure unless forced.',
    updateFailures: [
      {
        resource: 'nodegroup',
        code: 'PodEvictionFailure',
        // EKS's own wording; it gives up after the 15-minute eviction timeout.
        message: 'Reached max retries while trying to evict pods from nodes in node group {name}',
        afterMinutes: 17,
        bypassedByForce: true,
      },
    ],
    metrics: HEALTHY_METRICS,
  },
  busy: {
    name: 'busy',
    summary: 'AWS is patching the platform: every update is refused as in use until 5 virtual minutes pass.',
    platformUpdate: { minutes: 5 },
    updateFailures: [],
    metrics: HEALTHY_METRICS,
  },
  throttled: {
    name: 'throttled',
    summary:
      'The first calls of each EKS operation throw ThrottlingException (the AWS SDK would retry them).',
    throttle: {
      firstCalls: { readSnapshot: 2, startStep: 1, describeUpdate: 1, startControlPlaneRollback: 1 },
    },
    updateFailures: [],
    metrics: HEALTHY_METRICS,
  },
  'addon-conflict': {
    name: 'addon-conflict',
    summary: 'Add-on updates fail with ConfigurationConflict (fields edited outside EKS).',
    updateFailures: [
      {
        resource: 'addon',
        code: 'ConfigurationConflict',
        message:
          'Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts:\nConfigMap {name} - .data',
        afterMinutes: 1,
        bypassedByForce: false,
      },
    ],
    metrics: HEALTHY_METRICS,
  },
  'insight-error': {
    name: 'insight-error',
    summary:
      'A deprecated-API readiness insight is in ERROR for the next version: EKS refuses unless forced.',
    readinessInsight: {
      id: '6f1c1a3e-2b7d-4c55-9a0e-5d3b8f0e1a42',
      ...DEPRECATED_FLOWSCHEMAS,
      reason:
        'Deprecated API usage detected within last 30 days and your cluster is on Kubernetes v{current}.',
      ...DEPRECATED_FLOWSCHEMAS_FIX,
    },
    updateFailures: [],
    metrics: HEALTHY_METRICS,
  },
  'insight-later-hop': {
    name: 'insight-later-hop',
    summary:
      'A deprecated-API insight WARNs for the version two minors ahead; it turns to ERROR after the first hop, and execution stops before the second.',
    readinessInsight: {
      status: 'WARNING',
      minorsAhead: 2,
      id: '0c3e7d2a-91b4-4f6e-8a5d-7e2f1b9c4d63',
      ...DEPRECATED_FLOWSCHEMAS,
      reason: 'Deprecated API usage detected within the last 30 days.',
      ...DEPRECATED_FLOWSCHEMAS_FIX,
    },
    updateFailures: [],
    metrics: HEALTHY_METRICS,
  },
  'rollback-refused': {
    name: 'rollback-refused',
    summary:
      'Metrics breach once the control plane has moved, and a rollback-readiness insight in ERROR makes EKS refuse the version rollback.',
    rollbackRefusal: {
      name: 'Kubernetes API compatibility for rollback',
      reason:
        'Objects were stored through API versions that the previous Kubernetes version does not serve; rolling back would make them unreadable.',
    },
    updateFailures: [],
    metrics: { baseline: HEALTHY, afterUpgrade: BREACH },
  },
  'control-plane-regression': {
    name: 'control-plane-regression',
    summary:
      'Service metrics breach at the gate right after the first control-plane hop: the control plane is rolled back.',
    updateFailures: [],
    metrics: { baseline: HEALTHY, afterUpgrade: BREACH },
  },
  'nodegroup-regression': {
    name: 'nodegroup-regression',
    summary:
      'Service metrics breach once node groups run the new version: they are replaced at the previous one (a PodDisruptionBudget slows each drain by 10 minutes), then the control plane is rolled back.',
    drainHeldByPdbMinutes: 10,
    updateFailures: [],
    metrics: { baseline: HEALTHY, afterUpgrade: BREACH, breachWhen: 'nodegroups' },
  },
  'no-data': {
    name: 'no-data',
    summary:
      'Updates succeed but the metrics have no samples, so validation cannot call the cluster healthy.',
    updateFailures: [],
    metrics: { baseline: NO_DATA, afterUpgrade: NO_DATA },
  },
  'canary-breach': {
    name: 'canary-breach',
    summary:
      'Blue/green: the green cluster breaches error rate and p99 latency once it takes traffic; every in-place update succeeds.',
    updateFailures: [],
    metrics: { ...HEALTHY_METRICS, green: BREACH },
  },
  'provision-failure': {
    name: 'provision-failure',
    summary:
      "Blue/green: the green cluster's node groups fail to create (NodeCreationFailure); in-place updates succeed.",
    provisionFailure: {
      code: 'NodeCreationFailure',
      message: 'Instances failed to join the kubernetes cluster (node group {name})',
      afterMinutes: 12,
    },
    updateFailures: [],
    metrics: HEALTHY_METRICS,
  },
};

/** A scenario name that is not one of SCENARIO_NAMES. */
export class UnknownScenarioError extends AgentError {
  override readonly name = 'UnknownScenarioError';
  readonly retryable = false;
  constructor(readonly scenario: string) {
    super(`unknown sandbox scenario "${scenario}"; valid scenarios: ${SCENARIO_NAMES.join(', ')}`);
  }
}

export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

/**
 * The scenario called `name`.
 * @throws UnknownScenarioError listing the valid names.
 */
export function getScenario(name: string): Scenario {
  if (!isScenarioName(name)) throw new UnknownScenarioError(name);
  return SCENARIOS[name];
}

/** Every scenario, in SCENARIO_NAMES order (for `--help` and docs). */
export function listScenarios(): Scenario[] {
  return SCENARIO_NAMES.map((name) => SCENARIOS[name]);
}
