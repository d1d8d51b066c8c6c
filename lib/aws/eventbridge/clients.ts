import { EventBridgeClient as SdkEventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type AwsClientOptions, sdkClientConfig } from '../client-config';

/** A new SDK EventBridge client with adaptive retry. */
export function createEventBridgeSdkClient(options?: AwsClientOptions): SdkEventBridgeClient {
  return new SdkEventBridgeClient(sdkClientConfig(options));
}
