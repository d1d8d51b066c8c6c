import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WireServer } from './aws-wire-server';
import { ROOT } from './run-cli';

/** The CLI against the local wire server (test/support/aws-wire-server.ts), as a child process. */
const BIN = join(ROOT, 'bin', 'eks-upgrade-agent.cjs');
export const REGION = 'us-west-2';

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Empty shared files and a HOME of its own: nothing of the machine's AWS setup leaks in. */
export function isolatedAwsEnv(): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'eua-live-home-'));
  writeFileSync(join(home, 'config'), '');
  writeFileSync(join(home, 'credentials'), '');
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export function credentialsFor(server: WireServer): Record<string, string> {
  return {
    ...isolatedAwsEnv(),
    AWS_ACCESS_KEY_ID: 'AKIDLIVETEST',
    AWS_SECRET_ACCESS_KEY: 'live-test-secret',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_EKS: server.url,
    AWS_ENDPOINT_URL_EC2: server.url,
    AWS_MAX_ATTEMPTS: '1',
  };
}

/** The CLI as a child process, asynchronously: the server answers from this process's event loop. */
export function runCli(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
