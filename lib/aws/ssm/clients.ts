import { SSMClient as SdkSSMClient } from '@aws-sdk/client-ssm';
import { type AwsClientOptions, sdkClientConfig } from '../client-config';

/** A new SDK SSM client with adaptive retry (Parameter Store's Get* calls share 40 TPS). */
export function createSsmSdkClient(options?: AwsClientOptions): SdkSSMClient {
  return new SdkSSMClient(sdkClientConfig(options));
}
