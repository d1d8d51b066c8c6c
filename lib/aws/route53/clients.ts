import { Route53Client } from '@aws-sdk/client-route-53';
import { type AwsClientOptions, sdkClientConfig } from '../client-config';

/** A new Route 53 client with adaptive retry (Route 53 allows 5 requests per second per account). */
export function createRoute53Client(options?: AwsClientOptions): Route53Client {
  return new Route53Client(sdkClientConfig(options));
}
