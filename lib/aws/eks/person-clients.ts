import type { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { sdkClientConfig } from '../client-config';
import { RegionError } from './access-errors';

// Apart from clients.ts: the Lambda bundles import that file, and must not carry the
// credential chain's SSO, STS and Cognito clients that only a person at a terminal needs.

export interface PersonClientOptions {
  /** Default: the SDK's (AWS_REGION, then the profile's region). */
  readonly region?: string;
  /** A profile of the shared config files; default: AWS_PROFILE, then "default". */
  readonly profile?: string;
}

export interface PersonClients {
  readonly eks: EKSClient;
  readonly ec2: EC2Client;
  readonly region: string;
}

// Region names as AWS writes them (us-east-1, us-gov-west-1, ap-southeast-7); catches an AZ such as us-east-1a.
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The constructor configuration of a client for a person: the SDK's, with the resolved chain. */
export type PersonSdkConfig = ReturnType<typeof sdkClientConfig> & {
  credentials: ReturnType<typeof fromNodeProviderChain>;
  profile?: string;
};

interface RegionAware {
  readonly config: { region: () => Promise<string> };
}

/**
 * One SDK client for a person at a terminal: credentials from the SDK's default chain
 * (environment, shared files and profile, SSO, web identity, container and instance
 * metadata), resolved here, before the first call, so that a missing credential is
 * reported as such and not as the failure of whichever call came first.
 * @throws RegionError when no region is configured or the name is not a region's.
 * @throws the SDK's CredentialsProviderError when the chain finds no credentials.
 */
export async function createPersonClient<C extends RegionAware>(
  Client: new (config: PersonSdkConfig) => C,
  options: PersonClientOptions = {},
): Promise<{ client: C; region: string; config: PersonSdkConfig }> {
  const { profile } = options;
  const credentials = fromNodeProviderChain(profile === undefined ? {} : { profile });
  // The profile also goes to the client: it is where the SDK finds the profile's region.
  const config = { ...sdkClientConfig(options), credentials, ...(profile === undefined ? {} : { profile }) };
  const client = new Client(config);
  const region = await client.config.region();
  if (!REGION_NAME.test(region)) {
    throw new RegionError(
      `"${region}" is not an AWS region name (such as us-west-2): check --region, AWS_REGION or the profile`,
    );
  }
  await credentials();
  return { client, region, config };
}

/**
 * EKS and EC2 clients for a person, sharing one resolved credential chain.
 * @throws as {@link createPersonClient}.
 */
export async function createPersonClients(options: PersonClientOptions = {}): Promise<PersonClients> {
  const { client: eks, region, config } = await createPersonClient(EKSClient, options);
  const { EC2Client: Ec2 } = await import('@aws-sdk/client-ec2');
  return { eks, ec2: new Ec2(config), region };
}
