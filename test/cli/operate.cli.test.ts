import { executionName } from '../../lib/domain/execution-name';
import { isolatedAwsEnv, REGION, runCli } from '../support/live-cli';
import { type SfnWireServer, startSfnWireServer } from '../support/sfn-wire-server';

/**
 * `status`, `approve`, `reject` as a person runs them: the CLI as a child process, the
 * real SDK, Step Functions' JSON 1.0 and STS's query protocol served locally
 * (AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL_STS).
 */
jest.setTimeout(60_000);

const ACCOUNT = '123456789012';
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:eks-upgrade-agent-dev-upgrade`;
const execArn = (name: string) => `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;
const request = (clusterName: string, requestId: string) => ({
  clusterName,
  targetVersion: '1.31',
  requestId,
});
const WAITING = executionName(request('payments', 'chg-1'));
const DONE = executionName(request('payments', 'chg-0'));
const OTHER = executionName(request('orders', 'chg-9'));

const t = (iso: string) => Date.parse(iso) / 1000;
const approvalScheduled = (token: string) => ({
  id: 20,
  type: 'TaskScheduled',
  timestamp: t('2026-03-01T09:30:00Z'),
  previousEventId: 19,
  taskScheduledEventDetails: {
    resourceType: 'lambda',
    resource: 'invoke.waitForTaskToken',
    region: REGION,
    parameters: JSON.stringify({
      FunctionName: 'arn:fn:approval',
      Payload: { upgradeId: WAITING, taskToken: token },
    }),
  },
});

let server: SfnWireServer;
beforeEach(async () => {
  server = await startSfnWireServer({ account: ACCOUNT });
  server.machines.add(MACHINE);
  const add = (
    name: string,
    status: 'RUNNING' | 'SUCCEEDED',
    day: number,
    cluster: string,
    history: Record<string, unknown>[],
  ) =>
    server.executions.set(execArn(name), {
      name,
      status,
      startDate: t(`2026-03-0${day}T09:00:00Z`),
      input: { upgradeId: name, request: { ...request(cluster, name), strategy: 'in_place' } },
      history,
    });
  add(DONE, 'SUCCEEDED', 1, 'payments', []);
  add(OTHER, 'SUCCEEDED', 2, 'orders', []);
  add(WAITING, 'RUNNING', 3, 'payments', [
    { id: 1, type: 'ExecutionStarted', timestamp: t('2026-03-03T09:00:00Z') },
    approvalScheduled('token-abc'),
    { id: 21, type: 'TaskStarted', timestamp: t('2026-03-01T09:30:01Z'), previousEventId: 20 },
    { id: 22, type: 'TaskSubmitted', timestamp: t('2026-03-01T09:30:02Z'), previousEventId: 21 },
  ]);
});
afterEach(() => server.close());

const env = () => ({
  ...isolatedAwsEnv(),
  AWS_ACCESS_KEY_ID: 'AKIDOPERATETEST',
  AWS_SECRET_ACCESS_KEY: 'operate-test-secret',
  AWS_REGION: REGION,
  AWS_ENDPOINT_URL_SFN: server.url,
  AWS_ENDPOINT_URL_STS: server.url,
  AWS_MAX_ATTEMPTS: '1',
});

describe('status', () => {
  it("lists a cluster's recent upgrades, newest first, from the stage's state machine", async () => {
    const run = await runCli(['status', '--stage', 'dev', '--cluster', 'payments'], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(WAITING);
    expect(lines[0]).toContain('RUNNING');
    expect(lines[1]).toContain(DONE);
    expect(server.calls.find((c) => c.action === 'ListExecutions')?.input.stateMachineArn).toBe(MACHINE);
  });

  it('prints one upgrade, as JSON with --json', async () => {
    const run = await runCli(['status', WAITING, '--stage', 'dev', '--json'], env());
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      upgradeId: WAITING,
      state: 'running',
      clusterName: 'payments',
      targetVersion: '1.31',
      execution: { status: 'RUNNING', startedAt: '2026-03-03T09:00:00.000Z' },
    });
    const text = await runCli(['status', WAITING, '--stage', 'dev'], env());
    expect(text.stdout).toContain(`upgrade ${WAITING}`);
    expect(text.stdout).toContain('pass --bucket');
  });

  it('an unknown id: exit 2, saying so', async () => {
    const run = await runCli(['status', 'payments-1-31-nope-0123456789ab', '--stage', 'dev'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stage dev (us-west-2) has no upgrade payments-1-31-nope-0123456789ab');
  });

  it('a stage not deployed: exit 2, how to deploy it', async () => {
    const run = await runCli(['status', '--stage', 'prod'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'stage prod is not deployed in us-west-2: no state machine eks-upgrade-agent-prod-upgrade',
    );
    expect(run.stderr).toContain('npx sls deploy --stage prod');
  });

  it('missing credentials: exit 2, no call made', async () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...noKeys } = env();
    const run = await runCli(['status', '--stage', 'dev'], noKeys);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no AWS credentials found');
    expect(server.calls).toEqual([]);
  });
});

describe('approve and reject', () => {
  it('approve: the waiting task succeeds, as the caller (STS)', async () => {
    const run = await runCli(['approve', WAITING, '--stage', 'dev', '--comment', 'CAB-77'], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`approved upgrade ${WAITING} as arn:aws:iam::${ACCOUNT}:user/ana\n`);
    const answer = server.answered.get('token-abc');
    expect(JSON.parse(String(answer?.output))).toMatchObject({
      approved: true,
      by: `arn:aws:iam::${ACCOUNT}:user/ana`,
      comment: 'CAB-77',
    });
    expect(server.calls.some((c) => c.action === 'sts:GetCallerIdentity')).toBe(true);
  });

  it('reject: the waiting task fails with UpgradeRejected', async () => {
    const run = await runCli(['reject', WAITING, '--stage', 'dev', '--comment', 'not today'], env());
    expect(run.code).toBe(0);
    expect(server.answered.get('token-abc')).toMatchObject({ error: 'UpgradeRejected' });
    expect(JSON.parse(String(server.answered.get('token-abc')?.cause))).toMatchObject({
      comment: 'not today',
    });
  });

  it('an upgrade that does not wait for an approval: exit 2, saying why; nothing sent', async () => {
    const run = await runCli(['approve', DONE, '--stage', 'dev'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`upgrade ${DONE} is SUCCEEDED: it waits for no approval`);
    expect(server.answered.size).toBe(0);
  });

  it('approving twice: the second is refused (already answered)', async () => {
    expect((await runCli(['approve', WAITING, '--stage', 'dev'], env())).code).toBe(0);
    server.executions
      .get(execArn(WAITING))
      ?.history.push({ id: 23, type: 'TaskSucceeded', timestamp: t('2026-03-01T09:31:00Z') });
    const again = await runCli(['reject', WAITING, '--stage', 'dev'], env());
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('its approval task ended (TaskSucceeded');
  });

  it('an unknown id: exit 2', async () => {
    const run = await runCli(['approve', 'payments-1-31-nope-0123456789ab', '--stage', 'dev'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('has no upgrade payments-1-31-nope-0123456789ab');
  });

  it('missing credentials: exit 2', async () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...noKeys } = env();
    const run = await runCli(['reject', WAITING, '--stage', 'dev'], noKeys);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no AWS credentials found');
    expect(server.answered.size).toBe(0);
  });

  it('no --stage: exit 2', async () => {
    const run = await runCli(['approve', WAITING], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--stage is required');
  });
});
