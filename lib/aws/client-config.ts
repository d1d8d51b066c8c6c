/**
 * Shared configuration for every SDK client this edge creates. Throttling
 * (EKS DescribeCluster at fleet scale, SSM's shared 40 TPS, PutEvents) is absorbed
 * by the SDK's adaptive retry: it backs off and rate-limits the client itself,
 * so no adapter writes its own throttling loop.
 */
export interface AwsClientOptions {
  /** Defaults to the SDK's own resolution (AWS_REGION in Lambda). */
  readonly region?: string;
  /** Total attempts per call, the first included. */
  readonly maxAttempts?: number;
}

/** Attempts per call: the SDK default of 3 gives up too soon on a throttled EKS. */
export const DEFAULT_MAX_ATTEMPTS = 6;

export interface SdkClientConfig {
  region?: string;
  retryMode: 'adaptive';
  maxAttempts: number;
}

/** The constructor configuration every client factory passes to its SDK client. */
export function sdkClientConfig(options: AwsClientOptions = {}): SdkClientConfig {
  const config: SdkClientConfig = {
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  if (options.region !== undefined) config.region = options.region;
  return config;
}
