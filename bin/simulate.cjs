#!/usr/bin/env node
'use strict';
// Deterministic simulation: `npm run simulate -- --seeds N [--from S]` (lib/sandbox/sim).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
const { main } = require('../lib/sandbox/sim/cli.ts');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
