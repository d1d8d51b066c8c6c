import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  awsOncePerUpgrade,
  DEFAULT_ONCE_EXPIRY_SECONDS,
  registerLambdaContext,
} from '../../lib/aws/idempotency';

const ddb = mockClient(DynamoDBClient);
const TABLE = 'agent-table';
const NOW_MS = Date.parse('2024-07-01T12:00:00.000Z');
const REMAINING_MS = 300_000;

type Item = Record<string, unknown>;

function conditionFailed(old?: Item): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(old ? { Item: marshall(old) } : {}),
  });
}

/**
 * The table behind the mock, as Powertools' DynamoDBPersistenceLayer uses it: a put
 * that fails while a live record exists (returning the old item, ALL_OLD), an
 * update that SETs `#name = :value` pairs, a delete, a consistent get.
 */
function inMemoryTable(): Map<string, Item> {
  const items = new Map<string, Item>();
  ddb.on(PutItemCommand).callsFake((input: PutItemCommandInput) => {
    const item = unmarshall(input.Item ?? {});
    const names = input.ExpressionAttributeNames ?? {};
    const values = unmarshall(input.ExpressionAttributeValues ?? {});
    const existing = items.get(String(item.pk));
    const expiry = names['#expiry'] ?? 'missing';
    const inProgressExpiry = names['#in_progress_expiry'] ?? 'missing';
    const free =
      existing === undefined ||
      Number(existing[expiry]) < values[':now'] ||
      (existing.status === 'INPROGRESS' &&
        existing[inProgressExpiry] !== undefined &&
        Number(existing[inProgressExpiry]) < values[':now_in_millis']);
    if (!free)
      throw conditionFailed(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? existing : undefined);
    items.set(String(item.pk), item);
    return {};
  });
  ddb.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => {
    const key = String(unmarshall(input.Key ?? {}).pk);
    const names = input.ExpressionAttributeNames ?? {};
    const values = unmarshall(input.ExpressionAttributeValues ?? {});
    const item: Item = { ...items.get(key), pk: key };
    for (const clause of (input.UpdateExpression ?? '').replace(/^SET /, '').split(', ')) {
      const [name, value] = clause.split(' = ');
      item[names[name ?? ''] ?? ''] = values[value ?? ''];
    }
    items.set(key, item);
    return {};
  });
  ddb.on(DeleteItemCommand).callsFake((input) => {
    items.delete(String(unmarshall(input.Key ?? {}).pk));
    return {};
  });
  ddb.on(GetItemCommand).callsFake((input) => {
    const item = items.get(String(unmarshall(input.Key ?? {}).pk));
    return item ? { Item: marshall(item) } : {};
  });
  return items;
}

function once(options: { expiresAfterSeconds?: number; purpose?: string } = {}) {
  return awsOncePerUpgrade({
    tableName: TABLE,
    client: new DynamoDBClient({}),
    purpose: 'rollback',
    ...options,
  });
}

interface Request {
  upgradeId: string;
  trigger: string;
}

const putItems = () => ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);

beforeEach(() => {
  ddb.reset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW_MS);
  registerLambdaContext({ getRemainingTimeInMillis: () => REMAINING_MS } as Context);
});

afterEach(() => jest.restoreAllMocks());

