import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandInput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  ExecutionAlreadyRunningError,
  ExecutionInputConflictError,
  ExecutionWaitTimeoutError,
  UnexpectedResponseError,
} from '../../lib/aws/errors';
import { stepFunctionsStarter } from '../../lib/aws/stepfunctions/execution-starter';
import { StepFunctionsClient } from '../../lib/aws/stepfunctions/step-functions-client';
import { InvalidRequestError } from '../../lib/domain/errors';
import { executionArnFor, executionName } from '../../lib/domain/execution-name';

const sdk = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:eks-upgrade-workflow';
const input = { clusterName: 'my-cluster', targetVersion: '1.29', strategy: 'in_place', requestId: 'req-1' };

/** A virtual clock: sleeping advances it, so waits cost no real time. */
function virtualClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

function client(clock = virtualClock()) {
  return new StepFunctionsClient({ client: new SFNClient({}), sleep: clock.sleep, now: clock.now });
}

beforeEach(() => sdk.reset());

describe('state machines', () => {
  test('createStateMachine sends the definition as JSON, STANDARD by default', async () => {
    sdk.on(CreateStateMachineCommand).resolves({ stateMachineArn: MACHINE, creationDate: new Date() });
    const definition = { StartAt: 'A', States: { A: { Type: 'Succeed' } } };
    const arn = await client().createStateMachine({
      name: 'eks-upgrade-workflow',
      definition,
      roleArn: 'arn:aws:iam::123456789012:role/step-functions-role',
    });
    expect(arn).toBe(MACHINE);
    expect(sdk).toHaveReceivedCommandWith(CreateStateMachineCommand, {
      name: 'eks-upgrade-workflow',
      definition: JSON.stringify(definition),
      roleArn: 'arn:aws:iam::123456789012:role/step-functions-role',
      type: 'STANDARD',
    });
  });

  test('updateStateMachine sends only what changes', async () => {
    sdk.on(UpdateStateMachineCommand).resolves({ updateDate: new Date('2024-07-01T00:00:00.000Z') });
    const out = await client().updateStateMachine(MACHINE, { definition: '{"StartAt":"B"}' });
    expect(out).toEqual({ updateDate: '2024-07-01T00:00:00.000Z' });
    const sent = sdk.commandCalls(UpdateStateMachineCommand)[0]?.args[0].input;
    expect(sent).toEqual({ stateMachineArn: MACHINE, definition: '{"StartAt":"B"}' });
  });
});

describe('startExecution', () => {
  test('uses the deterministic name of cluster, target and request id', async () => {
    const name = executionName({ clusterName: 'my-cluster', targetVersion: '1.29', requestId: 'req-1' });
    sdk
      .on(StartExecutionCommand)
      .resolves({ executionArn: executionArnFor(MACHINE, name), startDate: new Date() });
    const started = await client().startExecution(MACHINE, input);
    expect(started).toEqual({ executionArn: executionArnFor(MACHINE, name), name, alreadyExisted: false });
    expect(sdk).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      name,
      input: JSON.stringify(input),
    });
  });

  test('the same input always gets the same name, a different one another (seed snake_case too)', async () => {
    sdk.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    const seedInput = { cluster_name: 'my-cluster', target_version: '1.29', strategy: 'blue_green' };
    await client().startExecution(MACHINE, seedInput);
    await client().startExecution(MACHINE, { ...seedInput });
    await client().startExecution(MACHINE, { ...seedInput, strategy: 'in_place' });
    const names = sdk.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    expect(names[0]).toBe(names[1]);
    expect(names[2]).not.toBe(names[0]);
    expect(names[0]).toMatch(/^my-cluster-1-29-/);
  });

  test('a duplicate of a finished execution with the same input returns that execution', async () => {
    sdk.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sdk.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', input: JSON.stringify({ ...input }) });
    const started = await client().startExecution(MACHINE, input);
    expect(started.executionArn).toBe(executionArnFor(MACHINE, started.name));
    expect(started.alreadyExisted).toBe(true);
    expect(started.status).toBe('SUCCEEDED');
    expect(sdk).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: started.executionArn });
  });

  test('the same name with a different input is ExecutionInputConflictError', async () => {
    sdk.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sdk
      .on(DescribeExecutionCommand)
      .resolves({ status: 'RUNNING', input: JSON.stringify({ ...input, force: true }) });
    await expect(client().startExecution(MACHINE, input)).rejects.toThrow(ExecutionInputConflictError);
  });

  test('an invalid explicit name is refused before any call', async () => {
    await expect(client().startExecution(MACHINE, input, { name: 'has space' })).rejects.toThrow(
      InvalidRequestError,
    );
    expect(sdk.calls()).toHaveLength(0);
  });
});

