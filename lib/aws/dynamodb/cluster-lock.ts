import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, ClusterLock, LockOutcome } from '../../ports';
import { UnexpectedResponseError } from '../errors';
import { TABLE_KEY_ATTRIBUTE } from './table';

export interface DynamoClusterLockOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Decides acquiredAt, expiresAt and whether a stored lock has expired. */
  readonly clock: Clock;
}

/** A lock item as stored. */
export interface LockItem {
  readonly pk: string;
  readonly clusterName: string;
  readonly holder: string;
  /** ISO 8601. */
  readonly acquiredAt: string;
  /** Epoch seconds; the lock is free from this second on. */
  readonly expiresAt: number;
  /** Same as expiresAt, in the table's TTL attribute (TABLE_TTL_ATTRIBUTE): DynamoDB deletes the item some time after it. */
  readonly ttl: number;
}

/** The partition key of a cluster's lock. */
export function lockKey(clusterName: string): string {
  return `lock#${clusterName}`;
}

/** Conditional puts before giving up when the lock keeps changing between the put and the read. */
const MAX_ACQUIRE_ROUNDS = 3;

/**
 * The AWS cluster lock: one item per cluster, taken with a conditional put. Acquiring
 * succeeds when there is no lock, when `holder` already holds it (a duplicate request;
 * the expiry is renewed), or when it has expired (taken over) — the sandbox's
 * FileClusterLock has the same rules. Expiry is decided by the condition, against the
 * injected clock, never by TTL: TTL only cleans up, and may lag by days.
 */
export class DynamoClusterLock implements ClusterLock {
  readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly clock: Clock;

  constructor(options: DynamoClusterLockOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.clock = options.clock;
  }

  async acquire(clusterName: string, holder: string, ttlSeconds: number): Promise<LockOutcome> {
    let lastSeen: LockItem | undefined;
    for (let round = 0; round < MAX_ACQUIRE_ROUNDS; round++) {
      const nowMs = this.clock.now().getTime();
      const now = Math.floor(nowMs / 1000);
      const expiresAt = Math.ceil((nowMs + ttlSeconds * 1000) / 1000);
      const item: LockItem = {
        pk: lockKey(clusterName),
        clusterName,
        holder,
        acquiredAt: new Date(nowMs).toISOString(),
        expiresAt,
        ttl: expiresAt,
      };
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(#pk) OR #holder = :holder OR #expiresAt <= :now',
            ExpressionAttributeNames: {
              '#pk': TABLE_KEY_ATTRIBUTE,
              '#holder': 'holder',
              '#expiresAt': 'expiresAt',
            },
            ExpressionAttributeValues: { ':holder': holder, ':now': now },
          }),
        );
        return { acquired: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const current = await this.read(clusterName);
      if (current !== undefined && current.holder !== holder && current.expiresAt > now) {
        return { acquired: false, heldBy: describeHolder(current) };
      }
      // Released or expired between the put and the read: try again.
      lastSeen = current;
    }
    return {
      acquired: false,
      heldBy:
        lastSeen === undefined
          ? 'unknown (the lock kept changing while it was being taken)'
          : describeHolder(lastSeen),
    };
  }

  /** Deletes the lock if `holder` holds it (expired or not); otherwise does nothing. */
  async release(clusterName: string, holder: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [TABLE_KEY_ATTRIBUTE]: lockKey(clusterName) },
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': 'holder' },
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      // Another holder's lock, or no lock at all: nothing of ours to release.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  /** The stored lock of a cluster, expired or not (a strongly consistent read). */
  async read(clusterName: string): Promise<LockItem | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [TABLE_KEY_ATTRIBUTE]: lockKey(clusterName) },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (item === undefined) return undefined;
    if (typeof item.holder !== 'string' || typeof item.expiresAt !== 'number') {
      throw new UnexpectedResponseError(
        'GetItem',
        `the lock item of ${clusterName} has no holder or expiresAt`,
      );
    }
    return item as LockItem;
  }
}

function describeHolder(item: LockItem): string {
  return `${item.holder} (until ${new Date(item.expiresAt * 1000).toISOString()})`;
}
