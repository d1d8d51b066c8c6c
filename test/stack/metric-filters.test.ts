import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runSandboxUpgrade } from '../../lib/sandbox/local-run';
import { DEFAULT_SANDBOX_SNAPSHOT } from '../../lib/wiring/sandbox';
import { filterMatches, parseFilterPattern, patternPaths, selectField } from '../support/log-filter-pattern';

/**
 * The metric filters of resources/metrics.yml, applied as CloudWatch Logs applies
 * them to the audit log group, to the events the sandbox publishes for a completed,
 * a rolled-back and a failed upgrade: the metrics a team alerts on come out right,
 * and the alarm and dashboard read metrics that a filter publishes.
 */
const ROOT = join(__dirname, '..', '..');
const STAGE = 'dev';
const NAMESPACE = `EksUpgradeAgent/${STAGE}`;

/** A resources/*.yml file with the framework's variables of this stage resolved. */
function resources(file: string): Record<string, { Type: string; Properties: Record<string, unknown> }> {
  const text = readFileSync(join(ROOT, 'resources', file), 'utf8')
    .replaceAll(`\${self:custom.metricsNamespace}`, NAMESPACE)
    .replaceAll(`\${sls:stage}`, STAGE);
  return (parse(text) as { Resources: ReturnType<typeof resources> }).Resources;
}

interface Transformation {
  MetricNamespace: string;
  MetricName: string;
  MetricValue: string;
  Unit?: string;
  Dimensions?: { Key: string; Value: string }[];
}

const FILTERS = Object.entries(resources('metrics.yml')).map(([id, r]) => {
  expect(r.Type).toBe('AWS::Logs::MetricFilter');
  expect(r.Properties.LogGroupName).toEqual({ Ref: 'AuditLogGroup' });
  const [t, ...more] = r.Properties.MetricTransformations as Transformation[];
  expect(more).toEqual([]);
  return { id, pattern: String(r.Properties.FilterPattern), t: t as Transformation };
});

interface Datapoint {
  readonly metric: string;
  readonly dimensions: Record<string, string>;
  readonly value: number;
}

/** What the filters publish for these log events (each event's message is its JSON envelope). */
function publish(messages: readonly string[]): Datapoint[] {
  const out: Datapoint[] = [];
  for (const message of messages) {
    const json = JSON.parse(message) as unknown;
    for (const { pattern, t } of FILTERS) {
      if (!filterMatches(pattern, message)) continue;
      const field = (selector: string) => selectField(json, selector.slice(2).split('.'));
      out.push({
        metric: t.MetricName,
        dimensions: Object.fromEntries((t.Dimensions ?? []).map((d) => [d.Key, String(field(d.Value))])),
        value: t.MetricValue.startsWith('$.') ? Number(field(t.MetricValue)) : Number(t.MetricValue),
      });
    }
  }
  return out;
}

async function auditLog(
  scenario: string,
): Promise<{ messages: string[]; report: Awaited<ReturnType<typeof runSandboxUpgrade>> }> {
  const report = await runSandboxUpgrade({
    stateDir: join(mkdtempSync(join(tmpdir(), 'eua-metrics-')), 'state'),
    scenario,
    snapshotFile: DEFAULT_SANDBOX_SNAPSHOT,
    targetVersion: '1.31',
  });
  // The audit rule matches every event of the agent's source: the log gets each envelope as JSON.
  return { messages: report.events.map((e) => JSON.stringify(e)), report };
}

const sum = (points: Datapoint[], metric: string, dims: Record<string, string> = {}) =>
  points
    .filter((p) => p.metric === metric && Object.entries(dims).every(([k, v]) => p.dimensions[k] === v))
    .reduce((total, p) => total + p.value, 0);

