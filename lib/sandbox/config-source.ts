import { join } from 'node:path';
import type { z } from 'zod';
import {
  type AgentConfig,
  type agentConfigSchema,
  DEFAULT_CONFIG,
  InvalidConfigError,
  parseAgentConfig,
} from '../domain/config';
import type { ConfigSource } from '../ports';
import { defaultStateDir, JsonStateFile, SandboxStateError } from './state-store';

/** The configuration file inside the state directory (the sandbox's SSM parameter tree). */
export const CONFIG_FILE_NAME = 'config.json';

type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Configuration as written by hand: the schema's input (strings are coerced), any key left out. */
export type RawAgentConfig = DeepPartial<z.input<typeof agentConfigSchema>>;

export interface SandboxConfigSourceOptions {
  /** Default `.eks-upgrade-agent/sandbox` under the current directory. */
  readonly stateDir?: string;
  /** Applied over `config.json` (a CLI flag, a test). */
  readonly overrides?: RawAgentConfig;
}

/**
 * The sandbox's SSM configuration: DEFAULT_CONFIG, deep-merged with `config.json`
 * in the state directory when there is one, then with `overrides`, validated by the
 * agent's schema. Read on every `load` (no cache), so an edited file takes effect at
 * the next call.
 */
export class SandboxConfigSource implements ConfigSource {
  readonly path: string;
  private readonly file: JsonStateFile<unknown>;
  private readonly overrides: RawAgentConfig | undefined;

  constructor(options: SandboxConfigSourceOptions = {}) {
    this.path = join(options.stateDir ?? defaultStateDir(), CONFIG_FILE_NAME);
    this.file = new JsonStateFile<unknown>(this.path, (raw) => raw);
    this.overrides = options.overrides;
  }

  /** @throws InvalidConfigError naming the bad key, or the file when it is not a JSON object. */
  async load(): Promise<AgentConfig> {
    let merged: unknown = DEFAULT_CONFIG;
    const stored = this.readFile();
    if (stored !== undefined) merged = deepMerge(merged, stored);
    if (this.overrides !== undefined) merged = deepMerge(merged, this.overrides);
    return parseAgentConfig(merged);
  }

  private readFile(): Record<string, unknown> | undefined {
    let raw: unknown;
    try {
      raw = this.file.load();
    } catch (error) {
      if (error instanceof SandboxStateError) {
        throw new InvalidConfigError(`${this.path} is not valid JSON`, { cause: error });
      }
      throw error;
    }
    if (raw === undefined) return undefined;
    if (!isPlainObject(raw)) throw new InvalidConfigError(`${this.path} must hold a JSON object`);
    return raw;
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
