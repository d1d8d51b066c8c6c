import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AgentError } from '../../domain/errors';
import { addToTotals, emptyTotals, failureBlock, seedLine, summary } from './report';
import { runSeed } from './run-seed';
import { loadBases } from './shape';

/** `npm run simulate` was given arguments it cannot run. */
export class SimulateUsageError extends AgentError {
  override readonly name = 'SimulateUsageError';
  readonly retryable = false;
}

export interface SimulateOptions {
  readonly seeds: number;
  readonly from: number;
  readonly snapshots: readonly string[];
  readonly quiet: boolean;
}

const USAGE =
  'usage: npm run simulate -- --seeds N [--from S] [--snapshot FILE]... [--strategy in_place] [--quiet]';

/** @throws SimulateUsageError naming what to fix. */
export function parseSimulateArgs(argv: readonly string[]): SimulateOptions {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        seeds: { type: 'string' },
        from: { type: 'string' },
        snapshot: { type: 'string', multiple: true },
        strategy: { type: 'string' },
        quiet: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // Node's message spans lines ("Did you forget ..."); its first line says what is wrong.
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new SimulateUsageError(`${first}; ${USAGE}`);
  }
  const whole = (name: string, raw: unknown, min: number): number => {
    const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > 0xffffffff) {
      throw new SimulateUsageError(
        `--${name} must be a whole number from ${min} to 4294967295, got ${JSON.stringify(raw ?? null)}; ${USAGE}`,
      );
    }
    return value;
  };
  if (values.seeds === undefined) throw new SimulateUsageError(`--seeds is required; ${USAGE}`);
  const seeds = whole('seeds', values.seeds, 1);
  const from = values.from === undefined ? 1 : whole('from', values.from, 0);
  if (from + seeds - 1 > 0xffffffff)
    throw new SimulateUsageError(`--from ${from} with --seeds ${seeds} runs past seed 4294967295`);
  const strategy = values.strategy ?? 'in_place';
  if (strategy !== 'in_place') {
    throw new SimulateUsageError(
      strategy === 'blue_green'
        ? '--strategy blue_green is not simulated: the agent does not execute blue/green plans yet; use in_place'
        : `--strategy must be in_place, got ${JSON.stringify(strategy)}`,
    );
  }
  const snapshots = (values.snapshot as string[] | undefined) ?? [];
  for (const file of snapshots) {
    if (!existsSync(file)) throw new SimulateUsageError(`--snapshot ${file}: no such file`);
  }
  return { seeds, from, snapshots, quiet: values.quiet === true };
}

/**
 * Runs the seeds in order, printing one line per seed (failures with their trail) and
 * the totals to `out`; timing goes to `err`, so `out` is the same bytes on every run.
 * @returns 0 when every seed kept every invariant, 1 otherwise.
 */
export async function simulate(
  options: SimulateOptions,
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const bases = loadBases(options.snapshots);
  if (bases.length === 0) throw new SimulateUsageError('no snapshot to draw clusters from');
  const root = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const workDir = mkdtempSync(join(root, 'eks-upgrade-agent-sim-'));
  const totals = emptyTotals();
  const started = performance.now();
  try {
    for (let seed = options.from; seed < options.from + options.seeds; seed++) {
      const result = await runSeed(seed, { bases, workDir });
      addToTotals(totals, result);
      if (!options.quiet || result.violations.length > 0) io.out(seedLine(result));
      if (result.violations.length > 0) for (const line of failureBlock(result)) io.out(line);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  for (const line of summary(totals, options.from)) io.out(line);
  const seconds = (performance.now() - started) / 1000;
  io.err(
    `${totals.seeds} seed(s) in ${seconds.toFixed(1)} s: ${(totals.seeds / seconds).toFixed(2)} seeds/s`,
  );
  return totals.failed.length === 0 ? 0 : 1;
}

export async function main(argv: readonly string[]): Promise<number> {
  const io = {
    out: (l: string) => process.stdout.write(`${l}\n`),
    err: (l: string) => process.stderr.write(`${l}\n`),
  };
  try {
    return await simulate(parseSimulateArgs(argv), io);
  } catch (error) {
    if (error instanceof SimulateUsageError || (error instanceof AgentError && !error.retryable)) {
      io.err(`simulate: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
