import type { RunProgress, SandboxRunReport } from '../../sandbox/local-run';
import { safeText } from './safe-text';
import { describeStep, formatMinutes } from './step-text';

const HEADLINE: Record<SandboxRunReport['outcome'], string> = {
  completed: 'COMPLETED',
  planned: 'PLANNED (dry run)',
  blocked: 'BLOCKED (cluster not touched)',
  'rolled-back': 'ROLLED BACK',
  failed: 'FAILED',
  rejected: 'NOT STARTED',
  duplicate: 'DUPLICATE (nothing started)',
  'awaiting-approval': 'AWAITING APPROVAL (cluster not touched yet)',
};

function clock(minutes: number): string {
  const m = Math.round(minutes);
  return `+${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** One progress line for stderr, or undefined for what is not worth a line (waits, phase.completed noise). */
export function renderProgress(p: RunProgress): string | undefined {
  const line = progressLine(p);
  return line === undefined ? undefined : safeText(line);
}

function progressLine(p: RunProgress): string | undefined {
  const at = `[${clock(p.at)}]`;
  switch (p.kind) {
    case 'step-started':
      return `${at} step ${p.index}/${p.total} started: ${describeStep(p.step)}\n`;
    case 'step-finished':
      return `${at} step ${p.index}/${p.total} done:    ${describeStep(p.step)}\n`;
    case 'wait':
    case 'retry':
      return undefined;
    case 'event': {
      const e = p.event;
      const d = e.detail as Record<string, unknown>;
      switch (e.detailType) {
        case 'phase.started':
          return `${at} ${String(d.phase)} phase started\n`;
        case 'phase.completed':
          return d.summary ? `${at} ${String(d.phase)}: ${String(d.summary)}\n` : undefined;
        case 'phase.failed': {
          const err = d.error as { name: string; message: string };
          return `${at} ${String(d.phase)} phase FAILED: ${err.name}: ${err.message}\n`;
        }
        case 'upgrade.started':
          return `${at} upgrade started: ${String(d.currentVersion)} -> ${String(d.targetVersion)}, ${String(d.stepCount)} steps, about ${formatMinutes(Number(d.estimatedMinutes))}\n`;
        case 'validation.success':
        case 'validation.failure': {
          const checks = (d.checks as { name: string; passed: boolean; detail: string }[]) ?? [];
          const lines = checks
            .map((c) => `           ${c.passed ? 'pass' : 'FAIL'} ${c.name}: ${c.detail}\n`)
            .join('');
          return `${at} ${e.detailType}\n${lines}`;
        }
        case 'rollback.triggered':
          return `${at} rollback triggered (${String(d.trigger)}): ${String(d.reason)}\n`;
        case 'rollback.completed':
          return `${at} rollback completed: ${String(d.outcome)}\n`;
        case 'upgrade.completed':
          return `${at} upgrade completed\n`;
        case 'upgrade.failed':
          return `${at} upgrade failed in ${String(d.phase)}: ${String(d.reason)}\n`;
        default:
          return undefined;
      }
    }
  }
}

function list(record: Record<string, number>): string {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  return entries.length === 0 ? '0' : `${total} (${entries.map(([k, n]) => `${k} ${n}`).join(', ')})`;
}

function versions(record: Readonly<Record<string, string>>): string {
  const entries = Object.entries(record);
  return entries.length === 0 ? 'none' : entries.map(([name, version]) => `${name} ${version}`).join(', ');
}

/** The final report, for people. */
export function renderRunReport(r: SandboxRunReport): string {
  const out: string[] = [];
  out.push(`Upgrade ${r.clusterName} ${r.fromVersion} -> ${r.targetVersion}: ${HEADLINE[r.outcome]}`);
  out.push(`  ${r.summary}`);
  out.push(`  scenario ${r.scenario}, strategy ${r.strategy}, upgrade id ${r.upgradeId || '-'}`);
  out.push('');
  out.push(`Steps: ${r.completedSteps} of ${r.plannedSteps} done`);
  if (r.changes.length === 0) out.push('Changes: none');
  else {
    out.push('Changes:');
    for (const c of r.changes) out.push(`  ${c.resource}: ${c.from} -> ${c.to}`);
  }
  if (r.findings.length > 0) {
    out.push(`Findings (${r.findings.length}):`);
    for (const f of r.findings) out.push(`  [${f.severity}] ${f.code}: ${f.message}`);
  }
  if (r.validation) {
    out.push(`Validation: ${r.validation.success ? 'passed' : 'FAILED'}`);
    for (const c of r.validation.checks) out.push(`  ${c.passed ? 'pass' : 'FAIL'} ${c.name}: ${c.detail}`);
  }
  if (r.rollback) {
    out.push(`Rollback: ${r.rollback.outcome}`);
    for (const a of r.rollback.actions) out.push(`  ${a.action} ${a.resource}: ${a.result}`);
  }
  const fs = r.finalState;
  out.push(
    `Final state: control plane ${fs.controlPlane}; node groups ${versions(fs.nodegroups)}; add-ons ${versions(fs.addons)}`,
  );
  if (fs.clusters) {
    const clusters = Object.entries(fs.clusters).map(([name, c]) => `${name} ${c.version} ${c.status}`);
    const weights = Object.entries(fs.trafficWeights ?? {}).map(([name, w]) => `${name} ${w}`);
    out.push(`Clusters: ${clusters.join(', ')}; traffic weights: ${weights.join(', ') || 'none'}`);
  }
  out.push('');
  out.push(
    `Time: ${formatMinutes(Math.round(r.simulatedMinutes))} simulated, ${(r.wallMilliseconds / 1000).toFixed(2)} s wall`,
  );
  const f = r.figures;
  out.push('Figures (what this upgrade costs in AWS):');
  out.push(`  state transitions   ${f.stateTransitions}`);
  out.push(`  Lambda invocations  ${list(f.lambdaInvocations)}`);
  out.push(`  EKS operations      ${list(f.awsApiCalls)} (a snapshot read is ~10 EKS/EC2 calls)`);
  out.push(`  polls               ${f.polls} (retries ${f.retries})`);
  out.push(
    `  events published    ${f.eventsPublished}; rule deliveries ${list(f.ruleDeliveries)}; dead-lettered ${f.deadLettered}`,
  );
  out.push(`  largest state       ${f.largestStateBytes} bytes (quota 262144)`);
  out.push(`  history events      ${f.historyEvents} (quota 25000)`);
  out.push(
    `  orchestration cost  ~$${f.estimatedOrchestrationCostUsd.toFixed(4)} (transitions, requests, events; Lambda compute not included)`,
  );
  return safeText(`${out.join('\n')}\n`);
}
