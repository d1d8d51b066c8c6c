// Shared StrykerJS settings: jest runner over the in-process tests, perTest
// coverage (each mutant runs only the tests that reach it), incremental mode so
// a re-run after a small change tests only what changed.
export function config({ name, mutate, testPaths }) {
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
    incrementalFile: `reports/stryker/${name}.incremental.json`,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: `reports/stryker/${name}.json` },
    tempDirName: `.stryker-tmp/${name}`,
    cleanTempDir: 'always',
    thresholds: { high: 90, low: 85, break: null },
    timeoutMS: 20000,
  };
}
