import type { MetricProfile, SandboxOperation, Scenario, UpdateFailureFault } from '../scenarios';
import type { Prng } from './prng';
import type { ClusterShape } from './shape';

/**
 * A seed's fault schedule over the whole fault space: what the simulated EKS does
 * (a generated scenario: lib/sandbox keeps EKS's faults), and what happens around the
 * Lambda boundary, on the bus and to the process (the harness injects those).
 */

/** DescribeUpdate's documented error codes (EKS API reference, ErrorDetail). */
export const UPDATE_ERROR_CODES = [
  'AccessDenied',
  'AdmissionRequestDenied',
  'ClusterUnreachable',
  'ConfigurationConflict',
  'EniLimitReached',
  'InsufficientFreeAddresses',
  'InsufficientNumberOfReplicas',
  'IpNotAvailable',
  'K8sResourceNotFound',
  'NodeCreationFailure',
  'OperationNotPermitted',
  'PodEvictionFailure',
  'SecurityGroupNotFound',
  'SubnetNotFound',
  'Unknown',
  'UnsupportedAddonModification',
  'VpcIdNotFound',
] as const;

/** Errors a Lambda invocation can end with besides the function's own: retried by the ASL, or not. */
const LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.TooManyRequestsException',
  'Runtime.ExitError',
] as const;
const FUNCTIONS = ['perception', 'reasoning', 'execution', 'validation', 'rollback', 'trigger'] as const;
const RULES = ['upgrade-trigger', 'rollback-automation', 'notifications', 'audit'] as const;
const THROTTLED: readonly SandboxOperation[] = [
  'readSnapshot',
  'readInsights',
  'startStep',
  'describeUpdate',
  'startControlPlaneRollback',
  'createNodegroup',
  'deleteNodegroup',
  'describeNodegroup',
  'readValidationMetrics',
];

export type BoundaryFault =
  /** The function's n-th invocation (1 first) fails: before its work (no side effect) or after it (the response is lost). */
  | {
      readonly kind: 'lambda-crash';
      readonly fn: string;
      readonly nth: number;
      readonly when: 'before' | 'after';
      readonly error: string;
    }
  /** The invocation does its work, then Step Functions gives up waiting (States.Timeout). */
  | { readonly kind: 'lambda-timeout'; readonly fn: string; readonly nth: number }
  /** The rule's n-th delivery reaches its target twice. */
  | { readonly kind: 'bus-duplicate'; readonly rule: string; readonly nth: number }
  /** The rule's n-th delivery is held and arrives after everything else (after the execution ended). */
  | { readonly kind: 'bus-late'; readonly rule: string; readonly nth: number }
  /** The rule's n-th delivery arrives after the rule's next one. */
  | { readonly kind: 'bus-out-of-order'; readonly rule: string; readonly nth: number }
  /** The target fails `attempts` attempts of the rule's n-th delivery (3: all of them, into the DLQ). */
  | {
      readonly kind: 'bus-delivery-failure';
      readonly rule: string;
      readonly nth: number;
      readonly attempts: number;
    }
  /** The n-th PutEvents call accepts its first `accepted` entries and fails the rest. */
  | { readonly kind: 'putevents-partial-failure'; readonly nth: number; readonly accepted: number }
  /** The process dies around the n-th function invocation (any function) and a --keep-state run resumes. */
  | { readonly kind: 'process-kill'; readonly nth: number; readonly when: 'before' | 'after' }
  /** The same upgrade.requested is put again after the n-th function invocation. */
  | { readonly kind: 'duplicate-request'; readonly nth: number }
  /** Another request (new request id) for the same cluster is put after the n-th invocation. */
  | { readonly kind: 'second-request'; readonly nth: number };

/** The EKS and metrics faults, named by kind for the figures (the scenario carries them). */
export type EksFault =
  | { readonly kind: 'eks-update-failure'; readonly fault: UpdateFailureFault }
  | { readonly kind: 'eks-busy'; readonly minutes: number }
  | {
      readonly kind: 'eks-throttling';
      readonly operation: SandboxOperation;
      readonly calls: readonly number[];
    }
  | {
      readonly kind: 'eks-readiness-insight';
      readonly status: 'ERROR' | 'WARNING';
      readonly minorsAhead: number;
    }
  | { readonly kind: 'eks-slow-update'; readonly index: number; readonly factor: number }
  | { readonly kind: 'eks-rollback-refusal' }
  | { readonly kind: 'metrics-breach'; readonly read: number }
  | { readonly kind: 'metrics-missing'; readonly read: number };

