import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli';

const PAYMENTS = 'demo/snapshots/payments-prod-1.30.json';
const LEGACY = 'demo/snapshots/legacy-batch-1.27.json';
const ANALYTICS = 'demo/snapshots/analytics-dev-1.31.json';

describe('eks-upgrade-agent plan (as a user runs it)', () => {
  test('a ready plan prints the steps and exits 0', () => {
    const r = runCli(['plan', '--snapshot', PAYMENTS, '--target', '1.32']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('READY: 23 step(s)');
    expect(r.stdout).toContain('Update the control plane 1.31 -> 1.32');
    expect(r.stdout).toContain(
      '17. [1.32] Gate (control plane at 1.32): service levels over a soak, and cluster health',
    );
    expect(r.stderr).toBe('');
  });

  test('json output is the documented shape', () => {
    const r = runCli(['plan', '--snapshot', PAYMENTS, '--target', '1.31', '--output', 'json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(Object.keys(plan).sort()).toEqual(
      [
        'cluster',
        'currentVersion',
        'estimatedMinutes',
        'findings',
        'steps',
        'strategy',
        'targetVersion',
        'verdict',
      ].sort(),
    );
    expect(plan).toMatchObject({
      cluster: 'payments-prod',
      currentVersion: '1.30',
      targetVersion: '1.31',
      verdict: 'ready',
    });
    for (const step of plan.steps)
      expect(Object.keys(step)).toEqual(
        expect.arrayContaining(['kind', 'hop', 'from', 'to', 'estimatedMinutes']),
      );
  });

  test('a blocked plan exits 3 and names the deprecated API and its client; --force makes it ready', () => {
    const blocked = runCli(['plan', '--snapshot', LEGACY, '--target', '1.30', '--output', 'markdown']);
    expect(blocked.code).toBe(3);
    expect(blocked.stdout).toContain('# EKS upgrade: legacy-batch 1.27 → 1.30');
    expect(blocked.stdout).toContain('argocd-application-controller/v2.4.28');
    expect(blocked.stdout).toMatch(/\| block \| `INSIGHT_ERROR` \|/);
    const forced = runCli(['plan', '--snapshot', LEGACY, '--target', '1.30', '--force', '--output', 'json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).verdict).toBe('ready');
  });

  test('the analytics demo is blocked by free IPs and a busy add-on', () => {
    const r = runCli(['plan', '--snapshot', ANALYTICS, '--target', '1.32', '--output', 'json']);
    expect(r.code).toBe(3);
    const codes = JSON.parse(r.stdout)
      .findings.filter((f: { severity: string }) => f.severity === 'block')
      .map((f: { code: string }) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['SUBNET_FREE_IPS', 'ADDON_BUSY']));
  });

  test.each([
    [
      ['plan', '--snapshot', 'missing.json', '--target', '1.31'],
      'cannot read snapshot missing.json: no such file',
    ],
    [['plan', '--snapshot', PAYMENTS, '--target', 'latest'], '"latest" is not a Kubernetes minor version'],
    [
      ['plan', '--snapshot', PAYMENTS, '--target', '1.31', '--strategy', 'canary'],
      '--strategy must be one of in_place, blue_green',
    ],
    [
      ['plan', '--snapshot', PAYMENTS, '--target', '1.31', '--output', 'yaml'],
      '--output must be one of text, json, markdown',
    ],
    [['plan', '--target', '1.31'], 'give exactly one of --snapshot <file> or --cluster <name>'],
    [['upgrade-everything'], "unknown command 'upgrade-everything'"],
  ])('bad input %j exits 2 with a message and no stack trace', (args, message) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  test('a malformed snapshot exits 2 naming every bad path', () => {
    const file = join(tmpdir(), `bad-snapshot-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        cluster: { name: 'x', version: '1.29', status: 'ACTIVE' },
        nodegroups: [{ nodegroupName: 'a' }],
      }),
    );
    const r = runCli(['plan', '--snapshot', file, '--target', '1.30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cluster.resourcesVpcConfig');
    expect(r.stderr).toContain('nodegroups.0.version');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('a file that is not JSON exits 2', () => {
    const file = join(tmpdir(), `not-json-${process.pid}.json`);
    writeFileSync(file, '{ nope');
    const r = runCli(['plan', '--snapshot', file, '--target', '1.30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not valid JSON');
  });

  test('--help documents every option and the exit codes', () => {
    const r = runCli(['plan', '--help']);
    expect(r.code).toBe(0);
    for (const option of [
      '--snapshot',
      '--target',
      '--strategy',
      '--force',
      '--output',
      'Exit codes: 0 ready, 3 blocked, 2 bad input',
    ]) {
      expect(r.stdout).toContain(option);
    }
  });
});
