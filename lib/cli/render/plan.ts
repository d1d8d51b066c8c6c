import type { Finding, UpgradePlan } from '../../domain/plan-types';
import { safeText } from './safe-text';
import { describeStep, formatMinutes } from './step-text';

export type OutputFormat = 'text' | 'json' | 'markdown';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'markdown'];

const MARK = { block: 'BLOCK', warn: 'WARN ', info: 'INFO ' } as const;

function headline(plan: UpgradePlan): string {
  return plan.verdict === 'ready'
    ? `READY: ${plan.steps.length} step(s), about ${formatMinutes(plan.estimatedMinutes)}`
    : `BLOCKED: ${plan.findings.filter((f) => f.severity === 'block').length} blocking finding(s); nothing will be changed`;
}

/** A terminal summary. */
export function renderText(plan: UpgradePlan): string {
  const lines = [
    `Cluster ${plan.cluster}: ${plan.currentVersion} -> ${plan.targetVersion} (${plan.strategy})`,
    headline(plan),
    '',
  ];
  if (plan.findings.length > 0) {
    lines.push('Findings:');
    for (const f of plan.findings) lines.push(`  ${MARK[f.severity]} ${f.code}: ${f.message}`);
    lines.push('');
  }
  if (plan.steps.length > 0) {
    lines.push('Steps:');
    plan.steps.forEach((s, i) => {
      lines.push(
        `  ${String(i + 1).padStart(2)}. [${s.hop}] ${describeStep(s)}  (~${formatMinutes(s.estimatedMinutes)})`,
      );
    });
    lines.push('', `Estimated total: ${formatMinutes(plan.estimatedMinutes)}`);
  }
  return safeText(`${lines.join('\n')}\n`);
}

/** The machine-readable plan. */
export function renderJson(plan: UpgradePlan): string {
  return safeText(`${JSON.stringify(plan, null, 2)}\n`);
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function findingRows(findings: readonly Finding[]): string[] {
  return findings.map((f) => `| ${f.severity} | \`${f.code}\` | ${escapeCell(f.message)} |`);
}

/** A playbook an operator can paste into a change ticket. */
export function renderMarkdown(plan: UpgradePlan): string {
  const lines = [
    `# EKS upgrade: ${plan.cluster} ${plan.currentVersion} → ${plan.targetVersion}`,
    '',
    `- **Strategy:** ${plan.strategy}`,
    `- **Verdict:** ${plan.verdict === 'ready' ? 'ready' : '**blocked** — resolve the blocking findings first'}`,
    `- **Steps:** ${plan.steps.length}, estimated ${formatMinutes(plan.estimatedMinutes)}`,
    '',
    '## Preflight findings',
    '',
  ];
  if (plan.findings.length === 0) lines.push('None.');
  else lines.push('| Severity | Code | Finding |', '| --- | --- | --- |', ...findingRows(plan.findings));
  lines.push('', '## Steps', '');
  if (plan.steps.length === 0) lines.push('None.');
  plan.steps.forEach((s, i) => {
    lines.push(`${i + 1}. [ ] **${describeStep(s)}** (hop ${s.hop}, ~${formatMinutes(s.estimatedMinutes)})`);
  });
  lines.push(
    '',
    '## Rollback',
    '',
    '- A control-plane hop cannot be paused or cancelled once started; EKS reverts it itself if its health checks fail.',
    '- Within 7 days of a hop, EKS can roll the control plane back to the previous minor (add-ons and node groups are not rolled back).',
    '- Stop after the failing step; do not start the next hop until validation passes.',
    '',
  );
  return safeText(lines.join('\n'));
}

export function renderPlan(plan: UpgradePlan, format: OutputFormat): string {
  switch (format) {
    case 'text':
      return renderText(plan);
    case 'json':
      return renderJson(plan);
    case 'markdown':
      return renderMarkdown(plan);
  }
}
