/**
 * Planning time for a large cluster: 60 node groups, 3 hops, the usual add-ons.
 * Prints figures; it is a benchmark, not a test (no thresholds, no flakes).
 * Run: npm run bench:plan
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reason } from '../lib/domain/reason';
import { parseSnapshot } from '../lib/domain/snapshot';

const demo = JSON.parse(
  readFileSync(join(__dirname, '..', 'demo', 'snapshots', 'payments-prod-1.30.json'), 'utf8'),
);
const template = demo.nodegroups[0];
demo.cluster.version = '1.30';
demo.nodegroups = Array.from({ length: 60 }, (_, i) => ({
  ...template,
  nodegroupName: `ng-${String(i).padStart(2, '0')}`,
  version: i % 3 === 0 ? '1.29' : '1.30',
  scalingConfig: { minSize: 2, maxSize: 20, desiredSize: 3 + (i % 10) },
}));
const snapshot = parseSnapshot(demo);
const request = {
  targetVersion: '1.33',
  strategy: 'in_place' as const,
  force: false,
  now: '2026-11-28T00:00:00Z',
};

for (let i = 0; i < 50; i++) reason(snapshot, request); // warm-up
const runs = 500;
const times: number[] = [];
let steps = 0;
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  steps = reason(snapshot, request).steps.length;
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
const pct = (p: number) =>
  (times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0).toFixed(3);
const parseStart = process.hrtime.bigint();
parseSnapshot(demo);
const parseMs = Number(process.hrtime.bigint() - parseStart) / 1e6;
console.log(`plan: 60 node groups, 3 hops (1.30 -> 1.33), ${snapshot.addons.length} add-ons, ${steps} steps`);
console.log(`  runs ${runs}: p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms`);
console.log(`  snapshot validation (zod, once, warm): ${parseMs.toFixed(3)} ms`);
console.log(
  `  state size of the plan (JSON): ${Buffer.byteLength(JSON.stringify(reason(snapshot, request)))} bytes`,
);
