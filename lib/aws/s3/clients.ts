import { S3Client } from '@aws-sdk/client-s3';
import { type AwsClientOptions, sdkClientConfig } from '../client-config';

/** A new S3 client with adaptive retry (S3 answers bursts on one prefix with SlowDown). */
export function createS3Client(options?: AwsClientOptions): S3Client {
  return new S3Client(sdkClientConfig(options));
}
