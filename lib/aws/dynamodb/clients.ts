import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientOptions, sdkClientConfig } from '../client-config';

/** A new DynamoDB client with adaptive retry (Powertools idempotency takes this one). */
export function createDynamoDbClient(options?: AwsClientOptions): DynamoDBClient {
  return new DynamoDBClient(sdkClientConfig(options));
}

/** A document client (plain JS values in and out, undefined members dropped) over a new client. */
export function createDynamoDbDocumentClient(
  options?: AwsClientOptions,
  client: DynamoDBClient = createDynamoDbClient(options),
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
