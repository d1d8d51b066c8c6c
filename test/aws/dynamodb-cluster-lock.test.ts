import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createDynamoDbDocumentClient } from '../../lib/aws/dynamodb/clients';
import { DynamoClusterLock, type LockItem, lockKey } from '../../lib/aws/dynamodb/cluster-lock';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = 'agent-table';
const NOW = new Date('2024-07-01T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;
const ACQUIRE_CONDITION = 'attribute_not_exists(#pk) OR #holder = :holder OR #expiresAt <= :now';

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** A lock whose clock the test moves. */
function setup() {
  const clock = { current: NOW, now: () => clock.current };
  const lock = new DynamoClusterLock({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName: TABLE,
    clock,
  });
  return { lock, clock };
}

/**
 * The table behind the mock, applying the two condition expressions the lock sends
 * the way DynamoDB would (and refusing any other expression, so a change shows up).
 */
function inMemoryTable(): Map<string, LockItem> {
  const items = new Map<string, LockItem>();
  ddb.on(PutCommand).callsFake((input: PutCommandInput) => {
    expect(input.ConditionExpression).toBe(ACQUIRE_CONDITION);
    const item = input.Item as LockItem;
    const values = input.ExpressionAttributeValues ?? {};
    const existing = items.get(item.pk);
    const passes =
      existing === undefined || existing.holder === values[':holder'] || existing.expiresAt <= values[':now'];
    if (!passes) throw conditionFailed();
    items.set(item.pk, item);
    return {};
  });
  ddb.on(GetCommand).callsFake((input) => ({ Item: items.get(String(input.Key?.pk)) }));
  ddb.on(DeleteCommand).callsFake((input: DeleteCommandInput) => {
    expect(input.ConditionExpression).toBe('#holder = :holder');
    const key = String(input.Key?.pk);
    if (items.get(key)?.holder !== input.ExpressionAttributeValues?.[':holder']) throw conditionFailed();
    items.delete(key);
    return {};
  });
  return items;
}

function storedLock(holder: string, expiresAt: number): LockItem {
  return {
    pk: lockKey('prod'),
    clusterName: 'prod',
    holder,
    acquiredAt: '2024-07-01T11:00:00.000Z',
    expiresAt,
    ttl: expiresAt,
  };
}

const putInputs = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input);

beforeEach(() => ddb.reset());

