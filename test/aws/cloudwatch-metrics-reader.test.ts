import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CloudWatchMetricsReader,
  metricsReaderFor,
  periodFor,
} from '../../lib/aws/cloudwatch/metrics-reader';
import { MetricsUnavailableError } from '../../lib/aws/errors';

const sdk = mockClient(CloudWatchClient);
const start = new Date('2024-07-01T12:00:00.000Z');
const end = new Date('2024-07-01T12:10:00.000Z');
const alb = {
  type: 'alb',
  loadBalancer: 'app/web/50dc6c495c0c9188',
  targetGroup: 'targetgroup/web/6d0ecf831eec9f09',
} as const;
const custom = {
  type: 'custom',
  namespace: 'MyApp',
  errorRateMetric: 'ErrorRate',
  latencyP99Metric: 'LatencyMs',
  dimensions: { Service: 'checkout' },
} as const;

const result = (Id: string, Values: number[]): MetricDataResult => ({
  Id,
  Values,
  Timestamps: Values.map(() => start),
  StatusCode: 'Complete',
});
const read = (source: typeof alb | typeof custom) =>
  new CloudWatchMetricsReader({ source, client: new CloudWatchClient({}) }).readValidationMetrics({
    clusterName: 'prod',
    start,
    end,
  });

beforeEach(() => sdk.reset());

describe('ALB target-group source', () => {
  test('queries 5XX, requests and TargetResponseTime p99 with both dimensions over the window', async () => {
    sdk.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        result('errors', [5]),
        result('requests', [1000]),
        result('latency_p99', [0.25]),
        result('latency_samples', [1000]),
      ],
    });
    const metrics = await read(alb);
    expect(metrics).toEqual({
      errorRate: { value: 0.005, sampleCount: 1000 },
      latencyP99: { value: 250, sampleCount: 1000 },
    });
    const input = sdk.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(input?.StartTime).toEqual(start);
    expect(input?.EndTime).toEqual(end);
    const dims = [
      { Name: 'TargetGroup', Value: alb.targetGroup },
      { Name: 'LoadBalancer', Value: alb.loadBalancer },
    ];
    expect(
      input?.MetricDataQueries?.map((q) => [q.Id, q.MetricStat?.Metric?.MetricName, q.MetricStat?.Stat]),
    ).toEqual([
      ['errors', 'HTTPCode_Target_5XX_Count', 'Sum'],
      ['requests', 'RequestCount', 'Sum'],
      ['latency_p99', 'TargetResponseTime', 'p99'],
      ['latency_samples', 'TargetResponseTime', 'SampleCount'],
    ]);
    for (const q of input?.MetricDataQueries ?? []) {
      expect(q.MetricStat?.Metric?.Namespace).toBe('AWS/ApplicationELB');
      expect(q.MetricStat?.Metric?.Dimensions).toEqual(dims);
      expect(q.MetricStat?.Period).toBe(600);
    }
  });

  test('requests with no 5XX datapoint are an error rate of 0 (ALB omits zero counts)', async () => {
    sdk.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        result('errors', []),
        result('requests', [400]),
        result('latency_p99', [0.1]),
        result('latency_samples', [400]),
      ],
    });
    expect((await read(alb)).errorRate).toEqual({ value: 0, sampleCount: 400 });
  });

  test('no data at all is unknown (null, 0 samples), never healthy', async () => {
    sdk.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        result('errors', []),
        result('requests', []),
        result('latency_p99', []),
        result('latency_samples', []),
      ],
    });
    await expect(read(alb)).resolves.toEqual({
      errorRate: { value: null, sampleCount: 0 },
      latencyP99: { value: null, sampleCount: 0 },
    });
  });

  test('follows NextToken and combines datapoints across pages (worst p99 kept)', async () => {
    sdk
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [result('errors', [2]), result('requests', [100]), result('latency_p99', [0.2])],
        NextToken: 'more',
      })
      .resolvesOnce({
        MetricDataResults: [
          result('errors', [8]),
          result('requests', [400]),
          result('latency_p99', [0.4]),
          result('latency_samples', [500]),
        ],
      });
    const metrics = await read(alb);
    expect(metrics.errorRate).toEqual({ value: 10 / 500, sampleCount: 500 });
    expect(metrics.latencyP99).toEqual({ value: 400, sampleCount: 500 });
    expect(sdk).toHaveReceivedNthSpecificCommandWith(2, GetMetricDataCommand, { NextToken: 'more' });
  });

  test('InternalError or Forbidden is MetricsUnavailableError', async () => {
    sdk.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'requests', StatusCode: 'Forbidden', Messages: [{ Code: 'Forbidden', Value: 'no access' }] },
      ],
    });
    await expect(read(alb)).rejects.toThrow(MetricsUnavailableError);
  });
});

describe('custom source', () => {
  test('averages the rate metric over its samples and reads p99 latency in ms', async () => {
    sdk.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        result('rate_sum', [0.1, 0.3]),
        result('rate_samples', [10, 10]),
        result('latency_p99', [180, 220]),
        result('latency_samples', [600, 400]),
      ],
    });
    await expect(read(custom)).resolves.toEqual({
      errorRate: { value: 0.02, sampleCount: 20 },
      latencyP99: { value: 220, sampleCount: 1000 },
    });
    const queries = sdk.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries ?? [];
    expect(queries.map((q) => q.MetricStat?.Metric)).toContainEqual({
      Namespace: 'MyApp',
      MetricName: 'ErrorRate',
      Dimensions: [{ Name: 'Service', Value: 'checkout' }],
    });
  });

  test('a source of type none has no reader', () => {
    expect(metricsReaderFor({ type: 'none' })).toBeUndefined();
    expect(metricsReaderFor(custom, new CloudWatchClient({}))).toBeInstanceOf(CloudWatchMetricsReader);
  });
});

describe('periodFor', () => {
  test('whole minutes covering the window, at least 60 s', () => {
    expect(periodFor(start, end)).toBe(600);
    expect(periodFor(start, new Date(start.getTime() + 90_000))).toBe(120);
    expect(periodFor(start, start)).toBe(60);
  });
});
