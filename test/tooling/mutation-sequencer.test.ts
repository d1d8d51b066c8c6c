import { parseTestFiles, testsHolding } from '../../stryker/jest/sequencer.cjs';

/**
 * Under Stryker, a mutant's run loads only the test files that hold a test covering it.
 * It must run what jest would run anyway: the tests whose id matches the pattern.
 */
const ids = parseTestFiles(
  [
    JSON.stringify(['/r/test/a.test.ts', 'planner given a hop then a gate']),
    JSON.stringify(['/r/test/a.test.ts', 'planner given no hop then nothing']),
    JSON.stringify(['/r/test/b.test.ts', 'Version parses 1.30']),
    '',
  ].join('\n'),
);
const tests = ['/r/test/a.test.ts', '/r/test/b.test.ts', '/r/test/c.test.ts'].map((path) => ({ path }));
const paths = (kept: { path: string }[]) => kept.map((t) => t.path);

describe('the mutant-run sequencer', () => {
  it('reads the ids recorded per test file', () => {
    expect(ids.get('/r/test/a.test.ts')).toEqual([
      'planner given a hop then a gate',
      'planner given no hop then nothing',
    ]);
    expect(ids.get('/r/test/b.test.ts')).toEqual(['Version parses 1.30']);
  });

  it('keeps the files holding a named test, and a file the dry run did not record', () => {
    expect(paths(testsHolding(tests, '(planner given no hop then nothing)', ids))).toEqual([
      '/r/test/a.test.ts',
      '/r/test/c.test.ts',
    ]);
  });

  it('matches as jest does: a pattern of alternatives, case-insensitive, anywhere in the id', () => {
    expect(paths(testsHolding(tests, '(hop then a)|(version PARSES)', ids))).toEqual(paths(tests));
    expect(paths(testsHolding(tests, '(parses 1\\.30)', ids))).toEqual([
      '/r/test/b.test.ts',
      '/r/test/c.test.ts',
    ]);
  });

  it('keeps every file when the pattern names no recorded test, rather than run none', () => {
    const recorded = tests.slice(0, 2);
    expect(testsHolding(recorded, '(no such test)', ids)).toEqual(recorded);
  });
});
