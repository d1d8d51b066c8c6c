import fc from 'fast-check';
import type { UpgradeStep } from '../../../lib/domain/plan-types';
import { escapeHtml, renderUpgradeHtml } from '../../../lib/report/html';
import { buildUpgradeView, type UpgradeViewInput, type ViewEvent } from '../../../lib/report/view';
import { propertyRuns } from '../../support/property-runs';

const ORIGIN = Date.parse('2026-11-27T08:00:00.000Z');
const UPGRADE = 'payments-prod-1-31-chg-1-abc';

const step = (s: Partial<UpgradeStep> & Pick<UpgradeStep, 'id' | 'kind'>): UpgradeStep =>
  ({ hop: '1.31', from: '1.30', to: '1.31', estimatedMinutes: 5, ...s }) as UpgradeStep;

const STEPS: UpgradeStep[] = [
  step({ id: 'cp:1.31', kind: 'control-plane' }),
  step({ id: 'gate:1.31:control-plane', kind: 'gate', stage: 'control-plane' } as Partial<UpgradeStep> &
    Pick<UpgradeStep, 'id' | 'kind'>),
  step({ id: 'ng:a', kind: 'nodegroup', name: 'a' } as Partial<UpgradeStep> &
    Pick<UpgradeStep, 'id' | 'kind'>),
  step({ id: 'ng:b', kind: 'nodegroup', name: 'b' } as Partial<UpgradeStep> &
    Pick<UpgradeStep, 'id' | 'kind'>),
  step({ id: 'gate:1.31:nodegroups', kind: 'gate', stage: 'nodegroups' } as Partial<UpgradeStep> &
    Pick<UpgradeStep, 'id' | 'kind'>),
  step({ id: 'ng:c', kind: 'nodegroup', name: 'c' } as Partial<UpgradeStep> &
    Pick<UpgradeStep, 'id' | 'kind'>),
];

function event(minute: number, type: string, detail: Record<string, unknown> = {}): ViewEvent {
  return {
    'detail-type': type,
    time: new Date(ORIGIN + minute * 60_000).toISOString(),
    detail: { upgradeId: UPGRADE, clusterName: 'payments-prod', ...detail },
  };
}

const EVENTS: ViewEvent[] = [
  event(0, 'phase.started', { phase: 'perception' }),
  event(0, 'phase.completed', { phase: 'perception' }),
  event(0, 'phase.started', { phase: 'execution' }),
  event(25, 'phase.completed', { phase: 'execution' }),
  event(30, 'phase.started', { phase: 'validation' }),
  event(30, 'validation.success', {
    gate: { stage: 'control-plane', hop: '1.31' },
    checks: [{ name: 'error_rate', passed: true, detail: '0.002 <= 0.01' }],
  }),
  event(30, 'phase.completed', { phase: 'validation' }),
  event(50, 'phase.completed', { phase: 'execution' }),
  event(55, 'phase.started', { phase: 'validation' }),
  event(55, 'validation.failure', {
    gate: { stage: 'nodegroups', hop: '1.31' },
    checks: [{ name: 'latency_p99', passed: false, detail: '1200 ms > 500 ms' }],
  }),
  event(55, 'phase.completed', { phase: 'validation' }),
  event(55, 'rollback.triggered', { trigger: 'event-rule', reason: 'gate nodegroups at 1.31 failed' }),
  event(90, 'rollback.completed', {
    outcome: 'reverted',
    hop: '1.31',
    actions: [{ action: 'rollback-control-plane', resource: 'cluster/payments-prod', result: 'rolled back' }],
    actionCount: 1,
  }),
  event(90, 'upgrade.failed', {
    phase: 'validation',
    reason: 'gate nodegroups at 1.31 failed',
    error: { name: 'ValidationFailed', message: 'latency_p99' },
  }),
  // Another upgrade's event on the same bus is not this upgrade's.
  { 'detail-type': 'upgrade.failed', time: new Date(ORIGIN).toISOString(), detail: { upgradeId: 'other' } },
];

function input(over: Partial<UpgradeViewInput> = {}): UpgradeViewInput {
  return {
    outcome: 'rolled-back',
    summary: 'gate nodegroups at 1.31 failed',
    clusterName: 'payments-prod',
    fromVersion: '1.30',
    targetVersion: '1.31',
    strategy: 'in_place',
    upgradeId: UPGRADE,
    findings: [{ code: 'KUBELET_SKEW', severity: 'info', message: 'batch-spot is behind' }],
    steps: STEPS,
    timeline: {
      origin: new Date(ORIGIN).toISOString(),
      steps: {
        'cp:1.31': { startedAt: 0, finishedAt: 25 },
        'gate:1.31:control-plane': { startedAt: 25, finishedAt: 30 },
        'ng:a': { startedAt: 30, finishedAt: 45 },
        'ng:b': { startedAt: 30, finishedAt: 50 },
        'gate:1.31:nodegroups': { startedAt: 50 },
      },
    },
    changes: [{ resource: 'node group a', from: '1.30', to: '1.31' }],
    simulatedMinutes: 90,
    figures: { stateTransitions: 40, lambdaInvocations: { execution: 6, rollback: 3 } },
    events: EVENTS,
    ...over,
  };
}

