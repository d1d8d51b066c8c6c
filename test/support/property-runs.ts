/**
 * Runs of a fast-check property. Under mutation testing (a Stryker worker: it sets
 * STRYKER_MUTATOR_WORKER) every mutant re-runs the properties that reach it, and the
 * planner's take seconds each, so they run at most MUTATION_RUNS times there, from a
 * fixed seed (test/setup-env.ts), which keeps a mutant's verdict the same on every run.
 * Fewer runs can only let a mutant survive, never kill one that the tests would not:
 * the scores are not flattered by it.
 */
export const MUTATION_RUNS = 20;

export function underMutationTesting(): boolean {
  return process.env.STRYKER_MUTATOR_WORKER !== undefined;
}

/**
 * A soak run: PROPERTY_RUNS_FACTOR=10 npx jest … multiplies every property's runs (and
 * fast-check's default of 100 for those that set none), to flush out a rare
 * counterexample before CI's random seed finds it. Not used by `npm test`.
 */
export function runsFactor(): number {
  const factor = Number(process.env.PROPERTY_RUNS_FACTOR ?? '1');
  return Number.isInteger(factor) && factor > 1 ? factor : 1;
}

export function propertyRuns(runs: number): number {
  return underMutationTesting() ? Math.min(runs, MUTATION_RUNS) : runs * runsFactor();
}
