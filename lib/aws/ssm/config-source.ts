import { type AgentConfig, parseAgentConfig } from '../../domain/config';
import type { ConfigSource } from '../../ports';
import { ConfigurationNotFoundError } from '../errors';
import { defaultLogger, type EdgeLogger } from '../logger';
import { CachedParameterReader } from './cached-reader';

export interface SsmConfigSourceOptions {
  /** The deployment stage: the configuration lives under <prefix><stage>/config. */
  readonly stage: string;
  readonly reader?: CachedParameterReader;
  readonly logger?: EdgeLogger;
}

/**
 * The agent configuration from Parameter Store, read through the cached reader
 * (so a warm Lambda does not call SSM on every invocation) and validated by the
 * domain's schema.
 */
export class SsmConfigSource implements ConfigSource {
  readonly environment: string;
  private readonly reader: CachedParameterReader;
  private readonly logger: EdgeLogger;

  constructor(options: SsmConfigSourceOptions) {
    this.environment = `${options.stage}/config`;
    this.reader = options.reader ?? new CachedParameterReader();
    this.logger = options.logger ?? defaultLogger();
  }

  /**
   * @throws InvalidConfigError naming the bad key.
   * @throws ParameterValidationError when the stage is not a valid name level.
   */
  async load(): Promise<AgentConfig> {
    try {
      return parseAgentConfig(await this.reader.getConfiguration(this.environment));
    } catch (error) {
      if (!(error instanceof ConfigurationNotFoundError)) throw error;
      // Every key has a default; say so loudly, as a wrong stage name also lands here.
      this.logger.warn('no agent configuration in Parameter Store; using the defaults', { path: error.path });
      return parseAgentConfig({});
    }
  }
}