export type Fault = BoundaryFault | EksFault;

export interface FaultSchedule {
  readonly faults: readonly Fault[];
  readonly scenario: Scenario;
}

const HEALTHY: MetricProfile = { errorRate: 0.002, latencyP99Ms: 180, sampleCount: 60 };
const BREACH: MetricProfile = { errorRate: 0.09, latencyP99Ms: 1200, sampleCount: 60 };
const NO_DATA: MetricProfile = { errorRate: null, latencyP99Ms: null, sampleCount: 0 };

/** 0 to 4 faults (a seed in ten has none: the baseline must hold too), each from the whole space. */
export function drawFaults(prng: Prng, shape: ClusterShape): FaultSchedule {
  const count = prng.chance(0.1) ? 0 : prng.pick([1, 1, 2, 2, 3, 4]);
  const faults: Fault[] = [];
  for (let i = 0; i < count; i++) faults.push(drawOne(prng, shape));
  return { faults, scenario: scenarioFor(faults) };
}

function drawOne(prng: Prng, shape: ClusterShape): Fault {
  const nodegroups = shape.snapshot.nodegroups.map((ng) => ng.nodegroupName);
  const addons = shape.snapshot.addons.map((a) => a.addonName);
  const family = prng.pick([
    'eks',
    'eks',
    'lambda',
    'lambda',
    'bus',
    'bus',
    'process',
    'metrics',
    'request',
  ] as const);
  switch (family) {
    case 'eks': {
      const kind = prng.pick([
        'failure',
        'failure',
        'busy',
        'throttling',
        'insight',
        'slow',
        'refusal',
      ] as const);
      if (kind === 'failure') {
        const resource = prng.pick(['nodegroup', 'addon', 'cluster'] as const);
        const names =
          resource === 'nodegroup'
            ? nodegroups
            : resource === 'addon'
              ? addons
              : [shape.snapshot.cluster.name];
        const name = names.length > 0 ? prng.pick(names) : shape.snapshot.cluster.name;
        const code = prng.pick(UPDATE_ERROR_CODES);
        return {
          kind: 'eks-update-failure',
          fault: {
            resource,
            name,
            status: prng.chance(0.2) ? 'Cancelled' : 'Failed',
            code,
            message: `simulated ${code} on {name}`,
            afterMinutes: prng.int(1, 40),
            bypassedByForce: code === 'PodEvictionFailure',
          },
        };
      }
      if (kind === 'busy') return { kind: 'eks-busy', minutes: prng.int(1, 90) };
      if (kind === 'throttling') {
        const calls = [...new Set([prng.int(1, 6), prng.int(1, 12)])].sort((a, b) => a - b);
        return { kind: 'eks-throttling', operation: prng.pick(THROTTLED), calls };
      }
      if (kind === 'insight') {
        return prng.chance(0.5)
          ? { kind: 'eks-readiness-insight', status: 'ERROR', minorsAhead: 1 }
          : { kind: 'eks-readiness-insight', status: 'WARNING', minorsAhead: 2 };
      }
      if (kind === 'slow')
        return {
          kind: 'eks-slow-update',
          index: prng.int(0, 8),
          factor: Number(prng.longTail(1.2, 8).toFixed(2)),
        };
      return { kind: 'eks-rollback-refusal' };
    }
    case 'metrics':
      return prng.chance(0.6)
        ? { kind: 'metrics-breach', read: prng.int(0, 6) }
        : { kind: 'metrics-missing', read: prng.int(0, 6) };
    case 'lambda': {
      const fn = prng.pick(FUNCTIONS);
      const nth = prng.int(1, fn === 'execution' ? 20 : 3);
      if (prng.chance(0.25)) return { kind: 'lambda-timeout', fn, nth };
      return {
        kind: 'lambda-crash',
        fn,
        nth,
        when: prng.pick(['before', 'after'] as const),
        error: prng.pick(LAMBDA_ERRORS),
      };
    }
    case 'bus': {
      const rule = prng.pick(RULES);
      const nth = prng.int(1, rule === 'audit' ? 30 : 3);
      const kind = prng.pick(['duplicate', 'late', 'out-of-order', 'failure', 'putevents'] as const);
      if (kind === 'duplicate') return { kind: 'bus-duplicate', rule, nth };
      if (kind === 'late') return { kind: 'bus-late', rule, nth };
      if (kind === 'out-of-order') return { kind: 'bus-out-of-order', rule, nth };
      if (kind === 'failure') return { kind: 'bus-delivery-failure', rule, nth, attempts: prng.int(1, 3) };
      return { kind: 'putevents-partial-failure', nth: prng.int(1, 30), accepted: prng.int(0, 1) };
    }
    case 'process':
      return { kind: 'process-kill', nth: prng.int(1, 30), when: prng.pick(['before', 'after'] as const) };
    case 'request':
      return prng.chance(0.5)
        ? { kind: 'duplicate-request', nth: prng.int(1, 25) }
        : { kind: 'second-request', nth: prng.int(1, 25) };
  }
}