describe('buildUpgradeView', () => {
  const view = buildUpgradeView(input());

  test('each step has its status: done, a gate passed, the failed gate, not run', () => {
    expect(view.steps.map((s) => [s.id, s.status])).toEqual([
      ['cp:1.31', 'done'],
      ['gate:1.31:control-plane', 'passed'],
      ['ng:a', 'done'],
      ['ng:b', 'done'],
      ['gate:1.31:nodegroups', 'failed'],
      ['ng:c', 'not-run'],
    ]);
    // The failed gate ends at its validation; a step not run has no bar.
    expect(view.steps[4]).toMatchObject({ start: 50, end: 55 });
    expect(view.steps[5]?.start).toBeUndefined();
  });

  test('steps that overlap ran alongside each other; touching is not overlapping', () => {
    expect(view.steps.find((s) => s.id === 'ng:a')?.alongside).toEqual(['ng:b']);
    expect(view.steps.find((s) => s.id === 'ng:b')?.alongside).toEqual(['ng:a']);
    expect(view.steps.find((s) => s.id === 'cp:1.31')?.alongside).toEqual([]);
    expect(view.steps.find((s) => s.id === 'gate:1.31:control-plane')?.alongside).toEqual([]);
  });

  test('phases: execution resumes when validation hands over after a passed gate', () => {
    expect(view.phases.filter((p) => p.phase === 'execution').map((p) => [p.start, p.end])).toEqual([
      [0, 25],
      [30, 50],
    ]);
    expect(view.phases.every((p) => p.status === 'completed')).toBe(true);
  });

  test("validations, rollback and failure come from this upgrade's events only", () => {
    expect(view.validations.map((v) => [v.label, v.passed, v.stepId])).toEqual([
      ['control-plane at 1.31', true, 'gate:1.31:control-plane'],
      ['nodegroups at 1.31', false, 'gate:1.31:nodegroups'],
    ]);
    expect(view.rollback).toMatchObject({
      outcome: 'reverted',
      hop: '1.31',
      start: 55,
      end: 90,
      actionCount: 1,
    });
    expect(view.failure).toEqual({
      phase: 'validation',
      reason: 'gate nodegroups at 1.31 failed',
      error: 'ValidationFailed: latency_p99',
    });
    expect(view.span).toBe(90);
  });

  test('the final validation gets its own bar from the soak', () => {
    const final = buildUpgradeView(
      input({
        timeline: { ...input().timeline, finalSoakFrom: 60 },
        events: [...EVENTS, event(65, 'validation.success', { checks: [] })],
      }),
    );
    expect(final.steps.at(-1)).toMatchObject({
      id: 'validation:final',
      status: 'passed',
      start: 60,
      end: 65,
    });
  });

  test('a phase still open at the end runs to the end; a step started but not finished is running', () => {
    const running = buildUpgradeView(
      input({
        events: [event(0, 'phase.started', { phase: 'execution' })],
        timeline: { origin: new Date(ORIGIN).toISOString(), steps: { 'cp:1.31': { startedAt: 0 } } },
        simulatedMinutes: 10,
      }),
    );
    expect(running.phases).toEqual([{ phase: 'execution', start: 0, end: 10, status: 'running' }]);
    expect(running.steps[0]).toMatchObject({ status: 'running', start: 0, end: 10 });
  });

  test('figures are listed as text, maps with their total', () => {
    expect(view.figures).toEqual([
      { name: 'stateTransitions', value: '40' },
      { name: 'lambdaInvocations', value: '9 (execution 6, rollback 3)' },
    ]);
  });
});

describe('renderUpgradeHtml', () => {
  test('one bar per step that ran, the failed gate marked, the findings as text', () => {
    const html = renderUpgradeHtml(buildUpgradeView(input()));
    expect(html.match(/class="bar step /g)).toHaveLength(5);
    expect(html).toContain('data-step-id="gate:1.31:nodegroups" data-status="failed"');
    // The two node groups that moved together are marked so, and nothing else.
    expect(html.match(/∥\d+/g)).toEqual(['∥1', '∥1']);
    expect(html).toContain('title="ran at the same time as ng:b"');
    expect(html).toContain('batch-spot is behind');
    expect(html).toContain('rollback-control-plane');
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });

  test('a finding with <script> renders as text', () => {
    const html = renderUpgradeHtml(
      buildUpgradeView(
        input({
          findings: [{ code: 'X"><img', severity: 'warn', message: '<script>alert(1)</script> & more' }],
        }),
      ),
    );
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(html).toContain('X&quot;&gt;&lt;img');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
  });

  test('any string from the data is escaped: no tag or attribute can be injected', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (name, message, reason) => {
        const html = renderUpgradeHtml(
          buildUpgradeView(
            input({
              clusterName: name,
              summary: reason,
              findings: [{ code: 'C', severity: 'warn', message }],
            }),
          ),
        );
        for (const text of [name, message, reason]) {
          expect(html).toContain(escapeHtml(text));
        }
        // The page's own markup is all there is: the same number of tags as with plain text.
        const plain = renderUpgradeHtml(
          buildUpgradeView(
            input({
              clusterName: 'n',
              summary: 'r',
              findings: [{ code: 'C', severity: 'warn', message: 'm' }],
            }),
          ),
        );
        expect(html.split('<').length).toBe(plain.split('<').length);
      }),
      { numRuns: propertyRuns(100) },
    );
  });

  test('escapeHtml leaves no markup character and reads back as the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        const back = escaped
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&');
        expect(back).toBe(text);
      }),
    );
  });
});
