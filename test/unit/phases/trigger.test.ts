import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { stepFunctionsStarter } from '../../../lib/aws/stepfunctions/execution-starter';
import { StepFunctionsClient } from '../../../lib/aws/stepfunctions/step-functions-client';
import { defaultConfig } from '../../../lib/domain/config';
import type { DomainEvent } from '../../../lib/domain/events';
import { executionName } from '../../../lib/domain/execution-name';
import { upgradeRequestSchema } from '../../../lib/phases/contracts';
import { triggerUpgrade } from '../../../lib/phases/trigger';
import type {
  ClusterLock,
  ExecutionStarter,
  ExecutionStatus,
  ExistingExecution,
  LockOutcome,
  StartOutcome,
} from '../../../lib/ports';

/**
 * The trigger against in-memory ports: the execution is looked up before the lock,
 * and a lock taken for a start that does not happen is given back.
 */

const CLUSTER = 'payments-prod';
const request = { clusterName: CLUSTER, targetVersion: '1.32', requestId: 'chg-7' };
const event = (detail: Record<string, unknown> = request) => ({ 'detail-type': 'upgrade.requested', detail });
const NAME = executionName(request);
const ARN = `arn:aws:states:us-east-1:123456789012:execution:upgrade:${NAME}`;

/** DynamoClusterLock's rules, in memory: free, same holder, or expired. */
class MemoryLock implements ClusterLock {
  readonly held = new Map<string, string>();
  async acquire(cluster: string, holder: string): Promise<LockOutcome> {
    const current = this.held.get(cluster);
    if (current !== undefined && current !== holder) return { acquired: false, heldBy: current };
    this.held.set(cluster, holder);
    return { acquired: true };
  }
  async release(cluster: string, holder: string): Promise<void> {
    if (this.held.get(cluster) === holder) this.held.delete(cluster);
  }
}

function setup(starter: Partial<ExecutionStarter>) {
  const published: DomainEvent[] = [];
  const stored = new Map<string, unknown>();
  const locks = new MemoryLock();
  const full: ExecutionStarter = {
    find: starter.find ?? (async () => undefined),
    start: starter.start ?? (async () => ({ kind: 'started', executionArn: ARN })),
  };
  const deps = {
    locks,
    config: { load: async () => defaultConfig() },
    events: { publish: async (events: readonly DomainEvent[]) => void published.push(...events) },
    clock: { now: () => new Date('2026-11-28T10:00:00Z') },
    artifacts: {
      getJson: async (key: string) => stored.get(key),
      putJson: async (key: string, value: unknown) => void stored.set(key, value),
    },
    starter: full,
  };
  const failures = () =>
    published
      .filter((e) => e.detailType === 'upgrade.failed')
      .map((e) => e.detail as unknown as { upgradeId: string; reason: string; error: { name: string } });
  return { deps, locks, published, failures };
}

const existing = (status: ExecutionStatus, sameInput: boolean): ExistingExecution => ({
  executionArn: ARN,
  status,
  sameInput,
});

describe('triggerUpgrade: duplicates', () => {
  test.each<ExecutionStatus>(['RUNNING', 'SUCCEEDED', 'FAILED'])(
    'given an execution of the same request that is %s, then duplicate with its status, no lock, no event',
    async (status) => {
      const start = jest.fn();
      const { deps, locks, published } = setup({ find: async () => existing(status, true), start });
      const result = await triggerUpgrade(event(), deps);
      expect(result).toEqual({
        status: 'duplicate',
        upgradeId: NAME,
        executionArn: ARN,
        executionStatus: status,
      });
      expect(start).not.toHaveBeenCalled();
      expect(locks.held.size).toBe(0);
      expect(published).toEqual([]);
    },
  );

  test('given a finished request and another upgrade of the cluster running, when it comes again, then duplicate and no "in progress" failure', async () => {
    const { deps, locks, failures } = setup({ find: async () => existing('SUCCEEDED', true) });
    locks.held.set(CLUSTER, 'another-upgrade');
    const result = await triggerUpgrade(event(), deps);
    expect(result.status).toBe('duplicate');
    expect(failures()).toEqual([]);
    expect(locks.held.get(CLUSTER)).toBe('another-upgrade');
  });

  test('given a concurrent start of the same request, when StartExecution finds it running, then duplicate and its lock is kept', async () => {
    const { deps, locks } = setup({
      start: async () => ({ kind: 'existing', executionArn: ARN, status: 'RUNNING' }),
    });
    const result = await triggerUpgrade(event(), deps);
    expect(result).toEqual({
      status: 'duplicate',
      upgradeId: NAME,
      executionArn: ARN,
      executionStatus: 'RUNNING',
    });
    expect(locks.held.get(CLUSTER)).toBe(NAME);
  });

  test('given a concurrent start that has already ended, then duplicate and the lock taken for it is given back', async () => {
    const { deps, locks } = setup({
      start: async () => ({ kind: 'existing', executionArn: ARN, status: 'SUCCEEDED' }),
    });
    expect((await triggerUpgrade(event(), deps)).status).toBe('duplicate');
    expect(locks.held.size).toBe(0);
  });
});

