'use strict';
/**
 * jest's sequencer, plus: in a mutant's run (a testNamePattern naming the tests that
 * cover it), only the test files that hold one of those tests. Stryker's jest runner
 * otherwise loads every related test file for each mutant and skips most of their
 * tests: seconds per mutant when a domain file is imported by 30 test files. jest runs
 * exactly the same tests: it matches the same pattern (case-insensitive, as jest-circus
 * does) against the same ids. A file the dry run did not record is kept.
 */
const { existsSync, readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;
const { TEST_FILES } = require('./test-files.cjs');

/** test file -> the ids of its tests, from the lines record-test-files.cjs wrote. */
function parseTestFiles(text) {
  const byFile = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [file, id] = JSON.parse(line);
    byFile.set(file, [...(byFile.get(file) ?? []), id]);
  }
  return byFile;
}

/** The tests (jest's {path}) whose file holds a test the pattern names; all of them when none does. */
function testsHolding(tests, testNamePattern, idsByFile) {
  const pattern = new RegExp(testNamePattern, 'i');
  const holding = tests.filter((test) => {
    const ids = idsByFile.get(test.path);
    return ids === undefined || ids.some((id) => pattern.test(id));
  });
  return holding.length > 0 ? holding : tests;
}

/** @type {Map<string, string[]> | undefined} read once per worker, after the dry run */
let idsByFile;

class MutantTestsSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.testNamePattern = options.globalConfig.testNamePattern;
  }

  sort(tests) {
    if (!this.testNamePattern || !existsSync(TEST_FILES)) return super.sort(tests);
    idsByFile ??= parseTestFiles(readFileSync(TEST_FILES, 'utf8'));
    return super.sort(testsHolding(tests, this.testNamePattern, idsByFile));
  }
}

module.exports = MutantTestsSequencer;
module.exports.parseTestFiles = parseTestFiles;
module.exports.testsHolding = testsHolding;