describe('describe, stop and wait', () => {
  const execution = `${MACHINE.replace(':stateMachine:', ':execution:')}:run-1`;

  test('describeExecution parses input and output', async () => {
    sdk.on(DescribeExecutionCommand).resolves({
      executionArn: execution,
      status: 'SUCCEEDED',
      input: '{"a":1}',
      output: '{"ok":true}',
      startDate: new Date('2024-07-01T00:00:00.000Z'),
      stopDate: new Date('2024-07-01T00:30:00.000Z'),
    });
    await expect(client().describeExecution(execution)).resolves.toEqual({
      executionArn: execution,
      status: 'SUCCEEDED',
      input: { a: 1 },
      output: { ok: true },
      startDate: '2024-07-01T00:00:00.000Z',
      stopDate: '2024-07-01T00:30:00.000Z',
    });
  });

  test('stopExecution passes the error and cause', async () => {
    sdk.on(StopExecutionCommand).resolves({ stopDate: new Date('2024-07-01T01:00:00.000Z') });
    await expect(
      client().stopExecution(execution, { error: 'Operator', cause: 'manual stop' }),
    ).resolves.toBe('2024-07-01T01:00:00.000Z');
    expect(sdk).toHaveReceivedCommandWith(StopExecutionCommand, {
      executionArn: execution,
      error: 'Operator',
      cause: 'manual stop',
    });
  });

  test('waitForExecution polls with growing pauses until the execution ends', async () => {
    sdk
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolvesOnce({ status: 'RUNNING' })
      .resolvesOnce({ status: 'RUNNING' })
      .resolvesOnce({ status: 'FAILED', error: 'PlanBlockedError', cause: '{"errorMessage":"blocked"}' });
    const clock = virtualClock();
    const result = await client(clock).waitForExecution(execution, { initialDelayMs: 1000, factor: 2 });
    expect(result).toEqual({
      status: 'FAILED',
      error: { error: 'PlanBlockedError', cause: '{"errorMessage":"blocked"}' },
    });
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  test('waitForExecution returns the parsed output on success', async () => {
    sdk.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: '{"targetVersion":"1.29"}' });
    await expect(client().waitForExecution(execution)).resolves.toEqual({
      status: 'SUCCEEDED',
      output: { targetVersion: '1.29' },
    });
  });

  test('waitForExecution gives up at the overall timeout without overshooting it', async () => {
    sdk.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const clock = virtualClock();
    const error = await client(clock)
      .waitForExecution(execution, { timeoutMs: 10_000, initialDelayMs: 4000, maxDelayMs: 5000, factor: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionWaitTimeoutError);
    expect(clock.sleeps).toEqual([4000, 5000, 1000]);
    expect(clock.now()).toBe(10_000);
  });
});

describe('running executions of a cluster', () => {
  const name = (cluster: string, req: string) =>
    executionName({ clusterName: cluster, targetVersion: '1.30', requestId: req });

  test('lists running executions whose name and input name the cluster, across pages', async () => {
    const mine = name('prod', 'r1');
    const lookalike = name('prod', 'r2');
    sdk
      .on(ListExecutionsCommand)
      .resolvesOnce({
        executions: [
          {
            executionArn: 'arn:mine',
            name: mine,
            stateMachineArn: MACHINE,
            status: 'RUNNING',
            startDate: new Date(0),
          },
          {
            executionArn: 'arn:other',
            name: name('staging', 'r1'),
            stateMachineArn: MACHINE,
            status: 'RUNNING',
            startDate: new Date(0),
          },
        ],
        nextToken: 'p2',
      })
      .resolvesOnce({
        executions: [
          {
            executionArn: 'arn:lookalike',
            name: lookalike,
            stateMachineArn: MACHINE,
            status: 'RUNNING',
            startDate: new Date(0),
          },
        ],
      });
    sdk.on(DescribeExecutionCommand).callsFake((i: DescribeExecutionCommandInput) => ({
      status: 'RUNNING',
      // The second one's name starts like prod's but its input is for "prod-1" (names are only a pre-filter).
      input: JSON.stringify({ clusterName: i.executionArn === 'arn:mine' ? 'prod' : 'prod-1' }),
    }));
    const running = await client().listRunningExecutions(MACHINE, 'prod');
    expect(running.map((r) => r.executionArn)).toEqual(['arn:mine']);
    expect(sdk).toHaveReceivedCommandWith(ListExecutionsCommand, {
      stateMachineArn: MACHINE,
      statusFilter: 'RUNNING',
    });
    expect(sdk).toHaveReceivedCommandTimes(DescribeExecutionCommand, 2);
  });

  test('assertNoRunningExecution refuses a second concurrent upgrade', async () => {
    sdk.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: 'arn:mine',
          name: name('prod', 'r1'),
          stateMachineArn: MACHINE,
          status: 'RUNNING',
          startDate: new Date(0),
        },
      ],
    });
    sdk.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', input: '{"clusterName":"prod"}' });
    await expect(client().assertNoRunningExecution(MACHINE, 'prod')).rejects.toThrow(
      ExecutionAlreadyRunningError,
    );
    sdk.on(ListExecutionsCommand).resolves({ executions: [] });
    await expect(client().assertNoRunningExecution(MACHINE, 'prod')).resolves.toBeUndefined();
  });
});

