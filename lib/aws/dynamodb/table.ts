/**
 * The agent's one DynamoDB table (serverless.yml `AgentTable`) holds two kinds of
 * item, told apart by the partition key's prefix:
 * - cluster locks, `pk = lock#<clusterName>` (cluster-lock.ts);
 * - Powertools idempotency records, `pk = once#<purpose>#<hash of upgradeId>` (idempotency.ts).
 * Both carry their expiry, in epoch seconds, in the one attribute the table's TTL
 * is set on: a table has a single TTL attribute.
 */

/** The table's partition key (a string). */
export const TABLE_KEY_ATTRIBUTE = 'pk';

/** The table's TimeToLiveSpecification AttributeName (epoch seconds). */
export const TABLE_TTL_ATTRIBUTE = 'ttl';
