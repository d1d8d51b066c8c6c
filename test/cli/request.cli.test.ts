import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { CliIo } from '../../lib/cli/io';
import { run } from '../../lib/cli/main';

const eventBridge = mockClient(EventBridgeClient);

function io(): CliIo & { out: string; err: string } {
  const state = {
    out: '',
    err: '',
    exitCode: 0,
    now: () => new Date('2026-11-28T09:30:00Z'),
    stdout: (t: string) => {
      state.out += t;
    },
    stderr: (t: string) => {
      state.err += t;
    },
  };
  return state;
}

beforeEach(() => eventBridge.reset());

describe('eks-upgrade-agent request (the AWS path, SDK mocked)', () => {
  test('puts one validated upgrade.requested on the stage bus and prints the upgrade id', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'ev-1' }] });
    const out = io();
    const code = await run(
      [
        'node',
        'eua',
        'request',
        '--stage',
        'prod',
        '--cluster',
        'payments-prod',
        '--target',
        '1.32',
        '--request-id',
        'chg-1',
      ],
      out,
    );
    expect(code).toBe(0);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'eks-upgrade-agent-prod',
      Source: 'eks-upgrade-agent',
      DetailType: 'upgrade.requested',
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({
      clusterName: 'payments-prod',
      targetVersion: '1.32',
      requestId: 'chg-1',
      dryRun: false,
      schemaVersion: '1',
    });
    expect(out.out).toContain('event ev-1');
    expect(out.out).toMatch(/execution name: payments-prod-1-32-chg-1-[0-9a-f]{12}/);
  });

  test('a refused entry exits 1 with EventBridge error code', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not authorized' }],
    });
    const out = io();
    const code = await run(
      ['node', 'eua', 'request', '--bus', 'b', '--cluster', 'c', '--target', '1.31'],
      out,
    );
    expect(code).toBe(1);
    expect(out.err).toContain('AccessDeniedException');
  });

  test('an SDK failure (no credentials, network) exits 1 with one line, not a stack', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }));
    const out = io();
    const code = await run(
      ['node', 'eua', 'request', '--bus', 'b', '--cluster', 'c', '--target', '1.31'],
      out,
    );
    expect(code).toBe(1);
    expect(out.err).toBe(
      'error: b did not accept the request: CredentialsProviderError: Could not load credentials\n',
    );
  });

  test.each([
    [
      ['--stage', 'prod', '--cluster', 'c', '--target', 'latest'],
      '--target must be a Kubernetes minor version',
    ],
    [['--stage', 'prod', '--cluster', 'c', '--target', '01.32'], 'leading zero; write it as 1.32'],
    [
      ['--stage', 'prod', '--cluster', 'c', '--target', '1.32', '--request-id', 'a..b'],
      '--request-id: the request id contains ".."',
    ],
    [['--cluster', 'c', '--target', '1.31'], 'exactly one of --stage or --bus'],
    [
      ['--stage', '', '--cluster', 'c', '--target', '1.31'],
      '--stage "": a stage is 1-64 letters, digits and -',
    ],
    [['--bus', 'my bus', '--cluster', 'c', '--target', '1.31'], 'is not an EventBridge bus name'],
    [
      ['--stage', 'prod', '--cluster', '../c', '--target', '1.31'],
      '--cluster: "../c" is not an EKS cluster name',
    ],
    [['--stage', 'p', '--bus', 'b', '--cluster', 'c', '--target', '1.31'], 'exactly one of --stage or --bus'],
  ])('bad input %j exits 2 and sends nothing', async (args, message) => {
    const out = io();
    const code = await run(['node', 'eua', 'request', ...args], out);
    expect(code).toBe(2);
    expect(out.err).toContain(message);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });
});
