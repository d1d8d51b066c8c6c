import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../support/run-cli';

const tmp = () => mkdtempSync(join(tmpdir(), 'eua-cli-run-'));

describe('eks-upgrade-agent run --sandbox (as a user runs it)', () => {
  test('a full upgrade: progress on stderr, the report on stdout, every event in --events-out, exit 0', () => {
    const dir = tmp();
    const eventsOut = join(dir, 'events.jsonl');
    const reportOut = join(dir, 'report.json');
    const r = runCli([
      'run',
      '--sandbox',
      '--target',
      '1.32',
      '--state-dir',
      join(dir, 'state'),
      '--events-out',
      eventsOut,
      '--report-out',
      reportOut,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Upgrade payments-prod 1.30 -> 1.32: COMPLETED');
    expect(r.stdout).toContain('control plane payments-prod: 1.30 -> 1.32');
    expect(r.stdout).toMatch(/state transitions\s+\d+/);
    expect(r.stderr).toContain('step 1/23 started');
    expect(r.stderr).toContain('step 23/23 done');
    expect(r.stderr).toContain('upgrade completed');
    const events = readFileSync(eventsOut, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0]['detail-type']).toBe('upgrade.requested');
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(
        ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version'].sort(),
      );
    }
    const report = JSON.parse(readFileSync(reportOut, 'utf8'));
    expect(report.outcome).toBe('completed');
    expect(report.figures.stateTransitions).toBeGreaterThan(20);
    expect(report.events).toBeUndefined();
    expect(report.finalState).toEqual({
      controlPlane: '1.32',
      nodegroups: { 'general-al2023': '1.32', 'batch-spot': '1.32', 'system-bottlerocket': '1.32' },
      addons: expect.objectContaining({ 'kube-proxy': 'v1.32.0-eksbuild.2', coredns: 'v1.11.4-eksbuild.2' }),
    });
  });

  test('a rolled-back upgrade exits 1 and says why', () => {
    const r = runCli([
      'run',
      '--sandbox',
      '--target',
      '1.32',
      '--scenario',
      'validation-failure',
      '--state-dir',
      tmp(),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ROLLED BACK');
    expect(r.stdout).toContain('FAIL error_rate');
    expect(r.stderr).toContain('rollback triggered');
  });

  test('a blocked plan exits 3 and changes nothing', () => {
    const r = runCli([
      'run',
      '--sandbox',
      '--target',
      '1.32',
      '--scenario',
      'insight-error',
      '--state-dir',
      tmp(),
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('BLOCKED');
    expect(r.stdout).toContain('Changes: none');
  });

  test.each([
    [['run', '--target', '1.32'], 'run needs --sandbox'],
    [['run', '--sandbox', '--scenario', 'nope'], 'unknown sandbox scenario "nope"'],
    [['run', '--sandbox', '--target', 'latest'], '--target must be a Kubernetes minor version'],
    [['run', '--sandbox', '--snapshot', '/no/such.json'], 'cannot read snapshot /no/such.json: no such file'],
    [['run', '--sandbox', '--strategy', 'yolo'], '--strategy must be one of'],
  ])('bad input %j exits 2 with one clear line and no stack trace', (args, message) => {
    const r = runCli([...args, '--state-dir', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('eks-upgrade-agent events test-pattern', () => {
  test('prints true for a match and false otherwise, exit 0', () => {
    const sample = 'events/samples/upgrade.requested.json';
    const yes = runCli([
      'events',
      'test-pattern',
      '--pattern',
      'events/rules/upgrade-trigger.json',
      '--event',
      sample,
    ]);
    expect([yes.code, yes.stdout]).toEqual([0, 'true\n']);
    const no = runCli([
      'events',
      'test-pattern',
      '--pattern',
      'events/rules/rollback-automation.json',
      '--event',
      sample,
    ]);
    expect([no.code, no.stdout]).toEqual([0, 'false\n']);
  });

  test('an invalid pattern exits 2 with the reason', () => {
    const pattern = join(tmp(), 'bad.json');
    writeFileSync(pattern, JSON.stringify({ detail: { n: [{ numeric: ['>', 'x'] }] } }));
    const r = runCli([
      'events',
      'test-pattern',
      '--pattern',
      pattern,
      '--event',
      'events/samples/upgrade.requested.json',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: Event pattern is not valid/);
  });

  test('a number literal a double cannot hold is refused from the file text, as EventBridge does', () => {
    const pattern = join(tmp(), 'underflow.json');
    // JSON.parse reads 1E-325 as 0; only the text shows it is not a comparable number.
    writeFileSync(pattern, '\uFEFF{"detail":{"n":[{"numeric":["=",1E-325]}]}}');
    const r = runCli([
      'events',
      'test-pattern',
      '--pattern',
      pattern,
      '--event',
      'events/samples/upgrade.requested.json',
    ]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain('Cannot compare number : 1E-325');
  });
});

describe('npm start (the README quick start)', () => {
  test('runs a whole sandbox upgrade of the demo cluster and exits 0', () => {
    const r = spawnSync('npm', ['start', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Upgrade payments-prod 1.30 -> 1.32: COMPLETED');
  });
});
