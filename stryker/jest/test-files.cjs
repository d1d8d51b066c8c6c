'use strict';
/**
 * Which test file holds each test, by jest's test id: written during Stryker's dry run
 * (record-test-files.cjs), read for each mutant (sequencer.cjs). The file is in the
 * sandbox's copy of this folder, so every run starts without one.
 */
const { join } = require('node:path');

exports.TEST_FILES = join(__dirname, 'test-files.jsonl');
exports.ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
