'use strict';
/**
 * setupFilesAfterEnv under Stryker: during the dry run (no active mutant), each test
 * appends [its file, its id] to TEST_FILES. jest's id is the one its testNamePattern
 * is matched against (jest-circus getTestID, as expect.getState().currentTestName).
 */
const { appendFileSync } = require('node:fs');
const { ACTIVE_MUTANT, TEST_FILES } = require('./test-files.cjs');

if (process.env[ACTIVE_MUTANT] === undefined) {
  beforeEach(() => {
    const { testPath, currentTestName } = expect.getState();
    appendFileSync(TEST_FILES, `${JSON.stringify([testPath, currentTestName])}\n`);
  });
}
