import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { InvalidRequestError } from '../domain/errors';
import type { OncePerUpgrade } from '../phases/rollback';
import { createDynamoDbClient } from './dynamodb/clients';
import { TABLE_KEY_ATTRIBUTE, TABLE_TTL_ATTRIBUTE } from './dynamodb/table';
import { toPlainJson } from './plain-json';

/** How long a completed result is kept and returned to later callers: 7 days. */
export const DEFAULT_ONCE_EXPIRY_SECONDS = 7 * 24 * 60 * 60;

export interface AwsOnceOptions {
  /** The agent table (partition key `pk`, TTL attribute `ttl`), shared with the cluster locks. */
  readonly tableName: string;
  /** How long a completed record answers later callers. Default 7 days. */
  readonly expiresAfterSeconds?: number;
  /** Default: a new client with adaptive retry. Powertools takes the low-level client, not a document client. */
  readonly client?: DynamoDBClient;
  /**
   * What the wrapped functions do: the key is `once#<purpose>#<hash of upgradeId>`.
   * Default: the wrapped function's name, `anonymous` when it has none (as the sandbox's fileOncePerUpgrade).
   */
  readonly purpose?: string;
}

let currentLambdaContext: Context | undefined;

/**
 * Registers the invocation's Lambda context; the handler calls it first thing on
 * every invocation (the AWS wiring's `beforeInvoke`). Powertools then stores an
 * in-progress record with `in_progress_expiration` = now + the invocation's
 * remaining time, so a record left behind by a timed-out invocation stops blocking
 * when the invocation would have ended. Without it the in-progress record blocks
 * until `expiresAfterSeconds` (7 days), and Powertools logs a warning.
 *
 * The wrapped functions are not handlers (their second argument is no Context), so
 * Powertools cannot pick the context up by itself.
 */
export function registerLambdaContext(context: Context): void {
  currentLambdaContext = context;
}

/**
 * OncePerUpgrade over Powertools idempotency (DynamoDB persistence on the agent table).
 *
 * Why Powertools rather than a conditional put of our own: it records the result,
 * not just the fact that a call happened. The first call for an upgrade id writes an
 * INPROGRESS record, runs the function and stores its result as COMPLETED; a later
 * call (the state machine's TriggerRollback after the validation.failure rule got
 * there first, or a Lambda retry) gets that stored result back without running the
 * function. A caller arriving while the first is still running gets
 * `IdempotencyAlreadyInProgressError` (that exact `name`), which the state machine's
 * Retry matches by name and tries again until the result is there. A function that
 * throws leaves no record (Powertools deletes it), so the call may be retried.
 *
 * Keyed on `upgradeId` only (eventKeyJmesPath), so the two callers' different inputs
 * for one upgrade share a record; the key prefix is fixed (`once#<purpose>`), not the
 * Lambda function name Powertools would use by default, so it holds across functions.
 * An input without an upgradeId fails with InvalidRequestError before any call, as in
 * the sandbox (Powertools alone would run the function unprotected, or with
 * throwOnNoIdempotencyKey, which is set too, raise IdempotencyPersistenceLayerError).
 *
 * Results are stored as plain JSON (dates as ISO strings, undefined members dropped:
 * DynamoDB's marshalling refuses undefined), and the first caller gets the same plain
 * value the later ones read back. A result must fit in a 400 KB item.
 */
export function awsOncePerUpgrade(options: AwsOnceOptions): OncePerUpgrade {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'upgradeId',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULT_ONCE_EXPIRY_SECONDS,
  });
  let client = options.client;
  // One persistence layer per key prefix: Powertools keeps the prefix on the layer,
  // so two purposes sharing one layer could interleave.
  const layers = new Map<string, DynamoDBPersistenceLayer>();
  const layerFor = (keyPrefix: string): DynamoDBPersistenceLayer => {
    let layer = layers.get(keyPrefix);
    if (layer === undefined) {
      client ??= createDynamoDbClient();
      layer = new DynamoDBPersistenceLayer({
        tableName: options.tableName,
        keyAttr: TABLE_KEY_ATTRIBUTE,
        expiryAttr: TABLE_TTL_ATTRIBUTE,
        awsSdkV3Client: client,
      });
      layers.set(keyPrefix, layer);
    }
    return layer;
  };

  return <A extends { upgradeId: string }, R>(fn: (input: A) => Promise<R>) => {
    const keyPrefix = `once#${options.purpose ?? (fn.name || 'anonymous')}`;
    const idempotent = makeIdempotent(async (input: A): Promise<unknown> => toPlainJson(await fn(input)), {
      persistenceStore: layerFor(keyPrefix),
      config,
      keyPrefix,
    });
    return (input: A): Promise<R> => {
      const upgradeId: unknown = input?.upgradeId;
      if (typeof upgradeId !== 'string' || upgradeId.length === 0) {
        return Promise.reject(new InvalidRequestError(`${keyPrefix}: the input has no upgradeId to key on`));
      }
      if (currentLambdaContext !== undefined) config.registerLambdaContext(currentLambdaContext);
      return idempotent(input) as Promise<R>;
    };
  };
}
