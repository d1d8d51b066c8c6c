import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  type SFNServiceException,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  approvalToken,
  REJECTED_ERROR,
  rejectionCause,
  StepFunctionsApprovalDecider,
} from '../../lib/aws/stepfunctions/approval-decider';
import { StepFunctionsExecutionReader } from '../../lib/aws/stepfunctions/execution-reader';
import { NotAwaitingApprovalError } from '../../lib/domain/errors';
import { executionName } from '../../lib/domain/execution-name';

const sdk = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:eks-upgrade-agent-dev-upgrade';
const ID = executionName({ clusterName: 'payments', targetVersion: '1.31', requestId: 'chg-1' });
const ARN = `arn:aws:states:eu-west-1:123456789012:execution:eks-upgrade-agent-dev-upgrade:${ID}`;
const NOW = new Date('2026-03-01T10:00:00.000Z');
const clock = { now: () => NOW };

beforeEach(() => sdk.reset());

const awsError = <E extends SFNServiceException>(
  Ctor: new (o: { message: string; $metadata: object }) => E,
  message = 'no',
) => new Ctor({ message, $metadata: {} });

function input(clusterName: string) {
  return JSON.stringify({ upgradeId: 'x', request: { clusterName, targetVersion: '1.31', requestId: 'r' } });
}

describe('StepFunctionsExecutionReader', () => {
  const reader = () => new StepFunctionsExecutionReader(new SFNClient({}), MACHINE);

  test('describe: DescribeExecution by the ARN built from the machine and the upgrade id', async () => {
    sdk.on(DescribeExecutionCommand).resolves({
      executionArn: ARN,
      stateMachineArn: MACHINE,
      name: ID,
      status: 'RUNNING',
      startDate: new Date('2026-03-01T09:00:00Z'),
      input: input('payments'),
    });
    expect(await reader().describe(ID)).toEqual({
      upgradeId: ID,
      executionArn: ARN,
      status: 'RUNNING',
      startedAt: '2026-03-01T09:00:00.000Z',
      input: { upgradeId: 'x', request: { clusterName: 'payments', targetVersion: '1.31', requestId: 'r' } },
    });
    expect(sdk).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: ARN });
  });

  test('describe: ExecutionDoesNotExist and a name Step Functions cannot have are no upgrade', async () => {
    sdk.on(DescribeExecutionCommand).rejects(awsError(ExecutionDoesNotExist));
    expect(await reader().describe(ID)).toBeUndefined();
    expect(await reader().describe('../etc/passwd')).toBeUndefined();
    expect(sdk).toHaveReceivedCommandTimes(DescribeExecutionCommand, 1);
  });

  test('describe: other errors keep their names (the caller may retry a throttle)', async () => {
    const throttle = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    sdk.on(DescribeExecutionCommand).rejects(throttle);
    await expect(reader().describe(ID)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  test('list: the newest first, at most limit, one page sized to the limit', async () => {
    sdk.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: `${ARN}-b`,
          stateMachineArn: MACHINE,
          name: 'b',
          status: 'SUCCEEDED',
          startDate: new Date('2026-02-01T00:00:00Z'),
          stopDate: new Date('2026-02-01T02:00:00Z'),
        },
        {
          executionArn: `${ARN}-c`,
          stateMachineArn: MACHINE,
          name: 'c',
          status: 'RUNNING',
          startDate: new Date('2026-02-03T00:00:00Z'),
        },
      ],
      nextToken: 'more',
    });
    const list = await reader().list({ limit: 2 });
    expect(list.map((e) => e.upgradeId)).toEqual(['c', 'b']);
    expect(list[1]).toMatchObject({ status: 'SUCCEEDED', stoppedAt: '2026-02-01T02:00:00.000Z' });
    expect(sdk).toHaveReceivedCommandTimes(ListExecutionsCommand, 1);
    expect(sdk).toHaveReceivedCommandWith(ListExecutionsCommand, { stateMachineArn: MACHINE, maxResults: 2 });
  });

  test("list for a cluster: the name's prefix, confirmed by the input (one cluster's name may prefix another's)", async () => {
    const a = executionName({ clusterName: 'pay', targetVersion: '1.31', requestId: 'r1' });
    const b = executionName({ clusterName: 'pay-eu', targetVersion: '1.31', requestId: 'r2' });
    const c = executionName({ clusterName: 'orders', targetVersion: '1.31', requestId: 'r3' });
    const d = executionName({ clusterName: 'pay', targetVersion: '1.30', requestId: 'r0' });
    const item = (name: string, day: number) => ({
      executionArn: `arn:x:${name}`,
      stateMachineArn: MACHINE,
      name,
      status: 'SUCCEEDED' as const,
      startDate: new Date(`2026-02-0${day}T00:00:00Z`),
    });
    sdk
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: [item(b, 4), item(a, 3), item(c, 2)], nextToken: 'p2' })
      .resolvesOnce({ executions: [item(d, 1)] });
    const clusters: Record<string, string> = { [a]: 'pay', [b]: 'pay-eu', [c]: 'orders', [d]: 'pay' };
    sdk.on(DescribeExecutionCommand).callsFake(({ executionArn }: { executionArn: string }) => {
      const name = executionArn.split(':').pop() as string;
      return {
        executionArn,
        name,
        status: 'SUCCEEDED',
        startDate: new Date('2026-02-01T00:00:00Z'),
        input: input(clusters[name] ?? ''),
      };
    });
    const list = await reader().list({ clusterName: 'pay', limit: 5 });
    expect(list.map((e) => e.upgradeId).sort()).toEqual([a, d].sort());
    // orders is never described: its name does not have the prefix.
    const described = sdk
      .commandCalls(DescribeExecutionCommand)
      .map((call) => call.args[0].input.executionArn);
    expect(described.some((arn) => arn?.endsWith(c))).toBe(false);
    expect(sdk).toHaveReceivedCommandTimes(ListExecutionsCommand, 2);
  });

  test('list stops once it has the limit', async () => {
    const a = executionName({ clusterName: 'pay', targetVersion: '1.31', requestId: 'r1' });
    sdk.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: 'arn:x',
          stateMachineArn: MACHINE,
          name: a,
          status: 'RUNNING',
          startDate: new Date(),
        },
      ],
      nextToken: 'again',
    });
    sdk.on(DescribeExecutionCommand).resolves({
      executionArn: 'arn:x',
      name: a,
      status: 'RUNNING',
      startDate: new Date(),
      input: input('pay'),
    });
    expect(await reader().list({ clusterName: 'pay', limit: 1 })).toHaveLength(1);
    expect(sdk).toHaveReceivedCommandTimes(ListExecutionsCommand, 1);
  });

  test('list is bounded when nothing matches: at most 1,000 executions looked at', async () => {
    sdk.on(ListExecutionsCommand).resolves({
      executions: Array.from({ length: 100 }, (_, i) => ({
        executionArn: `arn:${i}`,
        stateMachineArn: MACHINE,
        name: `other-${i}`,
        status: 'SUCCEEDED' as const,
        startDate: new Date(),
      })),
      nextToken: 'forever',
    });
    expect(await reader().list({ clusterName: 'pay', limit: 20 })).toEqual([]);
    expect(sdk).toHaveReceivedCommandTimes(ListExecutionsCommand, 10);
  });
});

