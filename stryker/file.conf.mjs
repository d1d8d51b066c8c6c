import { config } from './base.mjs';

// One or a few files while writing tests, against only the tests that matter to them
// (Stryker's jest runner loads every test file of the config for each mutant, so a
// narrow list is many times faster than the scope's):
//   STRYKER_MUTATE=lib/phases/trigger.ts STRYKER_TESTS='test/unit/phases/trigger*.test.ts' \
//     npx stryker run stryker/file.conf.mjs
// Both are comma-separated lists (globs allowed). Its incremental file is under reports/
// (change the list, pass --incrementalFile elsewhere), never a scope's committed one. The
// score that counts is the scope's (npm run mutate), with all of its tests.
const list = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`stryker/file.conf.mjs: set ${name} (comma-separated paths or globs)`);
  return value.split(',');
};

export default config({
  name: 'file',
  mutate: list('STRYKER_MUTATE'),
  testPaths: list('STRYKER_TESTS'),
  incrementalFile: 'reports/stryker/file.incremental.json',
});