describe('metric filters on the audit log (resources/metrics.yml)', () => {
  test('every filter is in the stage namespace, and each metric value and dimension is a field the pattern matched', () => {
    expect(FILTERS.length).toBeGreaterThanOrEqual(8);
    for (const { pattern, t } of FILTERS) {
      expect(t.MetricNamespace).toBe(NAMESPACE);
      const matched = patternPaths(pattern);
      expect(matched).toContain('$.detail-type');
      for (const selector of [
        ...(t.Dimensions ?? []).map((d) => d.Value),
        ...(t.MetricValue.startsWith('$.') ? [t.MetricValue] : []),
      ]) {
        expect({ pattern, selector, matched: matched.includes(selector) }).toEqual({
          pattern,
          selector,
          matched: true,
        });
      }
      // At most three dimensions per filter (CloudWatch Logs' limit).
      expect((t.Dimensions ?? []).length).toBeLessThanOrEqual(3);
    }
  });

  test('a completed upgrade: started, completed, its duration; nothing failed', async () => {
    const { messages, report } = await auditLog('happy');
    expect(report.outcome).toBe('completed');
    const points = publish(messages);
    const cluster = { ClusterName: 'payments-prod' };
    expect(sum(points, 'UpgradesStarted', cluster)).toBe(1);
    expect(sum(points, 'UpgradesCompleted', cluster)).toBe(1);
    const completed = report.events.find((e) => e['detail-type'] === 'upgrade.completed');
    expect(sum(points, 'UpgradeDurationSeconds', cluster)).toBe(completed?.detail.durationSeconds);
    expect(sum(points, 'UpgradeDurationSeconds')).toBeGreaterThan(60 * 60);
    // One duration per phase.completed, by phase; the execution phase's stretches add up to hours.
    const completedPhases = report.events.filter((e) => e['detail-type'] === 'phase.completed');
    expect(points.filter((p) => p.metric === 'PhaseDurationSeconds')).toHaveLength(completedPhases.length);
    for (const phase of ['perception', 'reasoning', 'execution', 'validation']) {
      expect(points.some((p) => p.metric === 'PhaseDurationSeconds' && p.dimensions.Phase === phase)).toBe(
        true,
      );
    }
    expect(sum(points, 'PhaseDurationSeconds', { ...cluster, Phase: 'execution' })).toBeGreaterThan(60 * 60);
    expect(sum(points, 'PhaseDurationSeconds', { ...cluster, Phase: 'execution' })).toBeLessThanOrEqual(
      completed?.detail.durationSeconds as number,
    );
    for (const metric of [
      'FailedUpgradeDurationSeconds',
      'UpgradesFailed',
      'UpgradesRolledBack',
      'Rollbacks',
      'GateFailures',
      'ValidationFailures',
    ]) {
      expect({ metric, value: sum(points, metric) }).toEqual({ metric, value: 0 });
    }
  }, 120_000);

  test('a rolled-back upgrade: a canary gate failure, a reverted rollback, a failure in validation', async () => {
    const { messages, report } = await auditLog('nodegroup-regression');
    expect(report.outcome).toBe('rolled-back');
    const points = publish(messages);
    const cluster = { ClusterName: 'payments-prod' };
    expect(sum(points, 'UpgradesStarted', cluster)).toBe(1);
    expect(sum(points, 'UpgradesCompleted')).toBe(0);
    expect(sum(points, 'UpgradeDurationSeconds')).toBe(0);
    expect(sum(points, 'GateFailures', { ...cluster, Gate: 'canary' })).toBe(1);
    expect(sum(points, 'ValidationFailures', cluster)).toBe(1);
    expect(sum(points, 'UpgradesRolledBack', { ...cluster, Outcome: 'reverted' })).toBe(1);
    expect(sum(points, 'Rollbacks')).toBe(1);
    expect(sum(points, 'UpgradesFailed', { ...cluster, Phase: 'validation' })).toBe(1);
    // The failed upgrade's duration: its start to the rollback's end.
    const failed = report.events.find((e) => e['detail-type'] === 'upgrade.failed');
    expect(failed?.detail.durationSeconds).toBeGreaterThan(60 * 60);
    expect(sum(points, 'FailedUpgradeDurationSeconds', { ...cluster, Phase: 'validation' })).toBe(
      failed?.detail.durationSeconds,
    );
  }, 120_000);

  test('a failed step: a failure in execution, no rollback metric', async () => {
    const { messages, report } = await auditLog('eviction-failure');
    expect(report.outcome).toBe('failed');
    const points = publish(messages);
    expect(sum(points, 'UpgradesFailed', { ClusterName: 'payments-prod', Phase: 'execution' })).toBe(1);
    const failed = report.events.find((e) => e['detail-type'] === 'upgrade.failed');
    expect(failed?.detail.durationSeconds).toBeGreaterThan(0);
    expect(
      sum(points, 'FailedUpgradeDurationSeconds', { ClusterName: 'payments-prod', Phase: 'execution' }),
    ).toBe(failed?.detail.durationSeconds);
    expect(sum(points, 'Rollbacks')).toBe(0);
    expect(sum(points, 'GateFailures')).toBe(0);
  }, 120_000);

  test('a request refused before it started (no duration) counts as failed but gives no duration', () => {
    const refused = JSON.stringify({
      'detail-type': 'upgrade.failed',
      source: 'eks-upgrade-agent',
      detail: { clusterName: 'payments-prod', phase: 'trigger', reason: 'cluster busy' },
    });
    const points = publish([refused]);
    expect(sum(points, 'UpgradesFailed', { ClusterName: 'payments-prod', Phase: 'trigger' })).toBe(1);
    expect(points.filter((p) => p.metric === 'FailedUpgradeDurationSeconds')).toEqual([]);
  });

  test('the rollback alarm and the dashboard read metrics the filters publish', () => {
    const published = new Set(FILTERS.map((f) => f.t.MetricName));
    const alarm = resources('alarms.yml').RollbackAlarm;
    expect(alarm?.Properties).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'Rollbacks',
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'NotificationsTopic' }],
    });
    expect(FILTERS.find((f) => f.t.MetricName === 'Rollbacks')?.t.Dimensions ?? []).toEqual([]);
    const sub = resources('dashboard.yml').Dashboard?.Properties.DashboardBody as { 'Fn::Sub': string };
    const body = String(sub['Fn::Sub']);
    // Fn::Sub's own variables (region, resources) stand in as strings; the body must be JSON.
    const dashboard = JSON.parse(body.replace(/\$\{[^}]+\}/g, 'x')) as {
      widgets: { properties: { metrics?: unknown[] } }[];
    };
    const named = new Set<string>();
    for (const w of dashboard.widgets) {
      const text = JSON.stringify(w.properties.metrics ?? []);
      for (const m of text.matchAll(/MetricName=\\"(\w+)\\"/g)) named.add(m[1] ?? '');
      for (const m of w.properties.metrics ?? []) {
        if (Array.isArray(m) && m[0] === NAMESPACE) named.add(String(m[1]));
      }
    }
    for (const metric of [
      'UpgradesStarted',
      'UpgradesCompleted',
      'UpgradesFailed',
      'Rollbacks',
      'UpgradesRolledBack',
      'GateFailures',
      'UpgradeDurationSeconds',
      'FailedUpgradeDurationSeconds',
      'PhaseDurationSeconds',
    ]) {
      expect(named).toContain(metric);
    }
    for (const metric of named) expect(published).toContain(metric);
  });
});