const scheduled = (token: string, id: number): HistoryEvent => ({
  id,
  type: 'TaskScheduled',
  timestamp: new Date('2026-03-01T09:30:00Z'),
  taskScheduledEventDetails: {
    resourceType: 'lambda',
    resource: 'invoke.waitForTaskToken',
    region: 'eu-west-1',
    parameters: JSON.stringify({ FunctionName: 'arn:fn', Payload: { upgradeId: ID, taskToken: token } }),
  },
});
const event = (type: HistoryEvent['type'], id: number): HistoryEvent => ({
  id,
  type,
  timestamp: new Date('2026-03-01T09:40:00Z'),
});
const otherTask = (id: number): HistoryEvent => ({
  id,
  type: 'TaskScheduled',
  timestamp: new Date(),
  taskScheduledEventDetails: {
    resourceType: 'lambda',
    resource: 'invoke',
    region: 'eu-west-1',
    parameters: '{}',
  },
});

describe('StepFunctionsApprovalDecider', () => {
  const decider = () => new StepFunctionsApprovalDecider(new SFNClient({}), MACHINE, clock);
  const running = () =>
    sdk.on(DescribeExecutionCommand).resolves({ executionArn: ARN, status: 'RUNNING', startDate: NOW });
  const history = (newestFirst: HistoryEvent[]) =>
    sdk.on(GetExecutionHistoryCommand).resolves({ events: newestFirst });

  test('approve: SendTaskSuccess with the token of the waiting task, who and when', async () => {
    running();
    history([
      event('TaskSubmitted', 9),
      event('TaskStarted', 8),
      scheduled('tok-2', 7),
      event('TaskSucceeded', 5),
      otherTask(3),
    ]);
    sdk.on(SendTaskSuccessCommand).resolves({});
    await decider().decide(ID, { approve: true, by: 'arn:aws:iam::123456789012:user/ana', comment: 'go' });
    expect(sdk).toHaveReceivedCommandWith(GetExecutionHistoryCommand, {
      executionArn: ARN,
      reverseOrder: true,
    });
    expect(sdk).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'tok-2',
      output: JSON.stringify({
        approved: true,
        by: 'arn:aws:iam::123456789012:user/ana',
        comment: 'go',
        at: NOW.toISOString(),
      }),
    });
  });

  test('reject: SendTaskFailure with UpgradeRejected and a JSON cause', async () => {
    running();
    history([scheduled('tok-1', 4)]);
    sdk.on(SendTaskFailureCommand).resolves({});
    await decider().decide(ID, { approve: false, by: 'me', comment: 'not on a Friday' });
    expect(sdk).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'tok-1',
      error: REJECTED_ERROR,
      cause: JSON.stringify({ by: 'me', comment: 'not on a Friday', at: NOW.toISOString() }),
    });
    expect(REJECTED_ERROR.length).toBeLessThanOrEqual(256);
  });

  test('the cause stays within 32,768 characters, however long the comment', () => {
    const cause = rejectionCause(
      { approve: false, by: 'me', comment: '"'.repeat(40_000) },
      NOW.toISOString(),
    );
    expect(cause.length).toBeLessThanOrEqual(32_768);
    expect(JSON.parse(cause)).toMatchObject({ by: 'me', at: NOW.toISOString() });
  });

  test('the token is looked for on later pages of the history', async () => {
    running();
    sdk
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [event('TaskSubmitted', 2000)], nextToken: 'p2' })
      .resolvesOnce({ events: [scheduled('tok-9', 1000)] });
    sdk.on(SendTaskSuccessCommand).resolves({});
    await decider().decide(ID, { approve: true, by: 'me' });
    expect(sdk).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { nextToken: 'p2' });
    expect(sdk).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'tok-9' });
  });

  test.each([
    [
      'an unknown upgrade',
      () => sdk.on(DescribeExecutionCommand).rejects(awsError(ExecutionDoesNotExist)),
      /no upgrade/,
    ],
    [
      'an ended upgrade',
      () =>
        sdk.on(DescribeExecutionCommand).resolves({ executionArn: ARN, status: 'SUCCEEDED', startDate: NOW }),
      /is SUCCEEDED: it waits for no approval/,
    ],
    [
      'no approval task in the history',
      () => {
        running();
        history([otherTask(3), event('TaskSucceeded', 4)]);
      },
      /has not asked for an approval/,
    ],
    [
      'an approval already answered',
      () => {
        running();
        history([otherTask(12), event('TaskSucceeded', 11), scheduled('tok', 7)]);
      },
      /approval task ended \(TaskSucceeded at 2026-03-01T09:40:00.000Z\)/,
    ],
    [
      'an approval timed out',
      () => {
        running();
        history([event('TaskTimedOut', 11), scheduled('tok', 7)]);
      },
      /ended \(TaskTimedOut/,
    ],
  ])('%s: NotAwaitingApprovalError, nothing sent', async (_name, arrange, message) => {
    arrange();
    const error = await decider()
      .decide(ID, { approve: true, by: 'me' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAwaitingApprovalError);
    expect((error as Error).message).toMatch(message);
    expect(sdk).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
    expect(sdk).toHaveReceivedCommandTimes(SendTaskFailureCommand, 0);
  });

  test.each([TaskDoesNotExist, TaskTimedOut, InvalidToken])(
    '%p from Step Functions: NotAwaitingApprovalError',
    async (Ctor) => {
      running();
      history([scheduled('tok', 1)]);
      sdk.on(SendTaskFailureCommand).rejects(awsError(Ctor as never));
      const error = await decider()
        .decide(ID, { approve: false, by: 'me' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotAwaitingApprovalError);
      expect((error as Error).message).toContain(
        new (Ctor as never as new (o: object) => Error)({ message: '', $metadata: {} }).name,
      );
    },
  );

  test('throttling and access denied keep their names', async () => {
    running();
    history([scheduled('tok', 1)]);
    sdk
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(decider().decide(ID, { approve: true, by: 'me' })).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    sdk
      .on(GetExecutionHistoryCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(decider().decide(ID, { approve: true, by: 'me' })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  test('approvalToken reads only lambda invoke.waitForTaskToken TaskScheduled events with a token', () => {
    expect(approvalToken(scheduled('t', 1))).toBe('t');
    expect(approvalToken(otherTask(1))).toBeUndefined();
    expect(approvalToken({ ...scheduled('t', 1), type: 'TaskStarted' })).toBeUndefined();
    const broken = scheduled('t', 1);
    expect(
      approvalToken({
        ...broken,
        taskScheduledEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke.waitForTaskToken',
          region: 'eu-west-1',
          parameters: 'not json',
        },
      }),
    ).toBeUndefined();
  });
});
