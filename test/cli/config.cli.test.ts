import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedAwsEnv, REGION, runCli } from '../support/live-cli';
import { type SsmWireServer, startSsmWireServer } from '../support/ssm-wire-server';

/**
 * `config get|set|validate` as a person runs it: the CLI as a child process, the real
 * SDK, and Parameter Store's wire protocol served locally (AWS_ENDPOINT_URL_SSM).
 */
jest.setTimeout(60_000);

const BASE = '/eks-upgrade-agent/dev/config';
const DEPLOYED = {
  [`${BASE}/validation/maxErrorRate`]: '0.01',
  [`${BASE}/validation/metrics/type`]: 'none',
  [`${BASE}/execution/maxParallelNodegroups`]: '5',
  [`${BASE}/rollback/revertControlPlane`]: 'true',
};

let server: SsmWireServer;
beforeEach(async () => {
  server = await startSsmWireServer(DEPLOYED);
});
afterEach(() => server.close());

const env = () => ({
  ...isolatedAwsEnv(),
  AWS_ACCESS_KEY_ID: 'AKIDCONFIGTEST',
  AWS_SECRET_ACCESS_KEY: 'config-test-secret',
  AWS_REGION: REGION,
  AWS_ENDPOINT_URL_SSM: server.url,
  AWS_MAX_ATTEMPTS: '1',
});
const puts = () => server.calls.filter((c) => c.action === 'PutParameter');

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'eua-config-')), name);
  writeFileSync(path, text);
  return path;
}

