import { config } from './base.mjs';

export default config({
  name: 'event-pattern',
  mutate: ['lib/sandbox/event-pattern/**/*.ts'],
  testPaths: ['test/sandbox/event-pattern*.test.ts', 'test/sandbox/event-ruler-corpus.test.ts'],
});