describe('acquire', () => {
  test('a free cluster: one conditional put with holder, times and TTL; no read', async () => {
    const items = inMemoryTable();
    const { lock } = setup();
    expect(await lock.acquire('prod', 'upg-1', 3600)).toEqual({ acquired: true });

    expect(putInputs()).toEqual([
      {
        TableName: TABLE,
        Item: {
          pk: 'lock#prod',
          clusterName: 'prod',
          holder: 'upg-1',
          acquiredAt: NOW.toISOString(),
          expiresAt: NOW_S + 3600,
          ttl: NOW_S + 3600,
        },
        ConditionExpression: ACQUIRE_CONDITION,
        ExpressionAttributeNames: { '#pk': 'pk', '#holder': 'holder', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':holder': 'upg-1', ':now': NOW_S },
      },
    ]);
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
    expect(items.get('lock#prod')?.holder).toBe('upg-1');
  });

  test('the same holder re-acquires (a duplicate request) and renews the expiry', async () => {
    const items = inMemoryTable();
    const { lock, clock } = setup();
    await lock.acquire('prod', 'upg-1', 3600);
    clock.current = new Date(NOW.getTime() + 600_000);
    expect(await lock.acquire('prod', 'upg-1', 3600)).toEqual({ acquired: true });
    expect(items.get('lock#prod')?.expiresAt).toBe(NOW_S + 600 + 3600);
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  test('held by another upgrade: not acquired, heldBy names the holder and its expiry', async () => {
    const items = inMemoryTable();
    items.set('lock#prod', storedLock('upg-0', NOW_S + 120));
    const { lock } = setup();

    expect(await lock.acquire('prod', 'upg-1', 3600)).toEqual({
      acquired: false,
      heldBy: 'upg-0 (until 2024-07-01T12:02:00.000Z)',
    });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE,
      Key: { pk: 'lock#prod' },
      ConsistentRead: true,
    });
    expect(items.get('lock#prod')?.holder).toBe('upg-0');
  });

  test('an expired lock is taken over; :now comes from the injected clock', async () => {
    const items = inMemoryTable();
    items.set('lock#prod', storedLock('upg-0', NOW_S + 120));
    const { lock, clock } = setup();
    expect((await lock.acquire('prod', 'upg-1', 3600)).acquired).toBe(false);

    // The lock is free from its expiresAt second on.
    clock.current = new Date((NOW_S + 120) * 1000 + 250);
    expect(await lock.acquire('prod', 'upg-1', 3600)).toEqual({ acquired: true });
    expect(putInputs().map((i) => i.ExpressionAttributeValues)).toEqual([
      { ':holder': 'upg-1', ':now': NOW_S },
      { ':holder': 'upg-1', ':now': NOW_S + 120 },
    ]);
    expect(items.get('lock#prod')).toMatchObject({
      holder: 'upg-1',
      acquiredAt: '2024-07-01T12:02:00.250Z',
      // Rounded up to the second: a lock never lasts less than its TTL.
      expiresAt: NOW_S + 120 + 3601,
    });
  });

  test('a lock released between the failed put and the read: the put is tried again', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    ddb.on(GetCommand).resolves({});
    const { lock } = setup();
    expect(await lock.acquire('prod', 'upg-1', 60)).toEqual({ acquired: true });
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 2);
  });

  test('a lock that keeps changing: gives up after three rounds, not acquired', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    const { lock } = setup();
    const outcome = await lock.acquire('prod', 'upg-1', 60);
    expect(outcome.acquired).toBe(false);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 3);
  });

  test('a malformed stored item is an UnexpectedResponseError', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { pk: 'lock#prod', owner: 'someone' } });
    const { lock } = setup();
    await expect(lock.acquire('prod', 'upg-1', 60)).rejects.toMatchObject({
      name: 'UnexpectedResponseError',
    });
  });

  test('other DynamoDB errors propagate', async () => {
    const missing = new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });
    ddb.on(PutCommand).rejects(missing);
    const { lock } = setup();
    await expect(lock.acquire('prod', 'upg-1', 60)).rejects.toBe(missing);
  });
});

describe('release', () => {
  test('the holder releases: a delete conditioned on the holder', async () => {
    const items = inMemoryTable();
    const { lock } = setup();
    await lock.acquire('prod', 'upg-1', 3600);
    await lock.release('prod', 'upg-1');
    expect(items.has('lock#prod')).toBe(false);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      TableName: TABLE,
      Key: { pk: 'lock#prod' },
      ConditionExpression: '#holder = :holder',
      ExpressionAttributeNames: { '#holder': 'holder' },
      ExpressionAttributeValues: { ':holder': 'upg-1' },
    });
  });

  test('release by a non-holder is a no-op and leaves the lock in place', async () => {
    const items = inMemoryTable();
    items.set('lock#prod', storedLock('upg-0', NOW_S + 120));
    const { lock } = setup();
    await expect(lock.release('prod', 'upg-1')).resolves.toBeUndefined();
    expect(items.get('lock#prod')?.holder).toBe('upg-0');
  });

  test('release of a lock that is already gone is a no-op', async () => {
    inMemoryTable();
    const { lock } = setup();
    await expect(lock.release('prod', 'upg-1')).resolves.toBeUndefined();
    expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 1);
  });

  test('other DynamoDB errors propagate', async () => {
    const missing = new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });
    ddb.on(DeleteCommand).rejects(missing);
    const { lock } = setup();
    await expect(lock.release('prod', 'upg-1')).rejects.toBe(missing);
  });
});

test('createDynamoDbDocumentClient drops undefined members when marshalling', () => {
  const client = createDynamoDbDocumentClient({ region: 'eu-west-1' });
  expect(client).toBeInstanceOf(DynamoDBDocumentClient);
  expect(client.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
});
