import { describeStep } from '../cli/render/step-text';
import type { Finding, UpgradeStep } from '../domain/plan-types';

/**
 * What a picture of one upgrade shows, built from what the run recorded: the plan's
 * steps with when each ran, the phases and gates from the events, what rollback did,
 * the findings and the figures. Pure data, in minutes since the run began; the HTML
 * renderer (lib/report/html.ts) only lays it out.
 */

/** An agent event as the bus delivers it (the EventBridge envelope). */
export interface ViewEvent {
  readonly 'detail-type': string;
  readonly time: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** What names an upgrade, in the run report and on the page alike. */
interface UpgradeIdentity {
  readonly outcome: string;
  readonly summary: string;
  readonly clusterName: string;
  readonly fromVersion: string;
  readonly targetVersion: string;
  readonly strategy: string;
  readonly upgradeId: string;
  readonly scenario?: string;
}

/** The part of a run report the view reads (SandboxRunReport has all of it). */
export interface UpgradeViewInput extends UpgradeIdentity {
  readonly findings: readonly Finding[];
  readonly steps: readonly UpgradeStep[];
  readonly timeline: {
    readonly origin: string;
    readonly steps: Readonly<Record<string, { readonly startedAt?: number; readonly finishedAt?: number }>>;
    readonly finalSoakFrom?: number;
  };
  readonly changes: readonly { readonly resource: string; readonly from: string; readonly to: string }[];
  readonly finalState?: {
    readonly controlPlane: string;
    readonly nodegroups: Readonly<Record<string, string>>;
    readonly addons: Readonly<Record<string, string>>;
  };
  readonly simulatedMinutes: number;
  readonly figures: Readonly<Record<string, number | Readonly<Record<string, number>>>>;
  readonly events: readonly ViewEvent[];
}

export type BarStatus = 'done' | 'running' | 'failed' | 'passed' | 'not-run';

/** One row of the timeline: a plan step (a gate included). */
export interface StepBar {
  readonly index: number;
  readonly id: string;
  readonly kind: UpgradeStep['kind'];
  readonly hop: string;
  readonly label: string;
  readonly status: BarStatus;
  /** Minutes since the run began; absent for a step that did not run here. */
  readonly start?: number;
  readonly end?: number;
  /** Ids of the steps whose bars overlap this one (they ran at the same time). */
  readonly alongside: readonly string[];
}

export interface PhaseSpan {
  readonly phase: string;
  readonly start: number;
  readonly end: number;
  readonly status: 'completed' | 'failed' | 'running';
}

export interface CheckView {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** A validation: a hop's gate or the final one. */
export interface ValidationView {
  /** `control-plane at 1.31`, or `final`. */
  readonly label: string;
  readonly stepId?: string;
  readonly at: number;
  readonly passed: boolean;
  readonly checks: readonly CheckView[];
}

export interface RollbackView {
  readonly outcome: string;
  readonly trigger?: string;
  readonly reason?: string;
  readonly hop?: string;
  readonly start: number;
  readonly end?: number;
  readonly actions: readonly {
    readonly action: string;
    readonly resource: string;
    readonly result: string;
  }[];
  /** All the actions, when more than the event lists. */
  readonly actionCount: number;
}

export interface UpgradeView extends UpgradeIdentity {
  readonly title: string;
  /** Minute 0 (ISO 8601). */
  readonly origin: string;
  /** The timeline's length in minutes (at least 1). */
  readonly span: number;
  readonly phases: readonly PhaseSpan[];
  readonly steps: readonly StepBar[];
  readonly validations: readonly ValidationView[];
  readonly rollback?: RollbackView;
  readonly failure?: { readonly phase: string; readonly reason: string; readonly error: string };
  readonly findings: readonly Finding[];
  readonly changes: UpgradeViewInput['changes'];
  readonly finalState?: UpgradeViewInput['finalState'];
  /** Figure name -> its value as text, in the report's order. */
  readonly figures: readonly { readonly name: string; readonly value: string }[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

function minutesAt(origin: number, iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, (t - origin) / 60_000);
}

/** `control-plane at 1.31` for a gate's validation, `final` for the last one. */
function gateLabel(gate: unknown): { label: string; stage?: string; hop?: string } {
  if (gate && typeof gate === 'object') {
    const g = gate as { stage?: unknown; hop?: unknown };
    return { label: `${str(g.stage)} at ${str(g.hop)}`, stage: str(g.stage), hop: str(g.hop) };
  }
  return { label: 'final' };
}

/**
 * Phase spans from phase.started / completed / failed. A phase that completes
 * without having started again (execution, after a gate passed) resumed when the
 * phase before it handed over.
 */
function phaseSpans(
  events: readonly { at: number; type: string; phase: string }[],
  end: number,
): PhaseSpan[] {
  const spans: PhaseSpan[] = [];
  const open = new Map<string, number>();
  let handover = 0;
  for (const e of events) {
    if (e.type === 'phase.started') {
      open.set(e.phase, e.at);
    } else if (e.type === 'phase.completed' || e.type === 'phase.failed') {
      const start = open.get(e.phase) ?? handover;
      open.delete(e.phase);
      spans.push({
        phase: e.phase,
        start,
        end: e.at,
        status: e.type === 'phase.failed' ? 'failed' : 'completed',
      });
      handover = e.at;
    }
  }
  for (const [phase, start] of open) spans.push({ phase, start, end, status: 'running' });
  return spans.sort((a, b) => a.start - b.start || a.end - b.end);
}

function formatFigure(value: number | Readonly<Record<string, number>>): string {
  if (typeof value === 'number') return String(value);
  const entries = Object.entries(value).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return entries.length === 0 ? '0' : `${total} (${entries.map(([k, n]) => `${k} ${n}`).join(', ')})`;
}

/** The view of one upgrade from its run report. Pure: the same report gives the same view. */
export function buildUpgradeView(input: UpgradeViewInput): UpgradeView {
  const origin = Date.parse(input.timeline.origin);
  const own = input.events
    .filter((e) => e.detail.upgradeId === input.upgradeId)
    .map((e) => ({ event: e, at: minutesAt(origin, e.time), type: e['detail-type'] }));
  const lastEvent = own.reduce((m, e) => Math.max(m, e.at), 0);
  const end = Math.max(input.simulatedMinutes, lastEvent);

  const validations: ValidationView[] = [];
  for (const { event, at, type } of own) {
    if (type !== 'validation.success' && type !== 'validation.failure') continue;
    const gate = gateLabel(event.detail.gate);
    const gateStep = input.steps.find(
      (s) => s.kind === 'gate' && s.stage === gate.stage && s.hop === gate.hop,
    );
    const checks = Array.isArray(event.detail.checks) ? (event.detail.checks as unknown[]) : [];
    validations.push({
      label: gate.label,
      ...(gateStep ? { stepId: gateStep.id } : {}),
      at,
      passed: type === 'validation.success',
      checks: checks.map((c) => {
        const check = (c ?? {}) as { name?: unknown; passed?: unknown; detail?: unknown };
        return { name: str(check.name), passed: check.passed === true, detail: str(check.detail) };
      }),
    });
  }

  const bars = input.steps.map((step, i): Omit<StepBar, 'alongside'> => {
    const times = input.timeline.steps[step.id] ?? {};
    const validation = validations.find((v) => v.stepId === step.id);
    const start = times.startedAt;
    const finish = times.finishedAt ?? (step.kind === 'gate' ? validation?.at : undefined);
    let status: BarStatus;
    if (step.kind === 'gate' && validation) status = validation.passed ? 'passed' : 'failed';
    else if (finish !== undefined) status = 'done';
    else if (start !== undefined) status = 'running';
    else status = 'not-run';
    return {
      index: i + 1,
      id: step.id,
      kind: step.kind,
      hop: step.hop,
      label: describeStep(step),
      status,
      ...(start !== undefined ? { start } : {}),
      ...(start !== undefined ? { end: finish ?? end } : {}),
    };
  });
  // Steps ran together when their bars overlap for some time (not just touch).
  const steps: StepBar[] = bars.map((bar) => ({
    ...bar,
    alongside: bars
      .filter(
        (other) =>
          other.id !== bar.id &&
          bar.start !== undefined &&
          other.start !== undefined &&
          other.start < (bar.end ?? bar.start) &&
          bar.start < (other.end ?? other.start),
      )
      .map((other) => other.id),
  }));
  if (input.timeline.finalSoakFrom !== undefined) {
    const final = validations.find((v) => v.label === 'final');
    steps.push({
      index: steps.length + 1,
      id: 'validation:final',
      kind: 'gate',
      hop: input.targetVersion,
      label: `Final validation at ${input.targetVersion}: service levels over a soak, and cluster health`,
      status: final === undefined ? 'running' : final.passed ? 'passed' : 'failed',
      start: input.timeline.finalSoakFrom,
      end: final?.at ?? end,
      alongside: [],
    });
  }

  const phases = phaseSpans(
    own.map(({ at, type, event }) => ({ at, type, phase: str(event.detail.phase) })),
    end,
  );

  const triggered = own.find((e) => e.type === 'rollback.triggered');
  const completed = own.find((e) => e.type === 'rollback.completed');
  let rollback: RollbackView | undefined;
  if (triggered || completed) {
    const d = completed?.event.detail ?? {};
    const actions = Array.isArray(d.actions) ? (d.actions as unknown[]) : [];
    rollback = {
      outcome: completed ? str(d.outcome) : 'running',
      ...(triggered
        ? { trigger: str(triggered.event.detail.trigger), reason: str(triggered.event.detail.reason) }
        : {}),
      ...(d.hop !== undefined ? { hop: str(d.hop) } : {}),
      start: (triggered ?? completed)?.at ?? 0,
      ...(completed ? { end: completed.at } : {}),
      actions: actions.map((a) => {
        const action = (a ?? {}) as { action?: unknown; resource?: unknown; result?: unknown };
        return { action: str(action.action), resource: str(action.resource), result: str(action.result) };
      }),
      actionCount: typeof d.actionCount === 'number' ? d.actionCount : actions.length,
    };
  }
  const failed = [...own].reverse().find((e) => e.type === 'upgrade.failed');
  const failure = failed
    ? {
        phase: str(failed.event.detail.phase),
        reason: str(failed.event.detail.reason),
        error: (() => {
          const err = (failed.event.detail.error ?? {}) as { name?: unknown; message?: unknown };
          return `${str(err.name)}: ${str(err.message)}`;
        })(),
      }
    : undefined;

  return {
    title: `Upgrade ${input.clusterName} ${input.fromVersion} → ${input.targetVersion}`,
    outcome: input.outcome,
    summary: input.summary,
    clusterName: input.clusterName,
    fromVersion: input.fromVersion,
    targetVersion: input.targetVersion,
    strategy: input.strategy,
    upgradeId: input.upgradeId,
    ...(input.scenario !== undefined ? { scenario: input.scenario } : {}),
    origin: input.timeline.origin,
    span: Math.max(1, end),
    phases,
    steps,
    validations,
    ...(rollback ? { rollback } : {}),
    ...(failure ? { failure } : {}),
    findings: input.findings,
    changes: input.changes,
    ...(input.finalState ? { finalState: input.finalState } : {}),
    figures: Object.entries(input.figures).map(([name, value]) => ({ name, value: formatFigure(value) })),
  };
}
