import {
  AddTagsToResourceCommand,
  DeleteParametersCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  paginateGetParameterHistory,
  paginateGetParametersByPath,
  type SSMClient as SdkSSMClient,
} from '@aws-sdk/client-ssm';
import { mapBounded } from '../concurrency';
import { ConfigurationNotFoundError, ParameterNotFoundError, UnexpectedResponseError } from '../errors';
import { createSsmSdkClient } from './clients';
import { type ConfigTree, flattenConfig, type StoredLeaf, unflattenConfig } from './config-tree';
import { type ParameterTier, type ParameterType, qualifyName, validateParameter } from './parameter-rules';

/** The seed's ParameterConfig. `name` is relative to the client's prefix unless it starts with "/". */
export interface ParameterConfig {
  readonly name: string;
  readonly value: string;
  /** Default String. */
  readonly type?: ParameterType;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** KMS key for SecureString; default the account's aws/ssm key. */
  readonly keyId?: string;
  /** Default Standard (free; 4 KB values). */
  readonly tier?: ParameterTier;
  /** Default true: storing the same parameter twice is not an error (a new version). */
  readonly overwrite?: boolean;
}

export interface PutConfigurationOptions {
  /** Key paths ("api/token") stored as SecureString. */
  readonly secureKeys?: readonly string[];
  readonly keyId?: string;
  readonly tier?: ParameterTier;
  readonly overwrite?: boolean;
}

export interface ParameterHistoryEntry {
  readonly version: number;
  readonly type: string;
  /** Omitted for SecureString unless decryption was asked for. */
  readonly value?: string;
  readonly lastModifiedDate?: string;
  readonly lastModifiedUser?: string;
  readonly description?: string;
  readonly labels: readonly string[];
  readonly tier?: string;
}

export interface SSMClientOptions {
  /** Default "/eks-upgrade-agent/". */
  readonly parameterPrefix?: string;
  readonly client?: SdkSSMClient;
  /** PutParameter calls in flight at once: PutParameter's quota is far below the Get* calls'. Default 2. */
  readonly concurrency?: number;
}

/** DeleteParameters takes at most 10 names per call. */
const DELETE_BATCH = 10;

/**
 * The seed's SSMClient: parameters and whole configurations under one prefix.
 * Every name and value is checked before a call; values never appear in errors.
 * For reads inside Lambdas use CachedParameterReader (cached, max age).
 */
export class SSMClient {
  readonly parameterPrefix: string;
  private readonly client: SdkSSMClient;
  private readonly concurrency: number;

  constructor(options: SSMClientOptions = {}) {
    this.parameterPrefix = options.parameterPrefix ?? '/eks-upgrade-agent/';
    this.client = options.client ?? createSsmSdkClient();
    this.concurrency = options.concurrency ?? 2;
  }

  /** The full name of a relative one. @throws ParameterValidationError */
  fullName(name: string): string {
    return qualifyName(this.parameterPrefix, name);
  }

  /** The path of an environment's configuration ("/eks-upgrade-agent/production"). @throws ParameterValidationError */
  configurationPath(environment: string): string {
    return this.fullName(environment);
  }

