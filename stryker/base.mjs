import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Shared StrykerJS settings: jest runner over the in-process tests, perTest
// coverage (each mutant runs only the tests that reach it), incremental mode so
// a re-run after a small change tests only what changed. The incremental files are
// committed (stryker/incremental/): a full run takes hours on two cores, and reports/
// does not outlive a checkout.
export function config({ name, mutate, testPaths, incrementalFile = `stryker/incremental/${name}.json` }) {
  const tempDirName = `.stryker-tmp/${name}`;
  linkSharedBeside(tempDirName);
  return {
    packageManager: 'npm',
    testRunner: 'jest',
    jest: {
      projectType: 'custom',
      configFile: 'jest.config.cjs',
      config: { testMatch: testPaths.map((p) => `<rootDir>/${p}`) },
      enableFindRelatedTests: false,
    },
    coverageAnalysis: 'perTest',
    concurrency: 2,
    mutate,
    incremental: true,
    incrementalFile,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: `reports/stryker/${name}.json` },
    tempDirName,
    // Every scope's temp dir (each holds a link to ../shared) and the reports stay out of
    // the copy a run makes: a link to a folder would break the copy of the next scope.
    ignorePatterns: ['/.stryker-tmp', '/reports'],
    cleanTempDir: 'always',
    thresholds: { high: 90, low: 85, break: null },
    timeoutMS: 20000,
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
