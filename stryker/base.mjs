import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Shared StrykerJS settings: jest runner over the in-process tests, perTest
// coverage (each mutant runs only the tests that reach it), incremental mode so
// a re-run after a small change tests only what changed. The incremental files are
// committed (stryker/incremental/): reports/ does not outlive a checkout, and a full run
// of a scope is many minutes on two cores.
export function config({ name, mutate, testPaths, incrementalFile = `stryker/incremental/${name}.json` }) {
  const tempDirName = `.stryker-tmp/${name}`;
  linkSharedBeside(tempDirName);
  // npm run mutate runs a split scope one shard at a time (stryker/run.ts): STRYKER_SHARD
  // names the shard (domain.2-of-4), STRYKER_SHARD_FILES lists its files.
  const shard = process.env.STRYKER_SHARD;
  const sharded = shard?.startsWith(`${name}.`) && process.env.STRYKER_SHARD_FILES !== undefined;
  const report = sharded ? shard : name;
  return {
    packageManager: 'npm',
    testRunner: 'jest',
    jest: {
      projectType: 'custom',
      configFile: 'jest.config.cjs',
      config: {
        testMatch: testPaths.map((p) => `<rootDir>/${p}`),
        // Each mutant loads only the test files that hold a test covering it (stryker/jest/).
        setupFilesAfterEnv: ['<rootDir>/stryker/jest/record-test-files.cjs'],
        testSequencer: '<rootDir>/stryker/jest/sequencer.cjs',
      },
      // Each mutant loads only the test files that import its file (jest --findRelatedTests)
      // instead of every test file of the scope: trigger.ts against the phases tests took
      // 47 s instead of 4 min 11 s, same 68 of 68 killed (2026-12-02).
      enableFindRelatedTests: true,
    },
    coverageAnalysis: 'perTest',
    concurrency: 2,
    mutate: sharded ? process.env.STRYKER_SHARD_FILES.split(',') : mutate,
    incremental: true,
    incrementalFile: sharded ? `stryker/incremental/${shard}.json` : incrementalFile,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: `reports/stryker/${report}.json` },
    tempDirName,
    // Every scope's temp dir (each holds a link to ../shared) and the reports stay out of
    // the copy a run makes: a link to a folder would break the copy of the next scope.
    ignorePatterns: ['/.stryker-tmp', '/reports'],
    cleanTempDir: 'always',
    // The dry run of a whole scope, with coverage per test, can pass 5 min on a busy machine.
    dryRunTimeoutMinutes: 20,
    thresholds: { high: 90, low: 85, break: null },
    // A mutant's run may take 1.5 times its tests' time, plus the dry run's whole overhead
    // (every test file loaded: 7 to 20 s), plus this. Infinite loops are the usual timeouts,
    // and each costs all of it: 5 s (Stryker's default) rather than 20.
    timeoutMS: 5000,
  };
}

/**
 * Tests read ../shared beside the repository (test/support/realworld.ts). Stryker runs
 * them in a copy at <tempDirName>/sandbox-XXXX, so the same relative path must resolve
 * there too: a link <tempDirName>/shared to the real one.
 */
function linkSharedBeside(tempDirName) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const shared = resolve(root, '..', 'shared');
  const link = join(root, tempDirName, 'shared');
  if (!existsSync(shared) || existsSync(link)) return;
  mkdirSync(join(root, tempDirName), { recursive: true });
  symlinkSync(shared, link, 'dir');
}