test('the first call runs the function and stores its result as COMPLETED under once#<purpose>#...', async () => {
  const items = inMemoryTable();
  const fn = jest.fn(async (input: Request) => ({ outcome: 'revert-started', by: input.trigger }));
  const result = await once()(fn)({ upgradeId: 'upg-1', trigger: 'event-rule' });

  expect(result).toEqual({ outcome: 'revert-started', by: 'event-rule' });
  expect(fn).toHaveBeenCalledTimes(1);

  const [put] = putItems();
  expect(put).toMatchObject({
    TableName: TABLE,
    ConditionExpression: expect.stringContaining('attribute_not_exists(#id)'),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    ExpressionAttributeNames: expect.objectContaining({ '#id': 'pk', '#expiry': 'ttl' }),
  });
  const inProgress = unmarshall(put?.Item ?? {});
  expect(inProgress).toEqual({
    pk: expect.stringMatching(/^once#rollback#/),
    status: 'INPROGRESS',
    // 7 days by default, epoch seconds: the table's TTL attribute.
    ttl: NOW_MS / 1000 + DEFAULT_ONCE_EXPIRY_SECONDS,
    // From the registered Lambda context: a record left by a timed-out invocation stops blocking then.
    in_progress_expiration: NOW_MS + REMAINING_MS,
  });
  expect([...items.values()]).toEqual([
    {
      pk: inProgress.pk,
      status: 'COMPLETED',
      ttl: NOW_MS / 1000 + DEFAULT_ONCE_EXPIRY_SECONDS,
      in_progress_expiration: NOW_MS + REMAINING_MS,
      data: { outcome: 'revert-started', by: 'event-rule' },
    },
  ]);
});

test('a second call with the same upgradeId returns the first result without running the function', async () => {
  inMemoryTable();
  const oncePerUpgrade = once();
  const first = jest.fn(async (input: Request) => ({ outcome: 'revert-started', by: input.trigger }));
  const second = jest.fn(async (input: Request) => ({ outcome: 'stopped', by: input.trigger }));

  await oncePerUpgrade(first)({ upgradeId: 'upg-1', trigger: 'event-rule' });
  const again = await oncePerUpgrade(second)({ upgradeId: 'upg-1', trigger: 'state-machine' });

  expect(again).toEqual({ outcome: 'revert-started', by: 'event-rule' });
  expect(first).toHaveBeenCalledTimes(1);
  expect(second).not.toHaveBeenCalled();
  expect(ddb).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
});

test('the stored COMPLETED item returned with the failed put (ALL_OLD) is the answer; no read needed', async () => {
  const stored = {
    pk: 'once#rollback#whatever',
    status: 'COMPLETED',
    ttl: NOW_MS / 1000 + 3600,
    data: { outcome: 'stopped', actions: [] },
  };
  ddb.on(PutItemCommand).rejects(conditionFailed(stored));
  const fn = jest.fn(async (_input: Request) => ({ outcome: 'revert-started', actions: ['x'] }));

  await expect(once()(fn)({ upgradeId: 'upg-1', trigger: 'state-machine' })).resolves.toEqual({
    outcome: 'stopped',
    actions: [],
  });
  expect(fn).not.toHaveBeenCalled();
  expect(ddb).not.toHaveReceivedCommand(GetItemCommand);
  expect(ddb).not.toHaveReceivedCommand(UpdateItemCommand);
});

test('another upgrade id is another record: the function runs again', async () => {
  const items = inMemoryTable();
  const fn = jest.fn(async (input: Request) => input.upgradeId);
  const wrapped = once()(fn);
  expect(await wrapped({ upgradeId: 'upg-1', trigger: 'x' })).toBe('upg-1');
  expect(await wrapped({ upgradeId: 'upg-2', trigger: 'x' })).toBe('upg-2');
  expect(fn).toHaveBeenCalledTimes(2);
  expect(items.size).toBe(2);
});

test('a record still in progress: IdempotencyAlreadyInProgressError, the function does not run', async () => {
  ddb.on(PutItemCommand).rejects(
    conditionFailed({
      pk: 'once#rollback#whatever',
      status: 'INPROGRESS',
      ttl: NOW_MS / 1000 + DEFAULT_ONCE_EXPIRY_SECONDS,
      in_progress_expiration: NOW_MS + 60_000,
    }),
  );
  const fn = jest.fn(async (_input: Request) => 'ran');
  const error = await once()(fn)({ upgradeId: 'upg-1', trigger: 'state-machine' }).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(IdempotencyAlreadyInProgressError);
  // The state machine's Retry matches this exact name.
  expect((error as Error).name).toBe('IdempotencyAlreadyInProgressError');
  expect(fn).not.toHaveBeenCalled();
});

test('a function that fails leaves no record: the error propagates and a retry runs it', async () => {
  const items = inMemoryTable();
  const boom = new Error('EKS said no');
  const fn = jest.fn(async (_input: Request) => 'done').mockRejectedValueOnce(boom);
  const wrapped = once()(fn);

  await expect(wrapped({ upgradeId: 'upg-1', trigger: 'x' })).rejects.toBe(boom);
  expect(ddb).toHaveReceivedCommandTimes(DeleteItemCommand, 1);
  expect(items.size).toBe(0);
  await expect(wrapped({ upgradeId: 'upg-1', trigger: 'x' })).resolves.toBe('done');
  expect(fn).toHaveBeenCalledTimes(2);
});

test('an input without an upgradeId is refused before any call', async () => {
  inMemoryTable();
  const fn = jest.fn(async (_input: Request) => 'ran');
  await expect(once()(fn)({ upgradeId: '', trigger: 'x' })).rejects.toMatchObject({
    name: 'InvalidRequestError',
  });
  expect(fn).not.toHaveBeenCalled();
  expect(ddb.calls()).toHaveLength(0);
});

test('results are stored and returned as plain JSON (dates as ISO, undefined dropped)', async () => {
  const items = inMemoryTable();
  const at = new Date('2024-07-01T12:34:56.000Z');
  const fn = async (_input: Request) => ({ at, note: undefined, n: 1 });
  const result = await once()(fn)({ upgradeId: 'upg-1', trigger: 'x' });
  expect(result).toEqual({ at: '2024-07-01T12:34:56.000Z', n: 1 });
  expect([...items.values()][0]?.data).toEqual({ at: '2024-07-01T12:34:56.000Z', n: 1 });
});

test('expiresAfterSeconds sets the record TTL; the purpose defaults to the function name', async () => {
  inMemoryTable();
  async function revertControlPlane(_input: Request) {
    return 'ok';
  }
  const oncePerUpgrade = awsOncePerUpgrade({
    tableName: TABLE,
    client: new DynamoDBClient({}),
    expiresAfterSeconds: 3600,
  });
  await oncePerUpgrade(revertControlPlane)({ upgradeId: 'upg-1', trigger: 'x' });
  const item = unmarshall(putItems()[0]?.Item ?? {});
  expect(item.pk).toMatch(/^once#revertControlPlane#/);
  expect(item.ttl).toBe(NOW_MS / 1000 + 3600);
});
