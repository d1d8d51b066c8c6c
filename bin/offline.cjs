#!/usr/bin/env node
/**
 * `npm run offline [-- --port N]`: the HTTP API of the `local` stage, served by
 * serverless-offline on http://localhost:<port> (default 3000), backed by the sandbox
 * (state in .eks-upgrade-agent/sandbox, or EKS_UPGRADE_AGENT_STATE_DIR). Approval is
 * required by default, so a curl can request, watch and approve an upgrade; set
 * EKS_UPGRADE_AGENT_CONFIG to other configuration overrides (JSON) to change that.
 *
 * It runs osls's binary directly and stops its whole process group on Ctrl-C or
 * SIGTERM: `sls offline start` through npx leaves a child holding its ports.
 */
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const args = process.argv.slice(2);
const portAt = args.indexOf('--port');
const port = portAt >= 0 ? args[portAt + 1] : (process.env.PORT ?? '3000');
if (!/^\d{1,5}$/.test(String(port)) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`--port must be a TCP port (1-65535), got ${JSON.stringify(port)}`);
  process.exit(2);
}
// Each server its own lambda port (serverless-offline's default 3002 would collide).
const lambdaPort = String(Number(port) + 1 > 65535 ? Number(port) - 1 : Number(port) + 1);

const env = {
  ...process.env,
  EKS_UPGRADE_AGENT_CONFIG:
    process.env.EKS_UPGRADE_AGENT_CONFIG ?? JSON.stringify({ approval: { mode: 'required' } }),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const child = spawn(
  process.execPath,
  [
    join(root, 'node_modules', 'serverless', 'bin', 'serverless.js'),
    'offline',
    'start',
    '--stage',
    'local',
    '--httpPort',
    String(port),
    '--lambdaPort',
    lambdaPort,
    // The handlers read the state directory and the configuration overrides from here.
    '--localEnvironment',
    // API Gateway's IAM authorization has no local counterpart (serverless-offline would
    // take aws_iam for a JWT authorizer): locally every caller is `local-user`.
    '--noAuth',
  ],
  { cwd: root, env, stdio: 'inherit', detached: true },
);

const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
