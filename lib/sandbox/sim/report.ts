import { describeFault } from './faults';
import type { SeedResult } from './run-seed';

/**
 * What `npm run simulate` prints. Everything here is decided by the seeds alone (no
 * wall-clock figures, no random ids), so two runs of the same seeds print the same bytes.
 */

export function reproduction(seed: number): string {
  return `npm run simulate -- --seeds 1 --from ${seed}`;
}

export function seedLine(r: SeedResult): string {
  const s = r.shape;
  const faults = r.faults.length === 0 ? 'no faults' : r.faults.map(describeFault).join('; ');
  const verdict = r.violations.length === 0 ? 'ok' : `${r.violations.length} VIOLATION(S)`;
  return `seed ${r.seed} ${s.source} ${s.cluster} ${s.fromVersion}->${s.targetVersion} ng=${s.nodegroups} addons=${s.addons}${s.force ? ' force' : ''} | ${faults} | ${r.outcome} | ${verdict}`;
}

/** A failing seed: each violation, the one line that reproduces it, and the trail that broke it. */
export function failureBlock(r: SeedResult): string[] {
  const out = [`FAIL seed ${r.seed}: reproduce with: ${reproduction(r.seed)}`];
  for (const v of r.violations) {
    out.push(`  invariant ${v.invariant}: ${v.message}`);
    for (const line of v.trail) out.push(`    | ${line}`);
  }
  out.push('  history (virtual time):');
  for (const e of r.history.log) {
    if (e.kind === 'state' || e.kind === 'put') continue;
    const { seq: _seq, at, kind, ...rest } = e;
    out.push(`    ${at} ${kind} ${Object.values(rest).map(String).join(' ')}`);
  }
  out.push('  events put (virtual time):');
  for (const e of r.history.events)
    out.push(`    #${e.index} ${e.time} ${e.detailType}${e.upgradeId ? ` ${e.upgradeId}` : ''}`);
  return out;
}

export interface Totals {
  seeds: number;
  failed: number[];
  faults: Record<string, number>;
  outcomes: Record<string, number>;
  violations: Record<string, number>;
}

export function emptyTotals(): Totals {
  return { seeds: 0, failed: [], faults: {}, outcomes: {}, violations: {} };
}

export function addToTotals(t: Totals, r: SeedResult): void {
  t.seeds += 1;
  if (r.violations.length > 0) t.failed.push(r.seed);
  for (const kind of r.fired) t.faults[kind] = (t.faults[kind] ?? 0) + 1;
  const outcome = r.outcome.replace(/ \(.*\)$/, '');
  t.outcomes[outcome] = (t.outcomes[outcome] ?? 0) + 1;
  for (const v of r.violations) t.violations[v.invariant] = (t.violations[v.invariant] ?? 0) + 1;
}

export function summary(t: Totals, from: number): string[] {
  const list = (rec: Record<string, number>) =>
    Object.entries(rec)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}=${n}`)
      .join(' ') || 'none';
  return [
    `seeds ${from}..${from + t.seeds - 1}: ${t.seeds} run, ${t.seeds - t.failed.length} kept every invariant, ${t.failed.length} failed`,
    `faults injected (fired) by kind: ${list(t.faults)}`,
    `outcomes: ${list(t.outcomes)}`,
    `violations by invariant: ${list(t.violations)}`,
    ...(t.failed.length > 0 ? [`failing seeds: ${t.failed.join(' ')}`] : []),
  ];
}
