import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateLockTimeoutError, withFileLock } from '../../lib/sandbox/file-lock';
import { fileOncePerUpgrade, ONCE_FILE_NAME } from '../../lib/sandbox/once';
import { JsonStateFile } from '../../lib/sandbox/state-store';
import { ROOT } from '../support/run-cli';

/**
 * Two processes on one sandbox state directory (two `--keep-state` runs, or
 * `sls invoke local` beside a run): no lost update, rollback once.
 */

const tempDir = () => mkdtempSync(join(tmpdir(), 'eua-xproc-'));
const WORKER = join(ROOT, 'test', 'support', 'state-worker.ts');

function worker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', WORKER, ...args], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`worker exited ${code}`)),
    );
  });
}

/** The pid of a process that has ended: no process has it (until the system reuses it). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('state files across processes', () => {
  test('two processes incrementing one state file 300 times each lose no update', async () => {
    const dir = tempDir();
    const startAt = String(Date.now() + 2500);
    await Promise.all([worker(['count', dir, startAt, '300']), worker(['count', dir, startAt, '300'])]);
    expect(JSON.parse(readFileSync(join(dir, 'counter.json'), 'utf8'))).toEqual({ n: 600 });
    expect(existsSync(join(dir, 'counter.json.lock'))).toBe(false);
  }, 30_000);

  test('a lock left by a process that died is taken over', () => {
    const dir = tempDir();
    const path = join(dir, 'locks.json');
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ pid: deadPid(), host: hostname(), acquiredAt: Date.now() }),
    );
    expect(withFileLock(path, () => 'ran', 50)).toBe('ran');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  test('a lock held by a live process is waited for, boundedly, then named with how to recover', () => {
    const dir = tempDir();
    const path = join(dir, 'locks.json');
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ pid: process.ppid, host: hostname(), acquiredAt: Date.now() }),
    );
    let error: unknown;
    try {
      withFileLock(path, () => 'ran', 50);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateLockTimeoutError);
    expect((error as Error).message).toContain(`${path}.lock`);
    expect((error as Error).message).toContain(`process ${process.ppid}`);
    expect((error as Error).message).toContain(`delete ${path}.lock`);
  });

  test('a lock is re-entrant within a process', () => {
    const path = join(tempDir(), 'x.json');
    const file = new JsonStateFile(path, (raw) => raw as number);
    expect(file.locked(() => file.locked(() => 7))).toBe(7);
  });
});

describe('rollback once across processes (once.json in-progress records)', () => {
  test('two processes calling rollback at once: it runs once; the other gets the result or IdempotencyAlreadyInProgressError', async () => {
    const dir = tempDir();
    const startAt = String(Date.now() + 2500);
    const answers = await Promise.all([worker(['once', dir, startAt]), worker(['once', dir, startAt])]);
    expect(readFileSync(join(dir, 'ran.txt'), 'utf8').trim().split('\n')).toHaveLength(1);
    for (const answer of answers) {
      expect([
        JSON.stringify({ result: { outcome: 'stopped' } }),
        JSON.stringify({ error: 'IdempotencyAlreadyInProgressError' }),
      ]).toContain(answer);
    }
    expect(JSON.parse(readFileSync(join(dir, ONCE_FILE_NAME), 'utf8'))['rollback#u-1'].status).toBe(
      'COMPLETED',
    );
  }, 30_000);

  const inProgress = (pid: number, expiresAtMs: number) => ({
    'rollback#u-1': {
      status: 'INPROGRESS',
      purpose: 'rollback',
      upgradeId: 'u-1',
      startedAt: new Date().toISOString(),
      expiresAtMs,
      pid,
      host: hostname(),
    },
  });

  test('given an in-progress record of a live process, then IdempotencyAlreadyInProgressError and fn does not run', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ONCE_FILE_NAME), JSON.stringify(inProgress(process.ppid, Date.now() + 60_000)));
    const fn = jest.fn(async () => 'stopped');
    await expect(
      fileOncePerUpgrade({ stateDir: dir, purpose: 'rollback' })(fn)({ upgradeId: 'u-1' }),
    ).rejects.toMatchObject({
      name: 'IdempotencyAlreadyInProgressError',
      message: expect.stringContaining(`process ${process.ppid}`),
    });
    expect(fn).not.toHaveBeenCalled();
  });

  test.each([
    ['its process has died', () => inProgress(deadPid(), Date.now() + 60_000)],
    ['it has expired', () => inProgress(process.ppid, Date.now() - 1)],
  ])('given an in-progress record, when %s, then the call runs and completes it', async (_when, record) => {
    const dir = tempDir();
    writeFileSync(join(dir, ONCE_FILE_NAME), JSON.stringify(record()));
    const fn = jest.fn(async () => 'stopped');
    await expect(
      fileOncePerUpgrade({ stateDir: dir, purpose: 'rollback' })(fn)({ upgradeId: 'u-1' }),
    ).resolves.toBe('stopped');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(JSON.parse(readFileSync(join(dir, ONCE_FILE_NAME), 'utf8'))['rollback#u-1']).toMatchObject({
      status: 'COMPLETED',
      result: 'stopped',
    });
  });
});
