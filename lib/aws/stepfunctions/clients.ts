import { SFNClient } from '@aws-sdk/client-sfn';
import { type AwsClientOptions, sdkClientConfig } from '../client-config';

/** A new Step Functions client with adaptive retry. */
export function createSfnClient(options?: AwsClientOptions): SFNClient {
  return new SFNClient(sdkClientConfig(options));
}
