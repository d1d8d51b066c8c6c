import type { z } from 'zod';
import { ConfigurationNotFoundError } from '../aws/errors';
import type { ConfigTree } from '../aws/ssm/config-tree';
import { type AgentConfig, type agentConfigSchema, parseAgentConfig } from '../domain/config';
import type { ConfigSource } from '../ports';
import { AGENT_PARAMETER_PREFIX, LocalParameterStore } from './parameter-store';

type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Configuration as written by hand: the schema's input (strings are coerced), any key left out. */
export type RawAgentConfig = DeepPartial<z.input<ReturnType<typeof agentConfigSchema>>>;

/** The stage the sandbox's configuration lives under unless told otherwise. */
export const DEFAULT_SANDBOX_STAGE = 'local';

export interface SandboxConfigSourceOptions {
  /** Default `.eks-upgrade-agent/sandbox` under the current directory. */
  readonly stateDir?: string;
  /** The configuration lives under /eks-upgrade-agent/<stage>/config. Default `local`. */
  readonly stage?: string;
  /** Default a LocalParameterStore on `stateDir`. */
  readonly store?: LocalParameterStore;
  /** Applied over the stored configuration (a CLI flag, a test). */
  readonly overrides?: RawAgentConfig;
}

/**
 * The sandbox's agent configuration, read like SsmConfigSource reads it in AWS: the
 * tree under /eks-upgrade-agent/<stage>/config in the sandbox's Parameter Store
 * (parameters.json; SecureString leaves decrypted), the defaults when nothing is
 * stored there. `overrides` are then deep-merged on top, and the result is validated
 * by the agent's schema. Read on every `load` (no cache), so a parameter put by
 * another process takes effect at the next call.
 */
export class SandboxConfigSource implements ConfigSource {
  /** The configuration's parameter path, "/eks-upgrade-agent/<stage>/config". */
  readonly path: string;
  private readonly store: LocalParameterStore;
  private readonly overrides: RawAgentConfig | undefined;

  constructor(options: SandboxConfigSourceOptions = {}) {
    // Checked at load, as in SsmConfigSource: a bad stage fails the read, not the wiring.
    this.path = `${AGENT_PARAMETER_PREFIX}${options.stage ?? DEFAULT_SANDBOX_STAGE}/config`;
    this.store =
      options.store ??
      new LocalParameterStore(options.stateDir !== undefined ? { stateDir: options.stateDir } : {});
    this.overrides = options.overrides;
  }

  /**
   * @throws InvalidConfigError naming the bad key.
   * @throws ParameterValidationError when the stage is not a valid name level.
   * @throws ParameterStoreKeyError when a SecureString leaf does not decrypt.
   */
  async load(): Promise<AgentConfig> {
    let merged: unknown = await this.readStored();
    if (this.overrides !== undefined) merged = deepMerge(merged, this.overrides);
    return parseAgentConfig(merged);
  }

  private async readStored(): Promise<ConfigTree> {
    try {
      return await this.store.getConfiguration(this.path);
    } catch (error) {
      // Every key has a default: an empty stage is the sandbox's normal start.
      if (error instanceof ConfigurationNotFoundError) return {};
      throw error;
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else in `over` replaces; undefined in `over` is skipped. Copies, never mutates. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    result[key] = deepMerge(base[key], value);
  }
  return result;
}
