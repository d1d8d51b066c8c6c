import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { type AwsClientOptions, sdkClientConfig } from '../client-config';

/** A new CloudWatch client with adaptive retry. */
export function createCloudWatchClient(options?: AwsClientOptions): CloudWatchClient {
  return new CloudWatchClient(sdkClientConfig(options));
}
