import type { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { type AwsClientOptions, sdkClientConfig } from '../client-config';

/** A new EKS client with adaptive retry. Handlers create adapters once, at module scope. */
export function createEksClient(options?: AwsClientOptions): EKSClient {
  return new EKSClient(sdkClientConfig(options));
}

/**
 * A new EC2 client with adaptive retry (DescribeSubnets for free IPs). Loaded on
 * demand: @aws-sdk/client-ec2 would otherwise be evaluated at every cold start.
 */
export async function createEc2Client(options?: AwsClientOptions): Promise<EC2Client> {
  const { EC2Client: Client } = await import('@aws-sdk/client-ec2');
  return new Client(sdkClientConfig(options));
}
