import { defaultConfig } from '../../../lib/domain/config';
import { judge, type MetricValue } from '../../../lib/domain/validation';
import { addon, nodegroup, snapshot } from '../../support/snapshot-builder';

/** The final validation's verdict, check by check: names, outcomes and the words a person reads. */
const thresholds = {
  ...defaultConfig().validation,
  maxErrorRate: 0.01,
  maxLatencyP99Ms: 500,
  minSampleCount: 3,
};
const reading = (value: number | null, sampleCount = 10): MetricValue => ({ value, sampleCount });
const healthy = { errorRate: reading(0.001), latencyP99: reading(120) };
const upgraded = (extra: Record<string, unknown> = {}) =>
  snapshot({
    version: '1.31',
    nodegroups: [nodegroup('ng-a', '1.31'), nodegroup('ng-b', '1.31')],
    addons: [addon('vpc-cni', 'v1.19.0-eksbuild.1')],
    ...extra,
  });
const check = (verdict: ReturnType<typeof judge>, name: string) =>
  verdict.checks.find((c) => c.name === name);

describe('judge', () => {
  it('given a cluster at the target, all healthy and within its SLOs, then every check passes with its detail', () => {
    const verdict = judge({ snapshot: upgraded(), targetVersion: '1.31', metrics: healthy }, thresholds);
    expect(verdict).toEqual({
      passed: true,
      checks: [
        {
          name: 'control-plane',
          passed: true,
          detail: 'cluster test-cluster is ACTIVE at 1.31 (target 1.31)',
        },
        { name: 'nodegroups', passed: true, detail: '2 node group(s) ACTIVE at 1.31' },
        { name: 'addons', passed: true, detail: '1 add-on(s) ACTIVE without health issues' },
        { name: 'error_rate', passed: true, detail: '0.001 <= 0.01' },
        { name: 'latency_p99', passed: true, detail: '120 ms <= 500 ms' },
      ],
      metrics: { error_rate: 0.001, latency_p99: 120 },
    });
  });

  it('given the control plane still at the previous minor, then only the control-plane check fails', () => {
    const verdict = judge({ snapshot: upgraded(), targetVersion: '1.32', metrics: healthy }, thresholds);
    expect(verdict.passed).toBe(false);
    expect(check(verdict, 'control-plane')).toEqual({
      name: 'control-plane',
      passed: false,
      detail: 'cluster test-cluster is ACTIVE at 1.31 (target 1.32)',
    });
  });

  it('given the control plane at the target but UPDATING, then the control-plane check fails', () => {
    const s = upgraded();
    const updating = { ...s, cluster: { ...s.cluster, status: 'UPDATING' as const } };
    const verdict = judge({ snapshot: updating, targetVersion: '1.31', metrics: healthy }, thresholds);
    expect(check(verdict, 'control-plane')).toEqual({
      name: 'control-plane',
      passed: false,
      detail: 'cluster test-cluster is UPDATING at 1.31 (target 1.31)',
    });
    expect(verdict.passed).toBe(false);
    expect(verdict.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['control-plane']);
  });

  it('given node groups not ACTIVE or with health issues, then each is named and the others are not', () => {
    const verdict = judge(
      {
        snapshot: upgraded({
          nodegroups: [
            nodegroup('ng-ok', '1.31'),
            nodegroup('ng-updating', '1.31', { status: 'UPDATING' }),
            nodegroup('ng-sick', '1.31', {
              health: { issues: [{ code: 'Ec2LaunchTemplateNotFound', message: 'gone' }] },
            }),
            nodegroup('ng-no-issues', '1.31', { health: { issues: [] } }),
          ],
        }),
        targetVersion: '1.31',
        metrics: healthy,
      },
      thresholds,
    );
    expect(check(verdict, 'nodegroups')).toEqual({
      name: 'nodegroups',
      passed: false,
      detail: 'not ready: ng-updating (UPDATING 1.31), ng-sick (ACTIVE 1.31)',
    });
    expect(verdict.passed).toBe(false);
  });

  it('given add-ons degraded or with health issues, then each is named and a healthy one is not', () => {
    const verdict = judge(
      {
        snapshot: upgraded({
          addons: [
            addon('vpc-cni', 'v1.19.0-eksbuild.1'),
            addon('coredns', 'v1.11.3-eksbuild.1', { status: 'DEGRADED' }),
            addon('kube-proxy', 'v1.31.0-eksbuild.1', {
              health: { issues: [{ code: 'InsufficientNumberOfReplicas', message: 'one replica' }] },
            }),
            addon('eks-pod-identity-agent', 'v1.3.4-eksbuild.1', { health: { issues: [] } }),
          ],
        }),
        targetVersion: '1.31',
        metrics: healthy,
      },
      thresholds,
    );
    expect(check(verdict, 'addons')).toEqual({
      name: 'addons',
      passed: false,
      detail: 'not healthy: coredns (DEGRADED), kube-proxy (ACTIVE)',
    });
    expect(verdict.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['addons']);
  });

  it('given metrics exactly at their limits, then they pass; one unit above, then they fail', () => {
    const at = judge(
      {
        snapshot: upgraded(),
        targetVersion: '1.31',
        metrics: { errorRate: reading(0.01), latencyP99: reading(500) },
      },
      thresholds,
    );
    expect(at.passed).toBe(true);
    const above = judge(
      {
        snapshot: upgraded(),
        targetVersion: '1.31',
        metrics: { errorRate: reading(0.02), latencyP99: reading(501) },
      },
      thresholds,
    );
    expect(above.passed).toBe(false);
    expect(check(above, 'error_rate')).toEqual({ name: 'error_rate', passed: false, detail: '0.02 > 0.01' });
    expect(check(above, 'latency_p99')).toEqual({
      name: 'latency_p99',
      passed: false,
      detail: '501 ms > 500 ms',
    });
    expect(above.metrics).toEqual({ error_rate: 0.02, latency_p99: 501 });
  });

  it('given too few samples or no value, then the metric is unknown and fails, saying why', () => {
    const verdict = judge(
      {
        snapshot: upgraded(),
        targetVersion: '1.31',
        metrics: { errorRate: reading(0, 2), latencyP99: reading(null, 0) },
      },
      thresholds,
    );
    expect(verdict.passed).toBe(false);
    expect(check(verdict, 'error_rate')).toEqual({
      name: 'error_rate',
      passed: false,
      detail: 'no data (2 sample(s), need 3): an unknown error_rate is not a healthy one',
    });
    expect(check(verdict, 'latency_p99')).toEqual({
      name: 'latency_p99',
      passed: false,
      detail: 'no data (0 sample(s), need 3): an unknown latency_p99 is not a healthy one',
    });
    expect(verdict.metrics).toEqual({ error_rate: 0, latency_p99: null });
  });

  it('given no value though the samples are many, then the metric is unknown: null is not zero', () => {
    const verdict = judge(
      {
        snapshot: upgraded(),
        targetVersion: '1.31',
        metrics: { errorRate: reading(null, 10), latencyP99: reading(10) },
      },
      thresholds,
    );
    expect(check(verdict, 'error_rate')).toEqual({
      name: 'error_rate',
      passed: false,
      detail: 'no data (10 sample(s), need 3): an unknown error_rate is not a healthy one',
    });
  });

  it('given health without an issue list, then node groups and add-ons are healthy', () => {
    const verdict = judge(
      {
        snapshot: upgraded({
          nodegroups: [nodegroup('ng-a', '1.31', { health: {} })],
          addons: [addon('vpc-cni', 'v1.19.0-eksbuild.1', { health: {} })],
        }),
        targetVersion: '1.31',
      },
      thresholds,
    );
    expect(verdict.checks.map((c) => [c.name, c.passed])).toEqual([
      ['control-plane', true],
      ['nodegroups', true],
      ['addons', true],
      ['metrics', true],
    ]);
  });

  it('given exactly the minimum sample count, then the reading counts', () => {
    const verdict = judge(
      {
        snapshot: upgraded(),
        targetVersion: '1.31',
        metrics: { errorRate: reading(0, 3), latencyP99: reading(10, 3) },
      },
      thresholds,
    );
    expect(verdict.passed).toBe(true);
  });

  it('given metric checks disabled, then a passing metrics check says so and no metric is reported', () => {
    const verdict = judge({ snapshot: upgraded(), targetVersion: '1.31' }, thresholds);
    expect(verdict.passed).toBe(true);
    expect(verdict.checks.map((c) => c.name)).toEqual(['control-plane', 'nodegroups', 'addons', 'metrics']);
    expect(check(verdict, 'metrics')).toEqual({
      name: 'metrics',
      passed: true,
      detail: 'metric checks disabled by configuration (validation.metrics.type = none)',
    });
    expect(verdict.metrics).toEqual({});
  });

  it('given node groups at the target when they may lag, then they still pass', () => {
    const verdict = judge(
      { snapshot: upgraded(), targetVersion: '1.31', metrics: healthy, nodegroupsMayLag: true },
      thresholds,
    );
    expect(check(verdict, 'nodegroups')?.passed).toBe(true);
  });

  it('given node groups below the target and nodegroupsMayLag false, then they fail', () => {
    const verdict = judge(
      {
        snapshot: upgraded({ nodegroups: [nodegroup('ng-a', '1.30')] }),
        targetVersion: '1.31',
        metrics: healthy,
        nodegroupsMayLag: false,
      },
      thresholds,
    );
    expect(check(verdict, 'nodegroups')).toEqual({
      name: 'nodegroups',
      passed: false,
      detail: 'not ready: ng-a (ACTIVE 1.30)',
    });
  });
});
