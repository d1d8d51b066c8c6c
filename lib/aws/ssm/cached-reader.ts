import { GetParameterError } from '@aws-lambda-powertools/parameters';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ParameterNotFound, type SSMClient as SdkSSMClient } from '@aws-sdk/client-ssm';
import { ConfigurationNotFoundError, ParameterNotFoundError } from '../errors';
import { createSsmSdkClient } from './clients';
import { type ConfigTree, unflattenConfig } from './config-tree';
import { qualifyName } from './parameter-rules';

export interface CachedParameterReaderOptions {
  /** Default "/eks-upgrade-agent/". */
  readonly parameterPrefix?: string;
  readonly client?: SdkSSMClient;
  /** How long a value read is reused, in seconds. Default 300: minutes, not seconds (40 TPS shared). */
  readonly maxAgeSeconds?: number;
}

/**
 * Reads for Lambda handlers, cached in the execution environment with an explicit
 * max age. Built on Powertools' SSMProvider (given our client, so it shares the
 * adaptive-retry configuration): it caches per name and path, paginates
 * GetParametersByPath and decrypts. One reader per module scope, so warm
 * invocations reuse its cache.
 */
export class CachedParameterReader {
  readonly parameterPrefix: string;
  readonly maxAgeSeconds: number;
  private readonly provider: SSMProvider;

  constructor(options: CachedParameterReaderOptions = {}) {
    this.parameterPrefix = options.parameterPrefix ?? '/eks-upgrade-agent/';
    this.maxAgeSeconds = options.maxAgeSeconds ?? 300;
    this.provider = new SSMProvider({ awsSdkV3Client: options.client ?? createSsmSdkClient() });
  }

  /**
   * One parameter, decrypted, from the cache when younger than maxAgeSeconds.
   * @throws ParameterNotFoundError when it does not exist.
   * @throws ParameterValidationError when the name breaks the naming rules.
   */
  async getParameter(name: string): Promise<string> {
    const full = qualifyName(this.parameterPrefix, name);
    try {
      const value = await this.provider.get(full, { decrypt: true, maxAge: this.maxAgeSeconds });
      if (value === undefined) throw new ParameterNotFoundError(full);
      return value;
    } catch (error) {
      throw notFound(error, full) ?? error;
    }
  }

  /**
   * An environment's configuration, decrypted, cached as a whole. StringList
   * parameters come back as their text: GetParametersByPath types are not kept
   * by the provider, and putConfiguration never writes StringList.
   * @throws ConfigurationNotFoundError when nothing is stored under the environment.
   */
  async getConfiguration(environment: string): Promise<ConfigTree> {
    const path = qualifyName(this.parameterPrefix, environment);
    const values = await this.provider.getMultiple(path, {
      recursive: true,
      decrypt: true,
      maxAge: this.maxAgeSeconds,
    });
    const entries = Object.entries(values ?? {});
    if (entries.length === 0) throw new ConfigurationNotFoundError(environment, path);
    return unflattenConfig(entries.map(([key, value]) => ({ path: key.split('/'), value: String(value) })));
  }
}

function notFound(error: unknown, name: string): ParameterNotFoundError | undefined {
  if (error instanceof ParameterNotFoundError) return error;
  if (error instanceof GetParameterError && error.cause instanceof ParameterNotFound) {
    return new ParameterNotFoundError(name, { cause: error });
  }
  return undefined;
}
