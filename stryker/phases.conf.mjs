import { config } from './base.mjs';

export default config({
  name: 'phases',
  mutate: ['lib/phases/**/*.ts'],
  testPaths: ['test/unit/phases/**/*.test.ts', 'test/phases/**/*.test.ts'],
});
