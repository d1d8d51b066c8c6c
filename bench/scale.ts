/**
 * Big runs on the sandbox: the demo snapshot widened to 60 and to 500 node groups,
 * (without aws-ebs-csi-driver, which has no build on the way to 1.33) upgraded three hops (1.30 -> 1.33) with `run --sandbox`'s own code path, through
 * the real ASL, phases and rules. Prints the figures Step Functions' limits are
 * about (simulated time against the 48 h timeout, history events against 25,000,
 * largest state against 256 KB). A benchmark, not a test.
 * Run: npm run bench:scale [-- <node groups>...] [--parallel N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSandboxUpgrade } from '../lib/sandbox/local-run';
import { MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES } from '../lib/sandbox/local-sfn/limits';
import { DEMO_SNAPSHOT, wideDemoSnapshot } from '../test/support/wide-snapshot';

const args = process.argv.slice(2);
const parallelAt = args.indexOf('--parallel');
const parallel = parallelAt >= 0 ? Number(args[parallelAt + 1]) : undefined;
const sizes = args
  .filter((a, i) => !a.startsWith('--') && (parallelAt < 0 || i !== parallelAt + 1))
  .map(Number);

async function main(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const count of sizes.length > 0 ? sizes : [60, 500]) {
    const stateDir = mkdtempSync(join(tmpdir(), 'eua-scale-'));
    const r = await runSandboxUpgrade({
      stateDir,
      snapshotFile: DEMO_SNAPSHOT,
      snapshot: wideDemoSnapshot(count, ['aws-ebs-csi-driver']),
      targetVersion: '1.33',
      ...(parallel !== undefined ? { config: { execution: { maxParallelNodegroups: parallel } } } : {}),
    });
    rmSync(stateDir, { recursive: true, force: true });
    rows.push({
      nodegroups: count,
      outcome: r.outcome,
      steps: `${r.completedSteps}/${r.plannedSteps}`,
      'simulated h': Number((r.simulatedMinutes / 60).toFixed(1)),
      'history events': r.figures.historyEvents,
      transitions: r.figures.stateTransitions,
      polls: r.figures.polls,
      describeUpdate: r.figures.awsApiCalls.describeUpdate ?? 0,
      'largest state B': r.figures.largestStateBytes,
      'wall s': Number((r.wallMilliseconds / 1000).toFixed(1)),
    });
    if (r.outcome !== 'completed') console.error(`${count} node groups: ${r.summary}`);
  }
  console.table(rows);
  console.log(
    `limits: 48 h execution timeout, ${MAX_HISTORY_EVENTS} history events, ${MAX_PAYLOAD_BYTES} bytes per state`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
