import { formatMinutes } from '../cli/render/step-text';
import type { BarStatus, StepBar, UpgradeView } from './view';

/**
 * One self-contained HTML page of an upgrade: inline CSS, no script, no external
 * asset, readable as it is opened. Every string from the view is escaped: names,
 * findings and reasons come from data the agent does not control.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const e = escapeHtml;

const OUTCOME_TEXT: Record<string, string> = {
  completed: 'Completed',
  planned: 'Planned (dry run)',
  blocked: 'Blocked: cluster not touched',
  'rolled-back': 'Rolled back',
  failed: 'Failed',
  rejected: 'Not started',
  duplicate: 'Duplicate: nothing started',
};

const STATUS_TEXT: Record<BarStatus, string> = {
  done: 'done',
  running: 'running',
  failed: 'FAILED',
  passed: 'passed',
  'not-run': 'not run',
};

const CSS = `
:root{--ok:#1a7f37;--bad:#cf222e;--run:#9a6700;--muted:#6e7781;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:24px;color:#1f2328;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.outcome{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff;background:var(--muted)}
.outcome-completed,.outcome-planned{background:var(--ok)}.outcome-rolled-back,.outcome-failed,.outcome-rejected{background:var(--bad)}.outcome-blocked{background:var(--run)}
.meta{color:var(--muted);margin:6px 0}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid var(--line)}
th{background:var(--bg);font-weight:600}
.timeline{border:1px solid var(--line);border-radius:6px;padding:8px;background:#fff}
.row{display:grid;grid-template-columns:340px 1fr 130px;align-items:center;gap:8px;min-height:22px}
.row .label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.row .dur{color:var(--muted);font-variant-numeric:tabular-nums;text-align:right}
.track{position:relative;height:16px;background:var(--bg);border-radius:3px}
.bar{position:absolute;top:2px;height:12px;min-width:3px;border-radius:3px;background:#0969da}
.bar.kind-gate{background:#8250df}.bar.status-passed{background:#8250df}.bar.status-failed{background:var(--bad)}
.bar.status-running{background:var(--run)}.bar.phase{background:#57606a}.bar.phase.status-failed{background:var(--bad)}
.bar.rollback{background:var(--run)}
.row.status-not-run .label{color:var(--muted)}
.row.status-failed .label{color:var(--bad);font-weight:600}
.lane-title{font-weight:600;margin:8px 0 2px}
.axis{position:relative;height:18px;color:var(--muted);font-size:12px}
.axis span{position:absolute;transform:translateX(-50%)}
.parallel{color:#0969da;font-size:12px}
.pass{color:var(--ok);font-weight:600}.fail{color:var(--bad);font-weight:600}
.sev-block{color:var(--bad);font-weight:600}.sev-warn{color:var(--run);font-weight:600}.sev-info{color:var(--muted)}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
`;

function clock(minutes: number): string {
  const m = Math.round(minutes);
  return `+${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function duration(start: number, end: number): string {
  return formatMinutes(Math.round(end - start));
}

/** left and width of a bar, in % of the timeline (at least a sliver, so an instant shows). */
function place(view: UpgradeView, start: number, end: number): string {
  const left = (Math.min(start, view.span) / view.span) * 100;
  const width = Math.max(0.4, ((Math.max(end, start) - start) / view.span) * 100);
  return `left:${left.toFixed(3)}%;width:${Math.min(width, 100 - left).toFixed(3)}%`;
}

function axis(view: UpgradeView): string {
  const steps = [15, 30, 60, 120, 240, 480, 960, 1440];
  const every = steps.find((s) => view.span / s <= 10) ?? Math.ceil(view.span / 10);
  const ticks: string[] = [];
  for (let m = 0; m <= view.span; m += every) {
    ticks.push(`<span style="left:${((m / view.span) * 100).toFixed(3)}%">${clock(m)}</span>`);
  }
  return `<div class="row"><div></div><div class="axis">${ticks.join('')}</div><div></div></div>`;
}

function stepRow(view: UpgradeView, step: StepBar): string {
  const title = `${step.label}: ${STATUS_TEXT[step.status]}${
    step.start !== undefined ? `, ${clock(step.start)} to ${clock(step.end ?? step.start)}` : ''
  }`;
  const bar =
    step.start === undefined
      ? ''
      : `<div class="bar step kind-${e(step.kind)} status-${step.status}" data-step-id="${e(step.id)}" data-status="${step.status}" style="${place(view, step.start, step.end ?? step.start)}" title="${e(title)}"></div>`;
  const together =
    step.alongside.length > 0
      ? `<span class="parallel" title="${e(`ran at the same time as ${step.alongside.join(', ')}`)}">∥${step.alongside.length}</span> `
      : '';
  const dur =
    step.start === undefined
      ? STATUS_TEXT[step.status]
      : `${step.status === 'failed' ? 'FAILED ' : ''}${duration(step.start, step.end ?? step.start)}`;
  return `<div class="row step-row status-${step.status}" data-step-id="${e(step.id)}"><div class="label" title="${e(step.label)}">${step.index}. ${e(step.label)}</div><div class="track">${bar}</div><div class="dur">${together}${e(dur)}</div></div>`;
}