/** The generated scenario: the EKS and metrics faults as data the simulated EKS reads. */
function scenarioFor(faults: readonly Fault[]): Scenario {
  const updateFailures: UpdateFailureFault[] = [];
  const throttle: Partial<Record<SandboxOperation, number[]>> = {};
  const durationScale: number[] = [];
  const byCall: (MetricProfile | null)[] = [];
  let platformUpdate: { minutes: number } | undefined;
  let readinessInsight: Scenario['readinessInsight'];
  let rollbackRefusal: Scenario['rollbackRefusal'];
  for (const f of faults) {
    switch (f.kind) {
      case 'eks-update-failure':
        updateFailures.push(f.fault);
        break;
      case 'eks-busy':
        platformUpdate = { minutes: f.minutes };
        break;
      case 'eks-throttling':
        throttle[f.operation] = [...new Set([...(throttle[f.operation] ?? []), ...f.calls])];
        break;
      case 'eks-readiness-insight':
        readinessInsight = {
          status: f.status,
          minorsAhead: f.minorsAhead,
          id: 'sim-readiness-insight',
          name: 'Deprecated APIs removed in Kubernetes v{version}',
          description:
            'Checks for usage of deprecated APIs that are scheduled for removal in Kubernetes v{version}.',
          reason: 'Deprecated API usage detected within the last 30 days.',
          recommendation: 'Update manifests and API clients before upgrading to Kubernetes v{version}.',
          deprecatedUsage: {
            usage: '/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas',
            replacedWith: '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas',
            userAgent: 'kube-state-metrics/v2.9.2',
          },
        };
        break;
      case 'eks-slow-update':
        while (durationScale.length <= f.index) durationScale.push(1);
        durationScale[f.index] = f.factor;
        break;
      case 'eks-rollback-refusal':
        rollbackRefusal = {
          name: 'Kubernetes API compatibility for rollback',
          reason: 'Objects stored through API versions the previous version does not serve.',
        };
        break;
      case 'metrics-breach':
      case 'metrics-missing':
        while (byCall.length <= f.read) byCall.push(null);
        byCall[f.read] = f.kind === 'metrics-breach' ? BREACH : NO_DATA;
        break;
      default:
        break;
    }
  }
  return {
    name: 'simulated',
    summary: 'A simulator seed: the EKS and metrics faults its schedule drew.',
    updateFailures,
    ...(platformUpdate ? { platformUpdate } : {}),
    ...(Object.keys(throttle).length > 0 ? { throttle: { firstCalls: {}, calls: throttle } } : {}),
    ...(durationScale.length > 0 ? { durationScale } : {}),
    ...(readinessInsight ? { readinessInsight } : {}),
    ...(rollbackRefusal ? { rollbackRefusal } : {}),
    metrics: { baseline: HEALTHY, afterUpgrade: HEALTHY, ...(byCall.length > 0 ? { byCall } : {}) },
  };
}

/** One line naming a fault, for the trail and the reproduction. */
export function describeFault(f: Fault): string {
  const { kind, ...rest } = f;
  const detail = Object.entries(
    kind === 'eks-update-failure' ? (rest as { fault: UpdateFailureFault }).fault : rest,
  )
    .filter(([k]) => k !== 'message' && k !== 'bypassedByForce')
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(' ');
  return detail ? `${kind} ${detail}` : kind;
}
