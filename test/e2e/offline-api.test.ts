import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executionName } from '../../lib/domain/execution-name';

/**
 * `npm run offline` as a person uses it: serverless-offline serves the local stage's
 * HTTP API (the esbuild bundle of handlers/api.ts against the sandbox) on a free port,
 * and a whole upgrade is requested, watched, approved and read back over HTTP, with
 * approval required (the script's default).
 */
const ROOT = join(__dirname, '..', '..');
const OFFLINE = join(ROOT, 'bin', 'offline.cjs');

jest.setTimeout(240_000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Two consecutive free ports: the HTTP API's and serverless-offline's Lambda port. */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    if (port < 65_000) {
      const next = await new Promise<boolean>((resolve) => {
        const probe = createServer();
        probe.once('error', () => resolve(false));
        probe.listen(port + 1, '127.0.0.1', () => probe.close(() => resolve(true)));
      });
      if (next) return port;
    }
  }
  throw new Error('no two consecutive free ports');
}

let server: ChildProcess | undefined;
let base = '';
let stateDir = '';
let output = '';

beforeAll(async () => {
  const port = await freePortPair();
  base = `http://127.0.0.1:${port}`;
  stateDir = mkdtempSync(join(tmpdir(), 'eua-offline-'));
  server = spawn(process.execPath, [OFFLINE, '--port', String(port)], {
    cwd: ROOT,
    env: {
      ...process.env,
      EKS_UPGRADE_AGENT_STATE_DIR: stateDir,
      EKS_UPGRADE_AGENT_ESBUILD_DIR: '.esbuild-test-offline',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (d) => {
    output += String(d);
  });
  server.stderr?.on('data', (d) => {
    output += String(d);
  });
  // Ready once it answers: an unknown id is a problem document, not a refused connection.
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/upgrades/not-yet`);
      if (r.status === 404) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline || server.exitCode !== null) {
      throw new Error(`serverless-offline did not start:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
});

afterAll(async () => {
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(stateDir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON, asserted field by field below
const json = async (r: Response): Promise<any> => r.json();

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('npm run offline: the HTTP API on the sandbox', () => {
  const request = { clusterName: 'payments-prod', targetVersion: '1.32', requestId: 'chg-offline-1' };
  const upgradeId = executionName(request);

  test('POST /upgrades answers 202 with the upgrade id; the upgrade waits for approval, cluster untouched', async () => {
    const r = await post('/upgrades', request);
    expect(r.status).toBe(202);
    expect(await r.json()).toMatchObject({ upgradeId, status: 'requested' });
    expect(r.headers.get('location')).toBe(`/upgrades/${upgradeId}`);

    const status = await json(await fetch(`${base}/upgrades/${upgradeId}`));
    expect(status).toMatchObject({ upgradeId, state: 'awaiting-approval', clusterName: 'payments-prod' });
    expect(status.approval).toMatchObject({ status: 'pending' });
  });

  test('the same request again answers the same id and starts nothing new', async () => {
    const r = await post('/upgrades', request);
    expect(r.status).toBe(202);
    expect((await json(r)).upgradeId).toBe(upgradeId);
    const list = await json(await fetch(`${base}/upgrades?cluster=payments-prod`));
    expect(list.upgrades.map((u: { upgradeId: string }) => u.upgradeId)).toEqual([upgradeId]);
  });

  test('a bad request is an RFC 9457 problem, and nothing is started', async () => {
    const r = await post('/upgrades', { clusterName: 'payments-prod', targetVersion: '2.0' });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    const body = await json(r);
    expect(body).toMatchObject({
      status: 400,
      title: expect.any(String),
      detail: expect.stringContaining('targetVersion'),
    });
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at /);
  });

  test('POST /upgrades/{id}/approval approves it, as local-user, and the upgrade runs to the end', async () => {
    const r = await post(`/upgrades/${upgradeId}/approval`, { approve: true, comment: 'CAB-7' });
    expect(r.status).toBeLessThan(300);

    const status = await json(await fetch(`${base}/upgrades/${upgradeId}`));
    expect(status).toMatchObject({ upgradeId, state: 'succeeded' });
    expect(status.approval).toMatchObject({ status: 'approved', by: 'local-user', comment: 'CAB-7' });

    const again = await post(`/upgrades/${upgradeId}/approval`, { approve: false });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
  });

  test('GET /upgrades/{id}?format=html is one self-contained page', async () => {
    const r = await fetch(`${base}/upgrades/${upgradeId}?format=html`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    const html = await r.text();
    expect(html).toContain(upgradeId);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    // The timeline: phases and gates from the upgrade's events, step bars from the record.
    expect(html).toContain('data-phase="execution"');
    expect(html).toMatch(/class="bar step kind-control-plane status-done"/);
    expect(html).toMatch(/class="validation passed" data-gate=/);
  });
});