function timeline(view: UpgradeView): string {
  // One row per phase, a bar per time it ran (execution runs again after each gate).
  const names = [...new Set(view.phases.map((p) => p.phase))];
  const phases = names
    .map((name) => {
      const spans = view.phases.filter((p) => p.phase === name);
      const total = spans.reduce((sum, p) => sum + (p.end - p.start), 0);
      const bars = spans
        .map(
          (p) =>
            `<div class="bar phase status-${p.status}" data-phase="${e(p.phase)}" style="${place(view, p.start, p.end)}" title="${e(`${p.phase} ${p.status}, ${clock(p.start)} to ${clock(p.end)}`)}"></div>`,
        )
        .join('');
      return `<div class="row phase-row"><div class="label">${e(name)}${spans.length > 1 ? ` (${spans.length} runs)` : ''}</div><div class="track">${bars}</div><div class="dur">${e(formatMinutes(Math.round(total)))}</div></div>`;
    })
    .join('');
  const rb = view.rollback;
  const rollbackRow = rb
    ? `<div class="lane-title">Rollback</div><div class="row rollback-row"><div class="label">rollback: ${e(rb.outcome)}</div><div class="track"><div class="bar rollback" style="${place(view, rb.start, rb.end ?? view.span)}" title="${e(`rollback ${rb.outcome}, ${clock(rb.start)} to ${clock(rb.end ?? view.span)}`)}"></div></div><div class="dur">${e(duration(rb.start, rb.end ?? view.span))}</div></div>`
    : '';
  return `<section class="timeline" aria-label="timeline">${axis(view)}<div class="lane-title">Phases</div>${phases}<div class="lane-title">Steps and gates (∥N: ran at the same time as N others)</div>${view.steps.map((s) => stepRow(view, s)).join('')}${rollbackRow}${axis(view)}</section>`;
}

function validations(view: UpgradeView): string {
  if (view.validations.length === 0) return '<p>No validation ran.</p>';
  return view.validations
    .map(
      (v) =>
        `<div class="validation ${v.passed ? 'passed' : 'failed'}" data-gate="${e(v.label)}"><h3>${v.passed ? '<span class="pass">passed</span>' : '<span class="fail">FAILED</span>'} ${e(v.label)} <small class="meta">at ${clock(v.at)}</small></h3><table><tr><th>check</th><th>result</th><th>detail</th></tr>${v.checks
          .map(
            (c) =>
              `<tr><td>${e(c.name)}</td><td class="${c.passed ? 'pass' : 'fail'}">${c.passed ? 'pass' : 'FAIL'}</td><td>${e(c.detail)}</td></tr>`,
          )
          .join('')}</table></div>`,
    )
    .join('');
}

function rollbackSection(view: UpgradeView): string {
  const rb = view.rollback;
  if (!rb) return '';
  const more =
    rb.actionCount > rb.actions.length
      ? `<p>${rb.actions.length} of ${rb.actionCount} actions shown; the artifact store holds them all.</p>`
      : '';
  return `<h2>What rollback did</h2><p><strong>${e(rb.outcome)}</strong>${rb.hop ? ` (hop ${e(rb.hop)})` : ''}${rb.trigger ? `, triggered by ${e(rb.trigger)}` : ''}${rb.reason ? `: ${e(rb.reason)}` : ''}</p><table class="rollback-actions"><tr><th>action</th><th>resource</th><th>result</th></tr>${rb.actions
    .map((a) => `<tr><td>${e(a.action)}</td><td>${e(a.resource)}</td><td>${e(a.result)}</td></tr>`)
    .join('')}</table>${more}`;
}

function findings(view: UpgradeView): string {
  if (view.findings.length === 0) return '<p>None.</p>';
  return `<table class="findings"><tr><th>severity</th><th>code</th><th>finding</th></tr>${view.findings
    .map(
      (f) =>
        `<tr class="finding"><td class="sev-${e(f.severity)}">${e(f.severity)}</td><td><code>${e(f.code)}</code></td><td>${e(f.message)}</td></tr>`,
    )
    .join('')}</table>`;
}

function changes(view: UpgradeView): string {
  const rows = view.changes
    .map((c) => `<tr><td>${e(c.resource)}</td><td>${e(c.from)}</td><td>${e(c.to)}</td></tr>`)
    .join('');
  const changed =
    view.changes.length === 0
      ? '<p>No version changed.</p>'
      : `<table><tr><th>resource</th><th>from</th><th>to</th></tr>${rows}</table>`;
  const fs = view.finalState;
  if (!fs) return changed;
  const list = (r: Readonly<Record<string, string>>) =>
    Object.entries(r)
      .map(([name, v]) => `${e(name)} ${e(v)}`)
      .join(', ') || 'none';
  return `${changed}<p><strong>Final state</strong>: control plane ${e(fs.controlPlane)}; node groups ${list(fs.nodegroups)}; add-ons ${list(fs.addons)}</p>`;
}

/** The page. Pure: the same view gives the same bytes. */
export function renderUpgradeHtml(view: UpgradeView): string {
  const failure = view.failure
    ? `<p class="failure"><strong>Failed in ${e(view.failure.phase)}</strong>: ${e(view.failure.reason)} <code>${e(view.failure.error)}</code></p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(view.title)}</title><style>${CSS}</style></head>
<body>
<header><h1>${e(view.title)}</h1>
<p><span class="outcome outcome-${e(view.outcome)}" data-outcome="${e(view.outcome)}">${e(OUTCOME_TEXT[view.outcome] ?? view.outcome)}</span> ${e(view.summary)}</p>
<p class="meta">upgrade <code>${e(view.upgradeId || '-')}</code> · strategy ${e(view.strategy)}${view.scenario ? ` · scenario ${e(view.scenario)}` : ''} · began ${e(view.origin)} · ${e(formatMinutes(Math.round(view.span)))}</p>
${failure}</header>
<h2>Timeline</h2>
${timeline(view)}
<h2>Validation</h2>
${validations(view)}
${rollbackSection(view)}
<h2>Findings (${view.findings.length})</h2>
${findings(view)}
<h2>Changes</h2>
${changes(view)}
<h2>Figures</h2>
<table class="figures">${view.figures.map((f) => `<tr><th>${e(f.name)}</th><td>${e(f.value)}</td></tr>`).join('')}</table>
</body></html>
`;
}
