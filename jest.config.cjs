/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // Jest's default is one worker less than the cores: one on a 2-core machine. Most of the
  // slow suites wait on child processes (the CLI, sls package, invoke local), so a worker
  // per core ran the whole suite in 460 s instead of 723 s here. Stryker runs in band anyway.
  maxWorkers: '100%',
};
