/**
 * How late the execution phase sees an EKS update end, and how many polls it spends,
 * over the sandbox's duration model (lib/sandbox/eks: a control-plane hop 25 min, an
 * add-on 3 min, a node group 5 min per batch of maxUnavailable nodes: exactly what the
 * plan estimates), per step kind and over all kinds, against a fixed 30 s interval and
 * against the previous adaptive rule (first look at the estimate, then every 3 % of the
 * time taken). Real EKS durations vary, so the same figures are printed for updates
 * that end early (0.8x-1x) and that overrun (1.1x-2x). Goal (issue 11): mean latency
 * under 2 % of the duration with at most half the fixed interval's polls. A benchmark,
 * not a test.
 * Run: npm run bench:detection
 */
import { defaultConfig } from '../lib/domain/config';
import { nextCheckSeconds, OVERDUE_FRACTION } from '../lib/domain/detection';
import { nodegroupMinutes } from '../lib/domain/estimates';
import { DEFAULT_POLICY } from '../lib/domain/plan-types';
import type { Nodegroup } from '../lib/domain/snapshot';

const tuning = defaultConfig().execution;
type Rule = (estimate: number, elapsed: number) => number;

const current: Rule = (estimate, elapsed) => nextCheckSeconds(estimate, elapsed, tuning);
const clamp = (v: number) => Math.min(tuning.maxPollSeconds, Math.max(tuning.minPollSeconds, Math.round(v)));
const previous: Rule = (estimate, elapsed) =>
  elapsed < estimate
    ? Math.min(tuning.maxPollSeconds, Math.ceil(estimate - elapsed))
    : clamp(elapsed * OVERDUE_FRACTION);
const fixed: Rule = () => 30;

/** Polls until the first look at or after `duration`; returns the latency and the polls. */
function detect(rule: Rule, estimate: number, duration: number): { latency: number; polls: number } {
  let t = 0;
  let polls = 0;
  while (t < duration) {
    t += rule(estimate, t);
    polls += 1;
  }
  return { latency: t - duration, polls };
}

interface Case {
  readonly kind: string;
  readonly estimate: number;
}

function nodegroupCases(): Case[] {
  const cases: Case[] = [];
  for (const nodes of [1, 2, 3, 4, 6, 10, 20, 50]) {
    for (const updateConfig of [
      { maxUnavailable: 1 },
      { maxUnavailable: 3 },
      { maxUnavailablePercentage: 33 },
    ]) {
      const ng = {
        nodegroupName: 'n',
        scalingConfig: { desiredSize: nodes },
        updateConfig,
      } as unknown as Nodegroup;
      cases.push({ kind: 'nodegroup', estimate: nodegroupMinutes(ng, DEFAULT_POLICY) * 60 });
    }
  }
  return cases;
}

const cases: Case[] = [
  { kind: 'control-plane', estimate: DEFAULT_POLICY.durations.controlPlaneMinutes * 60 },
  { kind: 'addon', estimate: DEFAULT_POLICY.durations.addonMinutes * 60 },
  ...nodegroupCases(),
];

function table(title: string, ratios: readonly number[]): void {
  const rows: Record<string, string | number>[] = [];
  for (const kind of ['control-plane', 'addon', 'nodegroup', 'all']) {
    const mine = cases.filter((c) => kind === 'all' || c.kind === kind);
    const runs = (rule: Rule) =>
      mine.flatMap((c) =>
        ratios.map((r) => {
          const duration = Math.round(c.estimate * r);
          const d = detect(rule, c.estimate, duration);
          return { ...d, share: d.latency / duration };
        }),
      );
    const [now, before, every30] = [runs(current), runs(previous), runs(fixed)];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
    const polls = (rs: { polls: number }[]) => rs.reduce((a, b) => a + b.polls, 0);
    rows.push({
      kind,
      updates: now.length,
      'mean latency': pct(mean(now.map((x) => x.share))),
      'max latency': pct(Math.max(...now.map((x) => x.share))),
      polls: polls(now),
      'fixed 30 s polls': polls(every30),
      'polls / fixed': Number((polls(now) / polls(every30)).toFixed(3)),
      'previous mean latency': pct(mean(before.map((x) => x.share))),
      'previous polls': polls(before),
    });
  }
  console.log(title);
  console.table(rows);
}

table('The sandbox duration model (every update ends at its estimate):', [1]);
table(
  'Early ends: updates ending at 0.8x, 0.85x, 0.9x, 0.95x and 1x their estimate:',
  [0.8, 0.85, 0.9, 0.95, 1],
);
table('Overruns: updates ending at 1.1x, 1.25x, 1.5x and 2x their estimate:', [1.1, 1.25, 1.5, 2]);
