import { createDynamoDbDocumentClient } from '../aws/dynamodb/clients';
import { DynamoClusterLock } from '../aws/dynamodb/cluster-lock';
import type { PhaseDeps } from '../phases/deps';
import type { AwsEnv } from './env';

// Apart from aws.ts, as aws-once.ts: @aws-sdk/lib-dynamodb does not declare itself free
// of side effects, so esbuild keeps it (and the DynamoDB client) in every bundle whose
// handler imports a module that imports it, used or not.

/** The cluster locks on the agent table (trigger, validation, rollback). */
export const awsLocks = (env: AwsEnv, clock: PhaseDeps['clock']): PhaseDeps['locks'] =>
  new DynamoClusterLock({ client: createDynamoDbDocumentClient(), tableName: env.AGENT_TABLE, clock });