describe('the trigger starter: find an execution by name, start one (answers as data)', () => {
  const NAME = 'my-cluster-1-29-req-1-0123456789ab';
  const ARN = executionArnFor(MACHINE, NAME);
  const notFound = () =>
    new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${ARN}'`, $metadata: {} });

  test('findExecution: ExecutionDoesNotExist is no execution', async () => {
    sdk.on(DescribeExecutionCommand).rejects(notFound());
    await expect(client().findExecution(MACHINE, NAME, input)).resolves.toBeUndefined();
    expect(sdk).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: ARN });
  });

  test('findExecution: the status, and whether the input is the same (key order aside)', async () => {
    const reordered = Object.fromEntries(Object.entries(input).reverse());
    sdk
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: ARN, status: 'FAILED', input: JSON.stringify(reordered) });
    await expect(client().findExecution(MACHINE, NAME, input)).resolves.toEqual({
      executionArn: ARN,
      status: 'FAILED',
      sameInput: true,
    });
    await expect(client().findExecution(MACHINE, NAME, { ...input, force: true })).resolves.toMatchObject({
      sameInput: false,
    });
  });

  test('findExecution: any other error (access denied) is thrown, not taken for "none"', async () => {
    sdk.on(DescribeExecutionCommand).rejects(
      Object.assign(new Error('not authorized to perform states:DescribeExecution'), {
        name: 'AccessDeniedException',
      }),
    );
    await expect(client().findExecution(MACHINE, NAME, input)).rejects.toThrow('not authorized');
  });

  test('startNamed: started, existing (same input) or conflict (another input) with the status', async () => {
    sdk.on(StartExecutionCommand).resolves({ executionArn: ARN, startDate: new Date() });
    await expect(client().startNamed(MACHINE, NAME, input)).resolves.toEqual({
      kind: 'started',
      executionArn: ARN,
    });

    sdk.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sdk
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: ARN, status: 'SUCCEEDED', input: JSON.stringify(input) });
    await expect(client().startNamed(MACHINE, NAME, input)).resolves.toEqual({
      kind: 'existing',
      executionArn: ARN,
      status: 'SUCCEEDED',
    });
    sdk
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: ARN, status: 'RUNNING', input: JSON.stringify({ ...input, dryRun: true }) });
    await expect(client().startNamed(MACHINE, NAME, input)).resolves.toEqual({
      kind: 'conflict',
      executionArn: ARN,
      status: 'RUNNING',
    });
  });

  test('startNamed: ExecutionAlreadyExists for a name DescribeExecution cannot find is an UnexpectedResponseError', async () => {
    sdk.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sdk.on(DescribeExecutionCommand).rejects(notFound());
    await expect(client().startNamed(MACHINE, NAME, input)).rejects.toThrow(UnexpectedResponseError);
  });

  test('stepFunctionsStarter sends find and start to the state machine it was given', async () => {
    sdk.on(DescribeExecutionCommand).rejects(notFound());
    sdk.on(StartExecutionCommand).resolves({ executionArn: ARN, startDate: new Date() });
    const starter = stepFunctionsStarter(client(), MACHINE);
    await expect(starter.find(NAME, input)).resolves.toBeUndefined();
    await expect(starter.start(NAME, input)).resolves.toEqual({ kind: 'started', executionArn: ARN });
    expect(sdk).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      name: NAME,
      input: JSON.stringify(input),
    });
  });
});
