import {
  type CloudWatchClient,
  type Dimension,
  type MetricDataQuery,
  paginateGetMetricData,
} from '@aws-sdk/client-cloudwatch';
import type { MetricsSourceConfig } from '../../domain/config';
import type { MetricReading, MetricsReader, ValidationMetrics } from '../../ports';
import { MetricsUnavailableError } from '../errors';
import { createCloudWatchClient } from './clients';

/**
 * Where the service-level metrics come from: the domain configuration's
 * `validation.metrics` (type "none" has no reader, see metricsReaderFor).
 * - `alb`: the Application Load Balancer in front of the workload; error rate =
 *   HTTPCode_Target_5XX_Count / RequestCount, latency = TargetResponseTime p99.
 * - `custom`: the user's namespace and dimensions; `errorRateMetric` holds error
 *   rates (fractions), `latencyP99Metric` latencies in milliseconds.
 */
export type MetricsSource = Exclude<MetricsSourceConfig, { type: 'none' }>;

export interface CloudWatchMetricsReaderOptions {
  /** One source for every cluster, or one per cluster. */
  readonly source: MetricsSource | ((clusterName: string) => MetricsSource);
  readonly client?: CloudWatchClient;
}

interface Plan {
  readonly queries: MetricDataQuery[];
  readonly read: (values: ReadonlyMap<string, number[]>) => ValidationMetrics;
}

function planFor(source: MetricsSource, period: number): Plan {
  const stat = (id: string, namespace: string, metricName: string, dims: Dimension[], statName: string) => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dims },
      Period: period,
      Stat: statName,
    },
    ReturnData: true,
  });
  const get = (values: ReadonlyMap<string, number[]>, id: string): number[] => values.get(id) ?? [];
  if (source.type === 'alb') {
    // Both dimensions: per-target-group ALB metrics are published under the pair.
    const dims = [
      { Name: 'TargetGroup', Value: source.targetGroup },
      { Name: 'LoadBalancer', Value: source.loadBalancer },
    ];
    const ns = 'AWS/ApplicationELB';
    return {
      queries: [
        stat('errors', ns, 'HTTPCode_Target_5XX_Count', dims, 'Sum'),
        stat('requests', ns, 'RequestCount', dims, 'Sum'),
        stat('latency_p99', ns, 'TargetResponseTime', dims, 'p99'),
        stat('latency_samples', ns, 'TargetResponseTime', dims, 'SampleCount'),
      ],
      read: (v) => ({
        errorRate: albErrorRate(get(v, 'errors'), get(v, 'requests')),
        // TargetResponseTime is in seconds.
        latencyP99: latency(get(v, 'latency_p99'), get(v, 'latency_samples'), 1000),
      }),
    };
  }
  const dims = Object.entries(source.dimensions).map(([Name, Value]) => ({ Name, Value }));
  return {
    queries: [
      stat('rate_sum', source.namespace, source.errorRateMetric, dims, 'Sum'),
      stat('rate_samples', source.namespace, source.errorRateMetric, dims, 'SampleCount'),
      stat('latency_p99', source.namespace, source.latencyP99Metric, dims, 'p99'),
      stat('latency_samples', source.namespace, source.latencyP99Metric, dims, 'SampleCount'),
    ],
    read: (v) => ({
      errorRate: meanRate(get(v, 'rate_sum'), get(v, 'rate_samples')),
      latencyP99: latency(get(v, 'latency_p99'), get(v, 'latency_samples'), 1),
    }),
  };
}

/** Whole minutes covering the window: one datapoint per statistic when the window is aligned. */
export function periodFor(start: Date, end: Date): number {
  const seconds = Math.max(1, Math.ceil((end.getTime() - start.getTime()) / 1000));
  return Math.max(60, Math.ceil(seconds / 60) * 60);
}

/**
 * Validation metrics from CloudWatch GetMetricData. No data is "unknown"
 * (value null, sampleCount 0), never "healthy".
 */
export class CloudWatchMetricsReader implements MetricsReader {
  private readonly client: CloudWatchClient;
  private readonly source: (clusterName: string) => MetricsSource;

  constructor(options: CloudWatchMetricsReaderOptions) {
    this.client = options.client ?? createCloudWatchClient();
    const { source } = options;
    this.source = typeof source === 'function' ? source : () => source;
  }

  /**
   * Error rate (a fraction, 0..1) and p99 latency in ms over [start, end), with their sample counts.
   * @throws MetricsUnavailableError when CloudWatch reports InternalError or Forbidden for a query.
   */
  async readValidationMetrics(query: {
    readonly clusterName: string;
    readonly start: Date;
    readonly end: Date;
  }): Promise<ValidationMetrics> {
    const plan = planFor(this.source(query.clusterName), periodFor(query.start, query.end));
    const values = new Map<string, number[]>();
    const input = {
      MetricDataQueries: plan.queries,
      StartTime: query.start,
      EndTime: query.end,
      ScanBy: 'TimestampAscending' as const,
    };
    for await (const page of paginateGetMetricData({ client: this.client }, input)) {
      for (const r of page.MetricDataResults ?? []) {
        if (r.StatusCode === 'InternalError' || r.StatusCode === 'Forbidden') {
          const detail = (r.Messages ?? []).map((msg) => msg.Value).join('; ');
          throw new MetricsUnavailableError(`${r.Id}: ${r.StatusCode}${detail ? ` (${detail})` : ''}`);
        }
        if (r.Id === undefined) continue;
        values.set(r.Id, [...(values.get(r.Id) ?? []), ...(r.Values ?? [])]);
      }
    }
    return plan.read(values);
  }
}

/** The reader for a configured source; undefined when validation is configured without metrics. */
export function metricsReaderFor(
  source: MetricsSourceConfig,
  client?: CloudWatchClient,
): MetricsReader | undefined {
  if (source.type === 'none') return undefined;
  return new CloudWatchMetricsReader({ source, ...(client ? { client } : {}) });
}

const UNKNOWN: MetricReading = { value: null, sampleCount: 0 };
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * Errors over requests. ALB publishes HTTPCode_Target_5XX_Count only when it is
 * non-zero, so requests without an error datapoint are a rate of 0, not unknown;
 * no requests at all is unknown.
 */
function albErrorRate(errors: readonly number[], requests: readonly number[]): MetricReading {
  const total = sum(requests);
  if (total <= 0) return UNKNOWN;
  return { value: sum(errors) / total, sampleCount: total };
}

/** A rate metric averaged over all its samples in the window (Sum / SampleCount, exact across periods). */
function meanRate(sums: readonly number[], samples: readonly number[]): MetricReading {
  const count = sum(samples);
  if (sums.length === 0 || count <= 0) return UNKNOWN;
  return { value: sum(sums) / count, sampleCount: count };
}

/** p99 cannot be averaged across periods: with several datapoints the worst one is kept. */
function latency(p99s: readonly number[], samples: readonly number[], toMs: number): MetricReading {
  const count = sum(samples);
  if (p99s.length === 0 || count <= 0) return UNKNOWN;
  return { value: Math.max(...p99s) * toMs, sampleCount: count };
}