describe('config get', () => {
  it('prints the stage tree with typed values, reading every page', async () => {
    for (let i = 0; i < 12; i++)
      server.parameters.set(`${BASE}/validation/metrics/dimensions/d${i}`, {
        Value: `v${i}`,
        Type: 'String',
        Version: 1,
      });
    const run = await runCli(['config', 'get', '--stage', 'dev'], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const tree = JSON.parse(run.stdout);
    expect(tree.execution).toEqual({ maxParallelNodegroups: 5 });
    expect(tree.rollback.revertControlPlane).toBe(true);
    expect(Object.keys(tree.validation.metrics.dimensions)).toHaveLength(12);
    expect(server.calls.filter((c) => c.action === 'GetParametersByPath').length).toBeGreaterThan(1);
  });

  it('prints one key', async () => {
    const run = await runCli(['config', 'get', '--stage', 'dev', '--key', 'validation/maxErrorRate'], env());
    expect(run.stdout).toBe('0.01\n');
    expect(run.code).toBe(0);
  });

  it('says when a stage is not deployed in the region, and how to deploy it', async () => {
    const run = await runCli(['config', 'get', '--stage', 'prod'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `stage prod is not deployed in ${REGION}: no parameter under /eks-upgrade-agent/prod/config`,
    );
    expect(run.stderr).toContain('npx sls deploy --stage prod');
  });

  it('names missing credentials, with no call made', async () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...noKeys } = env();
    const run = await runCli(['config', 'get', '--stage', 'dev'], noKeys);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no AWS credentials found');
    expect(server.calls).toHaveLength(0);
  });

  it('names the IAM action a denied identity lacks', async () => {
    server.fail('GetParametersByPath', {
      status: 400,
      code: 'AccessDeniedException',
      message:
        'User: arn:aws:iam::111122223333:user/ops is not authorized to perform: ssm:GetParametersByPath',
    });
    const run = await runCli(['config', 'get', '--stage', 'dev'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('access denied to ssm:GetParametersByPath');
  });

  it('refuses a stage name that is no SSM path level before any call', async () => {
    const run = await runCli(['config', 'get', '--stage', 'de v/x'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a stage name');
    expect(server.calls).toHaveLength(0);
  });
});

describe('config set', () => {
  it('writes only the keys whose value changes, and get reads them back', async () => {
    const run = await runCli(
      [
        'config',
        'set',
        '--stage',
        'dev',
        'execution/maxParallelNodegroups=8',
        'validation/maxErrorRate=0.01',
      ],
      env(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`execution/maxParallelNodegroups: 5 -> 8\nwrote 1 parameter under ${BASE}\n`);
    expect(puts().map((c) => [c.input.Name, c.input.Value, c.input.Overwrite])).toEqual([
      [`${BASE}/execution/maxParallelNodegroups`, '8', true],
    ]);
    const read = await runCli(
      ['config', 'get', '--stage', 'dev', '--key', 'execution/maxParallelNodegroups'],
      env(),
    );
    expect(read.stdout).toBe('8\n');
  });

  it('a dry run prints the change and writes nothing', async () => {
    const run = await runCli(
      ['config', 'set', '--stage', 'dev', '--dry-run', 'execution/forceNodegroupUpdates=true'],
      env(),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `execution/forceNodegroupUpdates: (not set) -> true\ndry run: nothing written to ${BASE}\n`,
    );
    expect(puts()).toHaveLength(0);
  });

  it('takes keys from a YAML file, with pairs applied after it', async () => {
    const path = file('edit.yml', 'execution:\n  maxParallelNodegroups: 3\n  busyRetrySeconds: 90\n');
    const run = await runCli(
      ['config', 'set', '--stage', 'dev', '--file', path, 'execution/maxParallelNodegroups=4'],
      env(),
    );
    expect(run.code).toBe(0);
    expect(Object.fromEntries(puts().map((c) => [c.input.Name, c.input.Value]))).toEqual({
      [`${BASE}/execution/maxParallelNodegroups`]: '4',
      [`${BASE}/execution/busyRetrySeconds`]: '90',
    });
  });

  it('refuses a value the schema refuses, naming the key, and writes nothing', async () => {
    const run = await runCli(
      ['config', 'set', '--stage', 'dev', 'execution/maxParallelNodegroups=500'],
      env(),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('agent configuration is invalid');
    expect(run.stderr).toContain('maxParallelNodegroups');
    expect(puts()).toHaveLength(0);
  });

  it('refuses a misspelt key, listing the keys it could have meant, and writes nothing', async () => {
    const run = await runCli(['config', 'set', '--stage', 'dev', 'execution/maxParalelNodegroups=8'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown configuration key execution/maxParalelNodegroups');
    expect(run.stderr).toContain('known keys under execution: ');
    expect(run.stderr).toContain('maxParallelNodegroups');
    expect(puts()).toHaveLength(0);
  });

  it('refuses to write a stage that is not deployed (its parameters belong to the stack)', async () => {
    const run = await runCli(['config', 'set', '--stage', 'qa', 'execution/maxParallelNodegroups=8'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stage qa is not deployed');
    expect(puts()).toHaveLength(0);
  });

  it('refuses a pair without a key', async () => {
    const run = await runCli(['config', 'set', '--stage', 'dev', '=8'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"=8" is not KEY=VALUE');
    expect(server.calls).toHaveLength(0);
  });
});

describe('config validate', () => {
  it('checks a file offline: valid, invalid, unknown key, not an object', async () => {
    const offline = { ...isolatedAwsEnv() };
    const good = await runCli(
      ['config', 'validate', '--file', file('ok.json', '{"execution":{"maxParallelNodegroups":10}}')],
      offline,
    );
    expect([good.code, good.stdout]).toEqual([0, expect.stringContaining(': valid')]);
    const bad = await runCli(
      ['config', 'validate', '--file', file('bad.yaml', 'validation:\n  maxErrorRate: 2\n')],
      offline,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('maxErrorRate');
    const typo = await runCli(
      ['config', 'validate', '--file', file('typo.json', '{"rollbak":{"revertControlPlane":false}}')],
      offline,
    );
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown configuration key');
    const list = await runCli(['config', 'validate', '--file', file('list.json', '[1]')], offline);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('must hold an object of keys');
  });

  it('checks a maintenance window offline: a good one passes, a bad time zone is named with what to give', async () => {
    const offline = { ...isolatedAwsEnv() };
    const good = await runCli(
      [
        'config',
        'validate',
        '--file',
        file(
          'window.yaml',
          'maintenanceWindow:\n  days: MON-FRI\n  hours: "22:00-04:00"\n  timeZone: Europe/Berlin\n',
        ),
      ],
      offline,
    );
    expect([good.code, good.stderr]).toEqual([0, '']);
    const bad = await runCli(
      [
        'config',
        'validate',
        '--file',
        file('zone.json', '{"maintenanceWindow":{"hours":"02:00-06:00","timeZone":"Europe/Berlinn"}}'),
      ],
      offline,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'maintenanceWindow.timeZone: maintenance window time zone "Europe/Berlinn" is not an IANA time zone: use a name such as Europe/Berlin',
    );
  });

  it("checks a deployed stage's stored tree", async () => {
    const run = await runCli(['config', 'validate', '--stage', 'dev'], env());
    expect([run.code, run.stdout]).toEqual([0, 'stage dev: valid (keys not set take their defaults)\n']);
    server.parameters.set(`${BASE}/validation/minSampleCount`, { Value: '0', Type: 'String', Version: 1 });
    const bad = await runCli(['config', 'validate', '--stage', 'dev'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('minSampleCount');
  });

  it('wants exactly one of --file and --stage', async () => {
    const run = await runCli(['config', 'validate'], isolatedAwsEnv());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('exactly one of --file');
  });
});
