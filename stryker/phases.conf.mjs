import { config } from './base.mjs';

export default config({
  name: 'phases',
  mutate: ['lib/phases/**/*.ts'],
  // The blue/green phase is driven end to end in-process (aws-local-stepfunctions and the
  // sandbox's EKS and Route 53): test/e2e/blue-green.test.ts, until it has unit tests of its own.
  testPaths: ['test/unit/phases/**/*.test.ts', 'test/phases/**/*.test.ts', 'test/e2e/blue-green.test.ts'],
});