describe('the JSON filter pattern subset', () => {
  const event = JSON.stringify({
    'detail-type': 'upgrade.failed',
    detail: { phase: 'execution', n: 3, o: {} },
  });
  test.each([
    ['{ $.detail-type = "upgrade.failed" }', true],
    ['{ $.detail-type = "upgrade.*" }', true],
    ['{ $.detail-type = "upgrade" }', false],
    ['{ $.detail-type != "upgrade.completed" }', true],
    ['{ $.detail.phase = * }', true],
    ['{ $.detail.missing = * }', false],
    ['{ $.detail.missing != "x" }', false],
    ['{ $.detail.o = * }', false],
    ['{ $.detail.n >= 3 && $.detail.n < 4 }', true],
    ['{ $.detail.n > 3 }', false],
    ['{ $.detail.phase >= 3 }', false],
    ['{ $.detail-type = "upgrade.failed" && $.detail.phase = "rollback" }', false],
  ])('%s on an upgrade.failed in execution: %s', (pattern, expected) => {
    expect(filterMatches(pattern, event)).toBe(expected);
  });

  test('a message that is not JSON matches nothing', () => {
    expect(filterMatches('{ $.a = * }', 'not json')).toBe(false);
  });

  test.each([
    '$.a = 1',
    '{ $.a = 1 || $.b = 2 }',
    '{ ($.a = 1) }',
    '{ $.a IS NULL }',
    '{ $.a NOT EXISTS }',
    '{ $.a[0] = 1 }',
    '{ $.a > "x" }',
    '{ $.a = %re% }',
  ])('%s is refused, not guessed', (pattern) => {
    expect(() => parseFilterPattern(pattern)).toThrow();
  });
});
