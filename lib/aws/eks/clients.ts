import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { type AwsClientOptions, sdkClientConfig } from '../client-config';

/** A new EKS client with adaptive retry. Handlers create adapters once, at module scope. */
export function createEksClient(options?: AwsClientOptions): EKSClient {
  return new EKSClient(sdkClientConfig(options));
}

/**
 * A new EC2 client with adaptive retry (DescribeSubnets, DescribeLaunchTemplates).
 * Imported by name, not loaded on demand: a bundle keeps only the two commands'
 * schemas (about 15 KB, see plugins/esbuild/sdk-schema-keys.cjs), so there is no
 * 1 MB client left to defer.
 */
export function createEc2Client(options?: AwsClientOptions): EC2Client {
  return new EC2Client(sdkClientConfig(options));
}
