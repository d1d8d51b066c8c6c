import { compareVersions } from '../domain/version';
import type { MetricReading, MetricsReader, ValidationMetrics } from '../ports';
import type { WorldSession } from './eks/session';
import type { MetricProfile } from './scenarios';

/**
 * Validation metrics from the sandbox, driven by the world's scenario: the
 * baseline profile while the control plane is at its initial version, the
 * after-upgrade profile once it has moved above it (a breach in
 * `validation-failure`, nothing at all in `no-data`); in `nodegroup-regression`
 * once a node group runs above it. A rollback to the initial version (node
 * groups replaced back) brings the baseline back, as recovering service would.
 */
export class SandboxMetricsReader implements MetricsReader {
  constructor(private readonly session: WorldSession) {}

  /** @throws ThrottlingException when the scenario throttles the call. */
  async readValidationMetrics(query: {
    readonly clusterName: string;
    readonly start: Date;
    readonly end: Date;
  }): Promise<ValidationMetrics> {
    return this.session.run('readValidationMetrics', ({ state, scenario }) => {
      const world = state.clusters[query.clusterName];
      // CloudWatch answers an unknown dimension with no datapoints, not an error.
      if (!world) return toMetrics({ errorRate: null, latencyP99Ms: null, sampleCount: 0 });
      // The session counted this call already: the first read is call 1.
      const scripted = scenario.metrics.byCall?.[(state.calls.readValidationMetrics ?? 1) - 1];
      if (scripted) return toMetrics(scripted);
      if (world.created) return toMetrics(scenario.metrics.green ?? scenario.metrics.baseline);
      const moved =
        scenario.metrics.breachWhen === 'nodegroups'
          ? world.snapshot.nodegroups.some((ng) => compareVersions(ng.version, world.initialVersion) > 0)
          : compareVersions(world.snapshot.cluster.version, world.initialVersion) > 0;
      return toMetrics(moved ? scenario.metrics.afterUpgrade : scenario.metrics.baseline);
    });
  }
}

function toMetrics(profile: MetricProfile): ValidationMetrics {
  return {
    errorRate: reading(profile.errorRate, profile.sampleCount),
    latencyP99: reading(profile.latencyP99Ms, profile.sampleCount),
  };
}

/** No samples means no value: the port's "unknown, never healthy". */
function reading(value: number | null, sampleCount: number): MetricReading {
  return sampleCount > 0 && value !== null ? { value, sampleCount } : { value: null, sampleCount: 0 };
}