  /**
   * Stores one parameter and returns its version. With overwrite, tags go through
   * AddTagsToResource: PutParameter refuses Tags together with Overwrite.
   * @throws ParameterValidationError before any call when the name or value breaks the rules.
   */
  async putParameter(config: ParameterConfig): Promise<number> {
    const name = this.fullName(config.name);
    const type = config.type ?? 'String';
    const overwrite = config.overwrite ?? true;
    validateParameter({ ...config, name, type });
    const tags = config.tags
      ? Object.entries(config.tags).map(([Key, Value]) => ({ Key, Value }))
      : undefined;
    const out = await this.client.send(
      new PutParameterCommand({
        Name: name,
        Value: config.value,
        Type: type,
        Description: config.description,
        KeyId: type === 'SecureString' ? config.keyId : undefined,
        Tier: config.tier ?? 'Standard',
        Overwrite: overwrite,
        Tags: overwrite ? undefined : tags,
      }),
    );
    if (overwrite && tags && tags.length > 0) {
      await this.client.send(
        new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: name, Tags: tags }),
      );
    }
    if (out.Version === undefined)
      throw new UnexpectedResponseError('PutParameter', `no version for ${name}`);
    return out.Version;
  }

  /**
   * Reads one parameter, decrypted.
   * @throws ParameterNotFoundError when it does not exist.
   */
  async getParameter(name: string): Promise<string> {
    const full = this.fullName(name);
    try {
      const out = await this.client.send(new GetParameterCommand({ Name: full, WithDecryption: true }));
      if (out.Parameter?.Value === undefined) throw new ParameterNotFoundError(full);
      return out.Parameter.Value;
    } catch (error) {
      if (error instanceof ParameterNotFound) throw new ParameterNotFoundError(full, { cause: error });
      throw error;
    }
  }

  /**
   * Stores a nested configuration as one parameter per leaf under the environment's
   * path. Returns each full name with its new version.
   * @throws ParameterValidationError before any call when a key or value breaks the rules.
   */
  async putConfiguration(
    config: ConfigTree,
    environment: string,
    options: PutConfigurationOptions = {},
  ): Promise<Record<string, number>> {
    const base = this.configurationPath(environment);
    const secure = new Set(options.secureKeys ?? []);
    const params: ParameterConfig[] = flattenConfig(config).map((leaf) => {
      const key = leaf.path.join('/');
      const isSecure = secure.has(key);
      return {
        name: `${base}/${key}`,
        value: leaf.value,
        type: isSecure ? 'SecureString' : 'String',
        ...(isSecure && options.keyId !== undefined ? { keyId: options.keyId } : {}),
        tier: options.tier ?? 'Standard',
        overwrite: options.overwrite ?? true,
      };
    });
    // All checked first: a bad leaf must not leave half a configuration behind.
    for (const p of params) validateParameter({ ...p, name: this.fullName(p.name) });
    const versions = await mapBounded(params, this.concurrency, (p) => this.putParameter(p));
    return Object.fromEntries(params.map((p, i) => [p.name, versions[i] ?? 0]));
  }

  /**
   * Reads an environment's configuration back into a nested object (decrypted).
   * @throws ConfigurationNotFoundError when no parameter exists under its path.
   */
  async getConfiguration(environment: string): Promise<ConfigTree> {
    const base = this.configurationPath(environment);
    const leaves: StoredLeaf[] = [];
    const input = { Path: base, Recursive: true, WithDecryption: true };
    for await (const page of paginateGetParametersByPath({ client: this.client }, input)) {
      for (const p of page.Parameters ?? []) {
        if (p.Name === undefined || p.Value === undefined) continue;
        leaves.push({ path: p.Name.slice(base.length + 1).split('/'), value: p.Value, type: p.Type });
      }
    }
    if (leaves.length === 0) throw new ConfigurationNotFoundError(environment, base);
    return unflattenConfig(leaves);
  }

  /** Deletes every parameter of an environment's configuration; returns the names deleted. */
  async deleteConfiguration(environment: string): Promise<string[]> {
    const base = this.configurationPath(environment);
    const names: string[] = [];
    for await (const page of paginateGetParametersByPath(
      { client: this.client },
      { Path: base, Recursive: true },
    )) {
      for (const p of page.Parameters ?? []) if (p.Name !== undefined) names.push(p.Name);
    }
    return (await this.deleteParameters(names)).deleted;
  }

  /** Deletes parameters by name, 10 per call; `invalid` lists names that did not exist. */
  async deleteParameters(names: readonly string[]): Promise<{ deleted: string[]; invalid: string[] }> {
    const full = names.map((n) => this.fullName(n));
    const deleted: string[] = [];
    const invalid: string[] = [];
    for (let i = 0; i < full.length; i += DELETE_BATCH) {
      const out = await this.client.send(
        new DeleteParametersCommand({ Names: full.slice(i, i + DELETE_BATCH) }),
      );
      deleted.push(...(out.DeletedParameters ?? []));
      invalid.push(...(out.InvalidParameters ?? []));
    }
    return { deleted, invalid };
  }

  /**
   * A parameter's versions, oldest first (Parameter Store keeps the last 100).
   * SecureString values are left out unless `decrypt` is set.
   * @throws ParameterNotFoundError when it does not exist.
   */
  async getParameterHistory(
    name: string,
    options: { decrypt?: boolean } = {},
  ): Promise<ParameterHistoryEntry[]> {
    const full = this.fullName(name);
    const decrypt = options.decrypt ?? false;
    const history: ParameterHistoryEntry[] = [];
    try {
      const input = { Name: full, WithDecryption: decrypt };
      for await (const page of paginateGetParameterHistory({ client: this.client }, input)) {
        for (const h of page.Parameters ?? []) {
          const showValue = h.Value !== undefined && (h.Type !== 'SecureString' || decrypt);
          history.push({
            version: h.Version ?? 0,
            type: h.Type ?? 'String',
            ...(showValue ? { value: h.Value } : {}),
            ...(h.LastModifiedDate ? { lastModifiedDate: h.LastModifiedDate.toISOString() } : {}),
            ...(h.LastModifiedUser !== undefined ? { lastModifiedUser: h.LastModifiedUser } : {}),
            ...(h.Description !== undefined ? { description: h.Description } : {}),
            labels: h.Labels ?? [],
            ...(h.Tier !== undefined ? { tier: h.Tier } : {}),
          });
        }
      }
    } catch (error) {
      if (error instanceof ParameterNotFound) throw new ParameterNotFoundError(full, { cause: error });
      throw error;
    }
    return history;
  }
}
