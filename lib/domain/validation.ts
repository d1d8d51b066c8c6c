import type { AgentConfig } from './config';
import type { EnvironmentSnapshot } from './snapshot';
import { compareVersions } from './version';

/** A metric reading: no samples means unknown, and unknown never passes. */
export interface MetricValue {
  readonly value: number | null;
  readonly sampleCount: number;
}

export interface ValidationCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface ValidationVerdict {
  readonly passed: boolean;
  readonly checks: ValidationCheck[];
  /** The seed's metric names, for the validation.* events. */
  readonly metrics: Record<string, number | null>;
}

export interface ValidationInput {
  readonly snapshot: EnvironmentSnapshot;
  readonly targetVersion: string;
  /**
   * A gate before every node group has moved (`control-plane`, `canary`): node groups
   * must be ACTIVE and healthy, and not newer than the target, but need not be at it.
   * Default: every node group at the target (the last gate of a hop, the final validation).
   */
  readonly nodegroupsMayLag?: boolean;
  /** Undefined when the configuration opts out of metric checks. */
  readonly metrics?: { readonly errorRate: MetricValue; readonly latencyP99: MetricValue };
}

function metricCheck(
  name: string,
  reading: MetricValue,
  max: number,
  minSamples: number,
  unit: string,
): ValidationCheck {
  if (reading.value === null || reading.sampleCount < minSamples) {
    return {
      name,
      passed: false,
      detail: `no data (${reading.sampleCount} sample(s), need ${minSamples}): an unknown ${name} is not a healthy one`,
    };
  }
  const passed = reading.value <= max;
  return { name, passed, detail: `${reading.value}${unit} ${passed ? '<=' : '>'} ${max}${unit}` };
}

/**
 * Is the cluster at the target, healthy, and within its service levels?
 * Pure: the snapshot and the metric readings come in as data.
 */
export function judge(input: ValidationInput, thresholds: AgentConfig['validation']): ValidationVerdict {
  const { snapshot, targetVersion } = input;
  const checks: ValidationCheck[] = [];
  const { cluster } = snapshot;
  checks.push({
    name: 'control-plane',
    passed: cluster.version === targetVersion && cluster.status === 'ACTIVE',
    detail: `cluster ${cluster.name} is ${cluster.status} at ${cluster.version} (target ${targetVersion})`,
  });
  const atVersion = (version: string) =>
    input.nodegroupsMayLag === true
      ? compareVersions(version, targetVersion) <= 0
      : version === targetVersion;
  const laggingNodegroups = snapshot.nodegroups.filter(
    (ng) => !atVersion(ng.version) || ng.status !== 'ACTIVE' || (ng.health?.issues?.length ?? 0) > 0,
  );
  checks.push({
    name: 'nodegroups',
    passed: laggingNodegroups.length === 0,
    detail:
      laggingNodegroups.length === 0
        ? `${snapshot.nodegroups.length} node group(s) ACTIVE at ${input.nodegroupsMayLag === true ? 'or below ' : ''}${targetVersion}`
        : `not ready: ${laggingNodegroups.map((ng) => `${ng.nodegroupName} (${ng.status} ${ng.version})`).join(', ')}`,
  });
  const unhealthyAddons = snapshot.addons.filter(
    (a) => a.status !== 'ACTIVE' || (a.health?.issues?.length ?? 0) > 0,
  );
  checks.push({
    name: 'addons',
    passed: unhealthyAddons.length === 0,
    detail:
      unhealthyAddons.length === 0
        ? `${snapshot.addons.length} add-on(s) ACTIVE without health issues`
        : `not healthy: ${unhealthyAddons.map((a) => `${a.addonName} (${a.status})`).join(', ')}`,
  });
  const metrics: Record<string, number | null> = {};
  if (input.metrics) {
    checks.push(
      metricCheck(
        'error_rate',
        input.metrics.errorRate,
        thresholds.maxErrorRate,
        thresholds.minSampleCount,
        '',
      ),
      metricCheck(
        'latency_p99',
        input.metrics.latencyP99,
        thresholds.maxLatencyP99Ms,
        thresholds.minSampleCount,
        ' ms',
      ),
    );
    metrics.error_rate = input.metrics.errorRate.value;
    metrics.latency_p99 = input.metrics.latencyP99.value;
  } else {
    checks.push({
      name: 'metrics',
      passed: true,
      detail: 'metric checks disabled by configuration (validation.metrics.type = none)',
    });
  }
  return { passed: checks.every((c) => c.passed), checks, metrics };
}
