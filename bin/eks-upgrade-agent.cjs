#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly through tsx, so `npx eks-upgrade-agent`
// works right after `npm ci` with no build step to remember.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
const { run } = require('../lib/cli/main.ts');
run(process.argv).then((code) => {
  process.exitCode = code;
});
