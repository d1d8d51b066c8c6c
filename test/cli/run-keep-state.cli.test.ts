import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRASH_AFTER_STEPS_ENV } from '../../lib/sandbox/local-run';
import { ROOT, runCli } from '../support/run-cli';

/**
 * `run --sandbox --keep-state` as a user runs it: the same request id again, state
 * files that cannot be read, and a process killed with SIGKILL mid-upgrade.
 */

const BIN = join(ROOT, 'bin', 'eks-upgrade-agent.cjs');
const tmp = () => mkdtempSync(join(tmpdir(), 'eua-cli-keep-'));
const runArgs = (state: string, requestId: string) => [
  'run',
  '--sandbox',
  '--quiet',
  '--target',
  '1.32',
  '--state-dir',
  state,
  '--request-id',
  requestId,
];
const run = (state: string, requestId: string, extra: string[] = [], env: Record<string, string> = {}) =>
  runCli([...runArgs(state, requestId), ...extra], env);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('the same request id again', () => {
  test('reports the existing upgrade (its id and status), starts nothing, exit 4', () => {
    const state = join(tmp(), 'state');
    const first = run(state, 'chg-9', ['--output', 'json']);
    expect(first.code).toBe(0);
    const { upgradeId } = JSON.parse(first.stdout);
    const worldBefore = readFileSync(join(state, 'eks-world.json'), 'utf8');

    const again = run(state, 'chg-9', ['--keep-state', '--output', 'json']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(4);
    const report = JSON.parse(again.stdout);
    expect(report).toMatchObject({
      outcome: 'duplicate',
      upgradeId,
      executionStatus: 'SUCCEEDED',
      fromVersion: '1.30',
      changes: [],
      completedSteps: 23,
    });
    expect(report.summary).toBe(
      `request id "chg-9" already started upgrade ${upgradeId}, which succeeded; nothing new was started`,
    );
    expect(readFileSync(join(state, 'eks-world.json'), 'utf8')).toBe(worldBefore);

    const text = run(state, 'chg-9', ['--keep-state']);
    expect(text.code).toBe(4);
    expect(text.stdout).toContain('DUPLICATE (nothing started)');
    expect(text.stdout).toContain(`upgrade id ${upgradeId}`);
  }, 60_000);
});

describe('a state file that cannot be read', () => {
  // A dry run is enough to create a state directory; each case corrupts a copy.
  let pristine = '';
  beforeAll(() => {
    pristine = join(tmp(), 'state');
    expect(run(pristine, 'chg-1', ['--dry-run']).code).toBe(0);
  }, 60_000);

  test.each([
    [
      'locks.json',
      '{"payments-prod": {"holder": 3}}',
      'is not a state file this version can read (payments-prod.holder:',
    ],
    ['executions.json', '{ not json', 'is not valid JSON ('],
    ['eks-world.json', '[]', 'is not a state file this version can read ('],
  ])(
    'a corrupted %s is named, with what is wrong and how to recover (exit 2)',
    (file, content, wrong) => {
      const state = join(tmp(), 'state');
      cpSync(pristine, state, { recursive: true });
      writeFileSync(join(state, file), content);
      const r = run(state, 'chg-2', ['--keep-state']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`error: ${join(state, file)} ${wrong}`);
      expect(lines[0]).toContain('move it aside (or delete it) and run again');
      expect(r.stderr).not.toContain('artifact key');
    },
    60_000,
  );
});

describe('a process killed with SIGKILL mid-upgrade', () => {
  const crash = (state: string, requestId: string) =>
    spawnSync(process.execPath, [BIN, ...runArgs(state, requestId)], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, [CRASH_AFTER_STEPS_ENV]: '3' },
      timeout: 60_000,
    });
  const updatesOf = (state: string) =>
    readJson(join(state, 'eks-world.json')).clusters['payments-prod'].updates as { status: string }[];

  test('a re-run of the same request resumes it where it stopped: no step twice, the lock released', () => {
    const state = join(tmp(), 'state');
    const killed = crash(state, 'chg-crash');
    expect(killed.signal).toBe('SIGKILL');
    const upgradeId = Object.keys(readJson(join(state, 'executions.json')))[0];
    expect(readJson(join(state, 'locks.json'))['payments-prod'].holder).toBe(upgradeId);
    expect(Object.values(readJson(join(state, 'executions.json')))).toMatchObject([{ status: 'RUNNING' }]);
    const startedBeforeCrash = updatesOf(state).length;
    expect(startedBeforeCrash).toBeGreaterThan(0);
    expect(startedBeforeCrash).toBeLessThan(17);

    const r = run(state, 'chg-crash', ['--keep-state', '--output', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.outcome).toBe('completed');
    expect(report.upgradeId).toBe(upgradeId);
    expect(report.summary).toMatch(/^resumed after a crash \(\d+ step\(s\) were done\): upgraded to 1.32/);
    expect(report.resumed).toEqual([
      { upgradeId, status: 'SUCCEEDED', stepsDoneBeforeCrash: expect.any(Number) },
    ]);
    // Killed once 3 steps were done (of 23), whatever the poll interval.
    expect(report.resumed[0].stepsDoneBeforeCrash).toBeGreaterThanOrEqual(3);
    expect(report.resumed[0].stepsDoneBeforeCrash).toBeLessThan(23);
    expect(report.changes).toContainEqual({
      resource: 'control plane payments-prod',
      from: '1.30',
      to: '1.32',
    });
    expect(report.completedSteps).toBe(23);
    // The step in flight at the crash was picked up, not started again: 17 updates in all (and 6 gates).
    expect(updatesOf(state)).toHaveLength(17);
    expect(readJson(join(state, 'locks.json'))).toEqual({});
    expect(Object.values(readJson(join(state, 'executions.json')))).toMatchObject([{ status: 'SUCCEEDED' }]);
  }, 90_000);

  test('a re-run with another request id finishes the orphaned upgrade first, then is not refused by its lock', () => {
    const state = join(tmp(), 'state');
    expect(crash(state, 'chg-a').signal).toBe('SIGKILL');
    const r = run(state, 'chg-b', ['--keep-state', '--output', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.resumed).toMatchObject([{ status: 'SUCCEEDED' }]);
    expect(report.outcome).not.toBe('rejected');
    expect(report.summary).not.toContain('in progress');
    expect(r.code).toBe(0);
  }, 90_000);
});
