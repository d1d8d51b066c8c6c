import { awsOncePerUpgrade } from '../aws/idempotency';
import type { OncePerUpgrade } from '../phases/rollback';
import type { AwsEnv } from './env';

// Apart from aws.ts: Powertools idempotency brings the DynamoDB client with it, and
// esbuild keeps a package a module imports even when no export of the module is used.
// Only the rollback function imports this file.

/** Rollback's effect once per upgrade: Powertools idempotency on the agent table. */
export const awsOnce = (env: AwsEnv): OncePerUpgrade =>
  awsOncePerUpgrade({ tableName: env.AGENT_TABLE, purpose: 'rollback' });
