import { config } from './base.mjs';

export default config({
  name: 'domain',
  mutate: ['lib/domain/**/*.ts'],
  testPaths: ['test/unit/domain/**/*.test.ts'],
});
