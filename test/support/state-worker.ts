/**
 * A second process on a sandbox state directory, for the cross-process tests. Run
 * with `node -r tsx/cjs test/support/state-worker.ts <mode> <stateDir> <startAtMs> [n]`;
 * it waits until startAtMs (so the processes overlap) and prints one JSON line.
 * - count: n locked increments of counter.json
 * - once: one call of the rollback once-guard for upgrade u-1, whose function
 *   appends this pid to ran.txt and takes 300 ms
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileOncePerUpgrade } from '../../lib/sandbox/once';
import { JsonStateFile } from '../../lib/sandbox/state-store';

async function main(): Promise<void> {
  const [mode, stateDir, startAt, n] = process.argv.slice(2);
  if (mode === undefined || stateDir === undefined || startAt === undefined) throw new Error('usage');
  while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 5));
  if (mode === 'count') {
    const file = new JsonStateFile(join(stateDir, 'counter.json'), (raw) => raw as { n: number });
    for (let i = 0; i < Number(n ?? 100); i++) {
      file.locked(() => file.save({ n: (file.load()?.n ?? 0) + 1 }));
    }
    process.stdout.write(`${JSON.stringify({ done: true })}\n`);
    return;
  }
  const once = fileOncePerUpgrade({ stateDir, purpose: 'rollback' });
  const rollback = once(async (_input: { upgradeId: string }) => {
    appendFileSync(join(stateDir, 'ran.txt'), `${process.pid}\n`);
    await new Promise((r) => setTimeout(r, 300));
    return { outcome: 'stopped' };
  });
  try {
    process.stdout.write(`${JSON.stringify({ result: await rollback({ upgradeId: 'u-1' }) })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: (error as Error).name })}\n`);
  }
}

void main();
