import { simulate } from '../../lib/sandbox/sim/cli';

/**
 * The fixed block of seeds CI runs: every one must keep every invariant. Sized to
 * about a minute on a loaded 2-core machine (README, "Deterministic simulation");
 * the long run (10,000 seeds and more) is `npm run simulate -- --seeds 10000`.
 */
const CI_FROM = 1;
const CI_SEEDS = 120;

jest.setTimeout(600_000);

describe(`simulation: seeds ${CI_FROM}..${CI_FROM + CI_SEEDS - 1}`, () => {
  it('keeps every invariant on every seed (a failure prints the seed, its reproduction and its trail)', async () => {
    const out: string[] = [];
    const code = await simulate(
      { seeds: CI_SEEDS, from: CI_FROM, snapshots: [], quiet: true },
      { out: (line) => out.push(line), err: () => undefined },
    );
    // On failure the assertion shows the failing seeds' blocks: the reproduction and the trail.
    expect(
      out.filter((line) => !line.startsWith('seed ') || line.includes('VIOLATION')).join('\n'),
    ).not.toMatch(/FAIL seed/);
    expect(code).toBe(0);
    expect(out.at(-4)).toBe(
      `seeds ${CI_FROM}..${CI_FROM + CI_SEEDS - 1}: ${CI_SEEDS} run, ${CI_SEEDS} kept every invariant, 0 failed`,
    );
  });
});
