import fc from 'fast-check';
import { MUTATION_RUNS, runsFactor, underMutationTesting } from './support/property-runs';

// Silence the AWS SDK's Node 20 support notice in test output (TOOLCHAIN.md).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Mutation testing: fewer property runs, from one seed (see support/property-runs.ts).
if (underMutationTesting()) fc.configureGlobal({ numRuns: MUTATION_RUNS, seed: 20_261_202 });
// A soak run (PROPERTY_RUNS_FACTOR): fast-check's default of 100 runs, multiplied.
else if (runsFactor() > 1) fc.configureGlobal({ numRuns: 100 * runsFactor() });

// Mutation testing: nothing built by lib/domain/lazy.ts is kept. With perTest coverage
// Stryker runs, for a mutant, only the tests that executed it; a memoised schema or
// default is built by the first test of a file that reads it, so a mutant inside it
// would be tried against that one test and survive what every later test catches.
if (underMutationTesting()) {
  jest.mock('../lib/domain/lazy', () => ({
    lazy:
      <T>(build: () => T) =>
      () =>
        build(),
  }));
}