describe('triggerUpgrade: a request id reused with another request', () => {
  test('given the name taken with another input, then upgrade.failed naming the request id, nothing started, the lock untouched', async () => {
    const start = jest.fn();
    const { deps, locks, failures } = setup({ find: async () => existing('SUCCEEDED', false), start });
    const result = await triggerUpgrade(event({ ...request, force: true }), deps);
    expect(result.status).toBe('rejected');
    expect(start).not.toHaveBeenCalled();
    expect(locks.held.size).toBe(0);
    const [failure] = failures();
    expect(failures()).toHaveLength(1);
    expect(failure?.error.name).toBe('RequestIdReusedError');
    expect(failure?.reason).toContain('request id "chg-7" was reused');
    expect(failure?.reason).toContain(NAME);
    // Its own id: the existing upgrade's history gets no failure that is not its own.
    expect(failure?.upgradeId).toBe('rejected-chg-7');
  });

  test('given StartExecution answers a conflict (ExecutionAlreadyExists), then the lock is released and upgrade.failed says which request id', async () => {
    const conflict: StartOutcome = { kind: 'conflict', executionArn: ARN, status: 'SUCCEEDED' };
    const { deps, locks, failures } = setup({ start: async () => conflict });
    const result = await triggerUpgrade(event(), deps);
    expect(result.status).toBe('rejected');
    expect(locks.held.size).toBe(0);
    expect(failures().map((f) => f.error.name)).toEqual(['RequestIdReusedError']);
    expect(failures()[0]?.reason).toBe(
      `request id "chg-7" was reused: execution ${NAME} (SUCCEEDED) was started for it with another request; nothing was started. Use a new request id for a new upgrade`,
    );
  });

  test('given a conflict with a running execution of that name, then its lock is not released', async () => {
    const { deps, locks } = setup({
      start: async () => ({ kind: 'conflict', executionArn: ARN, status: 'RUNNING' }),
    });
    await triggerUpgrade(event(), deps);
    expect(locks.held.get(CLUSTER)).toBe(NAME);
  });
});

describe('triggerUpgrade: a start that fails', () => {
  test('given StartExecution throws, then the lock is given back and the error goes to the rule (which retries)', async () => {
    const { deps, locks } = setup({
      start: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
    });
    await expect(triggerUpgrade(event(), deps)).rejects.toThrow('Rate exceeded');
    expect(locks.held.size).toBe(0);
  });

  test('given StartExecution throws while a concurrent duplicate runs it, then that execution keeps its lock', async () => {
    let calls = 0;
    const { deps, locks } = setup({
      find: async () => (calls++ === 0 ? undefined : existing('RUNNING', true)),
      start: async () => {
        throw new Error('socket hang up');
      },
    });
    await expect(triggerUpgrade(event(), deps)).rejects.toThrow('socket hang up');
    expect(locks.held.get(CLUSTER)).toBe(NAME);
  });
});

describe('triggerUpgrade over Step Functions (aws-sdk-client-mock)', () => {
  const sdk = mockClient(SFNClient);
  const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:upgrade';
  beforeEach(() => sdk.reset());
  const starter = () => stepFunctionsStarter(new StepFunctionsClient({ client: new SFNClient({}) }), MACHINE);

  test('ExecutionAlreadyExists with another input of a running execution: upgrade.failed, and that execution keeps its lock', async () => {
    sdk
      .on(DescribeExecutionCommand)
      .rejectsOnce(new ExecutionDoesNotExist({ message: 'no such execution', $metadata: {} }))
      .resolves({ status: 'RUNNING', input: JSON.stringify({ upgradeId: NAME, other: true }) });
    sdk.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const { deps, locks, failures } = setup(starter());
    const result = await triggerUpgrade(event(), deps);
    expect(result.status).toBe('rejected');
    // RUNNING under that name: the lock names it, and is its own (re-taken, not given away).
    expect(locks.held.get(CLUSTER)).toBe(NAME);
    expect(failures().map((f) => f.error.name)).toEqual(['RequestIdReusedError']);
    expect(failures()[0]?.reason).toBe(
      `request id "chg-7" was reused: execution ${NAME} (RUNNING) was started for it with another request; nothing was started. Use a new request id for a new upgrade`,
    );
  });

  test('ExecutionAlreadyExists with another input of a closed execution: the lock is released', async () => {
    sdk
      .on(DescribeExecutionCommand)
      .rejectsOnce(new ExecutionDoesNotExist({ message: 'no such execution', $metadata: {} }))
      .resolves({ status: 'FAILED', input: JSON.stringify({ upgradeId: NAME, other: true }) });
    sdk.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const { deps, locks, failures } = setup(starter());
    expect((await triggerUpgrade(event(), deps)).status).toBe('rejected');
    expect(locks.held.size).toBe(0);
    expect(failures()).toHaveLength(1);
  });

  test('a late duplicate: DescribeExecution finds it before any lock or StartExecution', async () => {
    // As the trigger builds it: the request as its schema parses it.
    const input = { upgradeId: NAME, request: upgradeRequestSchema().parse(request) };
    sdk
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: ARN, status: 'SUCCEEDED', input: JSON.stringify(input) });
    const { deps, locks } = setup(starter());
    locks.held.set(CLUSTER, 'another-upgrade');
    const result = await triggerUpgrade(event(), deps);
    expect(result).toMatchObject({ status: 'duplicate', executionStatus: 'SUCCEEDED' });
    expect(sdk.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
