import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `sls invoke local --stage local` for each function, as the README documents it:
 * the esbuild bundle of the `local` stage, against the sandbox, with no AWS
 * credentials. The samples run in order against one world, each picking up what
 * the one before stored.
 */
const ROOT = join(__dirname, '..', '..');
const SLS = join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');
const stateDir = mkdtempSync(join(tmpdir(), 'eua-invoke-'));

function invoke(fn: string, sample: string, env: Record<string, string> = {}) {
  const r = spawnSync(
    process.execPath,
    [SLS, 'invoke', 'local', '--stage', 'local', '-f', fn, '--path', `events/samples/${sample}`],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        ...withoutAwsCredentials(process.env),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        // No credentials anywhere: an empty shared config and credentials file.
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        EKS_UPGRADE_AGENT_STATE_DIR: stateDir,
        EKS_UPGRADE_AGENT_ESBUILD_DIR: '.esbuild-test-invoke',
        ...env,
      },
    },
  );
  // The function's result is the last JSON document printed (after the log lines).
  const start = r.stdout.lastIndexOf('\n{');
  const text = start >= 0 ? r.stdout.slice(start + 1) : r.stdout;
  let result: Record<string, unknown> | undefined;
  try {
    result = JSON.parse(text);
  } catch {
    result = undefined;
  }
  return { code: r.status, result, stdout: r.stdout, stderr: r.stderr };
}

function withoutAwsCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([k]) => !/^AWS_(ACCESS|SECRET|SESSION|PROFILE)/.test(k)),
  );
}

jest.setTimeout(120_000);

describe('sls invoke local --stage local (sandbox, no credentials)', () => {
  test('perception reads the demo cluster and stores its snapshot', () => {
    const r = invoke('perception', 'perception.json');
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ currentVersion: '1.30', nodegroupCount: 3, addonCount: 5 });
    expect(existsSync(join(stateDir, 'artifacts', String(r.result?.snapshotKey)))).toBe(true);
  });

  test('reasoning plans from that snapshot', () => {
    const r = invoke('reasoning', 'reasoning.json');
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ verdict: 'ready', stepCount: 23 });
  });

  test('execution starts the first step and says how long to wait', () => {
    const r = invoke('execution', 'execution.json');
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ status: 'waiting' });
    expect(Number(r.result?.waitSeconds)).toBeGreaterThan(0);
    const inFlight = (r.result?.progress as { inFlight?: { stepId: string }[] } | undefined)?.inFlight;
    expect(inFlight).toHaveLength(1);
    expect(inFlight?.[0]?.stepId).toEqual(expect.any(String));
  });

  test('validation fails a cluster that is not at the target yet, and the rule calls rollback', () => {
    const r = invoke('validation', 'validation.json');
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ passed: false });
    expect(r.result?.failedChecks).toContain('control-plane');
    const events = readFileSync(join(stateDir, 'events.jsonl'), 'utf8');
    expect(events).toContain('"detail-type":"validation.failure"');
    expect(events).toContain('"detail-type":"rollback.triggered"');
  });

  test('rollback returns the effect the rule already had (once per upgrade)', () => {
    const r = invoke('rollback', 'rollback.json');
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ outcome: 'stopped', performedBy: 'event-rule' });
    const triggered = readFileSync(join(stateDir, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"detail-type":"rollback.triggered"'));
    expect(triggered).toHaveLength(1);
  });

  test('trigger runs a whole upgrade on a fresh world; a redelivery starts nothing new', () => {
    const fresh = { EKS_UPGRADE_AGENT_STATE_DIR: mkdtempSync(join(tmpdir(), 'eua-invoke-trigger-')) };
    const first = invoke('trigger', 'upgrade.requested.json', fresh);
    expect(first.code).toBe(0);
    expect(first.result).toMatchObject({ status: 'started' });
    const again = invoke('trigger', 'upgrade.requested.json', fresh);
    expect(again.result).toMatchObject({ status: 'duplicate', executionArn: first.result?.executionArn });
    const events = readFileSync(join(fresh.EKS_UPGRADE_AGENT_STATE_DIR, 'events.jsonl'), 'utf8');
    expect(events.split('\n').filter((l) => l.includes('"detail-type":"upgrade.completed"'))).toHaveLength(1);
  });

  test('a bad input fails with the named error, not a stack from deep inside', () => {
    const r = invoke('reasoning', 'perception.json');
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('InvalidRequestError');
    expect(`${r.stdout}${r.stderr}`).toContain('snapshotKey');
  });
});
