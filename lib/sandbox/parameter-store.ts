import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ConfigurationNotFoundError, ParameterNotFoundError, ParameterValidationError } from '../aws/errors';
import { type ConfigTree, flattenConfig, type StoredLeaf, unflattenConfig } from '../aws/ssm/config-tree';
import {
  MAX_TAGS,
  normalizePrefix,
  type ParameterType,
  qualifyName,
  validateName,
  validateParameter,
} from '../aws/ssm/parameter-rules';
import { AgentError } from '../domain/errors';
import type { Clock } from '../ports';
import { defaultStateDir, JsonStateFile } from './state-store';

/** The parameters' file inside the state directory (the sandbox's SSM Parameter Store). */
export const PARAMETERS_FILE_NAME = 'parameters.json';
/** The SecureString key's file inside the state directory (the sandbox's KMS key). */
export const PARAMETER_KEY_FILE_NAME = 'parameter-store.key';
/** Parameter Store keeps the last 100 versions of a parameter and drops the oldest. */
export const PARAMETER_VERSION_LIMIT = 100;
/** DeleteParameters takes at most 10 names per call. */
export const DELETE_PARAMETERS_LIMIT = 10;
/** Where the agent's parameters live, in AWS and in the sandbox. */
export const AGENT_PARAMETER_PREFIX = '/eks-upgrade-agent/';

const PARAMETER_TYPES = ['String', 'StringList', 'SecureString'] as const;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;

/**
 * The path of a stage's agent configuration, "/eks-upgrade-agent/<stage>/config",
 * the layout the AWS side reads (SsmConfigSource).
 * @throws ParameterValidationError when the stage is not a valid name level.
 */
export function agentConfigurationPath(stage: string): string {
  return qualifyName(AGENT_PARAMETER_PREFIX, `${stage}/config`);
}

/** PutParameter without overwrite on a name that exists (SSM's ParameterAlreadyExists). */
export class ParameterAlreadyExistsError extends AgentError {
  override readonly name = 'ParameterAlreadyExistsError';
  readonly retryable = false;
  constructor(readonly parameterName: string) {
    super(`parameter ${parameterName} already exists; put it with overwrite to store a new version`);
  }
}

/** A version that the parameter does not have (never stored, or dropped past the 100 kept). */
export class ParameterVersionNotFoundError extends AgentError {
  override readonly name = 'ParameterVersionNotFoundError';
  readonly retryable = false;
  constructor(
    readonly parameterName: string,
    readonly version: number,
  ) {
    super(`parameter ${parameterName} has no version ${version}`);
  }
}

export type ParameterKeyProblem = 'missing' | 'malformed' | 'mismatch';

/**
 * The sandbox's SecureString key cannot do its job: the key file is gone, is not a
 * key, or is not the key the value was encrypted with (KMS's InvalidCiphertextException).
 * Never carries the value.
 */
export class ParameterStoreKeyError extends AgentError {
  override readonly name = 'ParameterStoreKeyError';
  readonly retryable = false;
  constructor(
    readonly problem: ParameterKeyProblem,
    readonly keyPath: string,
    readonly parameterName: string,
    options?: { cause?: unknown },
  ) {
    super(`SecureString parameter ${parameterName}: ${describeKeyProblem(problem, keyPath)}`, options);
  }
}

function describeKeyProblem(problem: ParameterKeyProblem, keyPath: string): string {
  switch (problem) {
    case 'missing':
      return `the key file ${keyPath} is missing; SecureString values stored with it cannot be decrypted (delete the SecureString parameters, or restore the file)`;
    case 'malformed':
      return `the key file ${keyPath} does not hold a ${KEY_BYTES}-byte base64 key`;
    case 'mismatch':
      return `the value does not decrypt with the key in ${keyPath} (was the key file replaced?)`;
  }
}

const versionSchema = z.object({
  version: z.number().int().min(1),
  type: z.enum(PARAMETER_TYPES),
  /** The text; for SecureString the ciphertext (see encrypt). */
  value: z.string(),
  lastModifiedDate: z.iso.datetime(),
  description: z.string().optional(),
});

const parameterSchema = z.object({
  /** Oldest first; the last is the current version. */
  versions: z.array(versionSchema).min(1),
  tags: z.record(z.string(), z.string()),
});

const tableSchema = z.record(z.string(), parameterSchema);

type StoredVersion = z.infer<typeof versionSchema>;
type StoredParameter = z.infer<typeof parameterSchema>;
type ParameterTable = z.infer<typeof tableSchema>;

export interface PutParameterInput {
  /** The full name ("/eks-upgrade-agent/local/config/lockTtlSeconds"), or a one-level name. */
  readonly name: string;
  readonly value: string;
  readonly type: ParameterType;
  /** Default false, as in SSM: an existing name is then ParameterAlreadyExistsError. */
  readonly overwrite?: boolean;
  /** Kept from the previous version when left out on an overwrite. */
  readonly description?: string;
  /** Only when creating: SSM refuses tags together with overwrite (use addTagsToParameter). */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface GetParameterOptions {
  /** Decrypt SecureString values; otherwise they come back as their ciphertext. */
  readonly withDecryption?: boolean;
  /** A kept version; default the current one. */
  readonly version?: number;
}

export interface GetParametersByPathOptions {
  /** Every level below the path; otherwise only the level right below it. Default false, as in SSM. */
  readonly recursive?: boolean;
  readonly withDecryption?: boolean;
}

export interface LocalParameter {
  readonly name: string;
  readonly type: ParameterType;
  /** Ciphertext for SecureString unless decryption was asked for. */
  readonly value: string;
  readonly version: number;
  readonly lastModifiedDate: string;
}

export interface LocalParameterHistoryEntry extends LocalParameter {
  readonly description?: string;
  /** Labels are not supported locally: always empty. */
  readonly labels: readonly string[];
  readonly tier: 'Standard';
}

export interface PutLocalConfigurationOptions {
  /** Key paths ("api/token") stored as SecureString. */
  readonly secureKeys?: readonly string[];
  /** Default true, as in the AWS client's putConfiguration. */
  readonly overwrite?: boolean;
}

export interface LocalParameterStoreOptions {
  /** Default `.eks-upgrade-agent/sandbox` under the current directory. */
  readonly stateDir?: string;
  /** Stamps lastModifiedDate; default the system clock. */
  readonly clock?: Clock;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * The sandbox's SSM Parameter Store: `parameters.json` in the state directory, with
 * Parameter Store's semantics, so what works here works against AWS.
 *
 * - Names, values, descriptions and tags are checked with the rules the AWS client
 *   uses (parameter-rules.ts): allowed characters, length, 15 levels, the reserved
 *   "aws"/"ssm" prefixes, the Standard tier's 4 KB value limit. Only the Standard
 *   tier exists here; labels, policies and AllowedPattern are not supported.
 * - PutParameter without overwrite refuses an existing name; every put makes a new
 *   version (even with the same value); the last 100 versions are kept and the oldest
 *   is dropped. Deleting a parameter deletes its history: a new one starts at version 1.
 * - SecureString values are encrypted at rest with AES-256-GCM, bound to the
 *   parameter's name (as SSM binds them to the parameter ARN through the KMS
 *   encryption context). Reads without decryption return the ciphertext.
 *
 * The key, in `parameter-store.key` (mode 0600, created on the first SecureString
 * put), stands in for the stack's KMS key. It is NOT a security boundary: anyone who
 * can read the state directory on a shared machine can read the key too. It keeps
 * plaintext out of `parameters.json`, and makes a replaced or lost key fail loudly.
 *
 * Every operation loads, changes and saves with no `await` in between (see
 * state-store.ts), and a configuration put is written in one save: all or nothing.
 */
export class LocalParameterStore {
  readonly path: string;
  readonly keyPath: string;
  private readonly file: JsonStateFile<ParameterTable>;
  private readonly clock: Clock;

  constructor(options: LocalParameterStoreOptions = {}) {
    const stateDir = options.stateDir ?? defaultStateDir();
    this.path = join(stateDir, PARAMETERS_FILE_NAME);
    this.keyPath = join(stateDir, PARAMETER_KEY_FILE_NAME);
    this.file = new JsonStateFile(this.path, (raw) => tableSchema.parse(raw));
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Stores a new version and returns its number.
   * @throws ParameterValidationError naming the parameter when it breaks the rules.
   * @throws ParameterAlreadyExistsError when it exists and overwrite is not set.
   * @throws ParameterStoreKeyError when a SecureString cannot be encrypted.
   */
  async putParameter(input: PutParameterInput): Promise<{ version: number }> {
    const table = this.load();
    const version = this.applyPut(table, input);
    this.file.save(table);
    return { version };
  }

  /**
   * The current version, or the one asked for.
   * @throws ParameterNotFoundError, ParameterVersionNotFoundError, ParameterValidationError.
   * @throws ParameterStoreKeyError when a SecureString does not decrypt.
   */
  async getParameter(name: string, options: GetParameterOptions = {}): Promise<LocalParameter> {
    validateName(name);
    const stored = this.find(this.load(), name);
    const entry =
      options.version === undefined
        ? current(stored)
        : stored.versions.find((v) => v.version === options.version);
    if (entry === undefined) throw new ParameterVersionNotFoundError(name, options.version ?? 0);
    return this.present(name, entry, options.withDecryption ?? false);
  }

  /**
   * The parameters below a path ("/eks-upgrade-agent/local"), by name; never the path itself.
   * @throws ParameterValidationError when the path does not start with "/" or breaks the rules.
   * @throws ParameterStoreKeyError when a SecureString does not decrypt.
   */
  async getParametersByPath(
    path: string,
    options: GetParametersByPathOptions = {},
  ): Promise<LocalParameter[]> {
    if (!path.startsWith('/')) throw new ParameterValidationError(path, ['a path must start with "/"']);
    const prefix = normalizePrefix(path);
    const table = this.load();
    const found: LocalParameter[] = [];
    for (const name of Object.keys(table).sort()) {
      // A one-level name without "/" sits at the root, as in SSM.
      const rooted = name.startsWith('/') ? name : `/${name}`;
      if (!rooted.startsWith(prefix)) continue;
      const rest = rooted.slice(prefix.length);
      if (rest.length === 0 || (!(options.recursive ?? false) && rest.includes('/'))) continue;
      const stored = this.find(table, name);
      found.push(this.present(name, current(stored), options.withDecryption ?? false));
    }
    return found;
  }

  /**
   * Every kept version, oldest first.
   * @throws ParameterNotFoundError, ParameterValidationError.
   * @throws ParameterStoreKeyError when decryption is asked for and a SecureString does not decrypt.
   */
  async getParameterHistory(
    name: string,
    options: { withDecryption?: boolean } = {},
  ): Promise<LocalParameterHistoryEntry[]> {
    validateName(name);
    const stored = this.find(this.load(), name);
    return stored.versions.map((v) => ({
      ...this.present(name, v, options.withDecryption ?? false),
      ...(v.description !== undefined ? { description: v.description } : {}),
      labels: [],
      tier: 'Standard' as const,
    }));
  }

  /**
   * Deletes a parameter and its history.
   * @throws ParameterNotFoundError, ParameterValidationError.
   */
  async deleteParameter(name: string): Promise<void> {
    validateName(name);
    const table = this.load();
    this.find(table, name);
    delete table[name];
    this.file.save(table);
  }

  /**
   * Deletes up to 10 parameters; `invalid` lists the names that did not exist.
   * @throws ParameterValidationError for more than 10 names or a name that breaks the rules.
   */
  async deleteParameters(names: readonly string[]): Promise<{ deleted: string[]; invalid: string[] }> {
    if (names.length > DELETE_PARAMETERS_LIMIT) {
      throw new ParameterValidationError(names[DELETE_PARAMETERS_LIMIT] ?? '', [
        `DeleteParameters takes at most ${DELETE_PARAMETERS_LIMIT} names per call; got ${names.length}`,
      ]);
    }
    for (const name of names) validateName(name);
    const table = this.load();
    const deleted: string[] = [];
    const invalid: string[] = [];
    for (const name of new Set(names)) {
      if (table[name] === undefined) invalid.push(name);
      else {
        delete table[name];
        deleted.push(name);
      }
    }
    if (deleted.length > 0) this.file.save(table);
    return { deleted, invalid };
  }

  /**
   * Adds or replaces tags (AddTagsToResource).
   * @throws ParameterNotFoundError, ParameterValidationError (over 50 tags, a bad key or value).
   */
  async addTagsToParameter(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    validateName(name);
    const table = this.load();
    const stored = this.find(table, name);
    const merged = { ...stored.tags, ...tags };
    checkTags(name, merged);
    stored.tags = merged;
    this.file.save(table);
  }

  /** Removes tags by key (RemoveTagsFromResource). @throws ParameterNotFoundError, ParameterValidationError. */
  async removeTagsFromParameter(name: string, keys: readonly string[]): Promise<void> {
    validateName(name);
    const table = this.load();
    const stored = this.find(table, name);
    for (const key of keys) delete stored.tags[key];
    this.file.save(table);
  }

  /** The parameter's tags (ListTagsForResource). @throws ParameterNotFoundError, ParameterValidationError. */
  async listTagsForParameter(name: string): Promise<Record<string, string>> {
    validateName(name);
    return { ...this.find(this.load(), name).tags };
  }

  /**
   * Stores a nested configuration as one parameter per leaf under `prefix`
   * ("/eks-upgrade-agent/local/config" -> ".../config/validation/soakSeconds"), the
   * AWS client's layout. Every leaf is checked before anything is written, and all
   * are written in one save. Returns each full name with its new version.
   * @throws ParameterValidationError naming the bad key or parameter; nothing is written.
   * @throws ParameterAlreadyExistsError when overwrite is false and a leaf exists; nothing is written.
   */
  async putConfiguration(
    prefix: string,
    tree: ConfigTree,
    options: PutLocalConfigurationOptions = {},
  ): Promise<Record<string, number>> {
    const base = normalizePrefix(prefix);
    const secure = new Set(options.secureKeys ?? []);
    const table = this.load();
    const versions: Record<string, number> = {};
    for (const leaf of flattenConfig(tree)) {
      const key = leaf.path.join('/');
      const name = `${base}${key}`;
      versions[name] = this.applyPut(table, {
        name,
        value: leaf.value,
        type: secure.has(key) ? 'SecureString' : 'String',
        overwrite: options.overwrite ?? true,
      });
    }
    if (Object.keys(versions).length > 0) this.file.save(table);
    return versions;
  }

  /**
   * Reads a configuration back into a nested object, decrypted.
   * @throws ConfigurationNotFoundError when no parameter exists under `prefix`.
   * @throws ParameterValidationError when a name is both a value and a parent of others.
   */
  async getConfiguration(prefix: string): Promise<ConfigTree> {
    const base = normalizePrefix(prefix);
    const parameters = await this.getParametersByPath(base, { recursive: true, withDecryption: true });
    if (parameters.length === 0)
      throw new ConfigurationNotFoundError(prefix, base === '/' ? base : base.slice(0, -1));
    const leaves: StoredLeaf[] = parameters.map((p) => ({
      path: p.name.slice(base.length).split('/'),
      value: p.value,
      type: p.type,
    }));
    return unflattenConfig(leaves);
  }

  /** Deletes every parameter under `prefix`; returns the names deleted. */
  async deleteConfiguration(prefix: string): Promise<string[]> {
    const base = normalizePrefix(prefix);
    const names = (await this.getParametersByPath(base, { recursive: true })).map((p) => p.name);
    if (names.length === 0) return [];
    const table = this.load();
    for (const name of names) delete table[name];
    this.file.save(table);
    return names;
  }

  private load(): ParameterTable {
    return this.file.load() ?? {};
  }

  private find(table: ParameterTable, name: string): StoredParameter {
    const stored = table[name];
    if (stored === undefined) throw new ParameterNotFoundError(name);
    return stored;
  }

  /** Checks and records one put in `table` (not saved); returns the new version. */
  private applyPut(table: ParameterTable, input: PutParameterInput): number {
    const { name, value, type } = input;
    if (!(PARAMETER_TYPES as readonly string[]).includes(type)) {
      throw new ParameterValidationError(name, [`type must be one of ${PARAMETER_TYPES.join(', ')}`]);
    }
    validateParameter({
      name,
      value,
      type,
      tier: 'Standard',
      description: input.description,
      tags: input.tags,
    });
    const overwrite = input.overwrite ?? false;
    const hasTags = input.tags !== undefined && Object.keys(input.tags).length > 0;
    if (overwrite && hasTags) {
      throw new ParameterValidationError(name, [
        "tags and overwrite can't be used together; tag an existing parameter with addTagsToParameter",
      ]);
    }
    if (input.tags !== undefined) checkTags(name, input.tags);
    const existing = table[name];
    if (existing !== undefined && !overwrite) throw new ParameterAlreadyExistsError(name);

    const previous = existing === undefined ? undefined : current(existing);
    const version = (previous?.version ?? 0) + 1;
    const description = input.description ?? previous?.description;
    const entry: StoredVersion = {
      version,
      type,
      value: type === 'SecureString' ? this.encrypt(table, name, value) : value,
      lastModifiedDate: this.clock.now().toISOString(),
      ...(description !== undefined ? { description } : {}),
    };
    if (existing === undefined) {
      table[name] = { versions: [entry], tags: { ...(input.tags ?? {}) } };
    } else {
      existing.versions.push(entry);
      // Parameter Store drops the oldest version once 100 are kept.
      existing.versions.splice(0, Math.max(0, existing.versions.length - PARAMETER_VERSION_LIMIT));
    }
    return version;
  }

  private present(name: string, entry: StoredVersion, withDecryption: boolean): LocalParameter {
    const value =
      entry.type === 'SecureString' && withDecryption ? this.decrypt(name, entry.value) : entry.value;
    return {
      name,
      type: entry.type,
      value,
      version: entry.version,
      lastModifiedDate: entry.lastModifiedDate,
    };
  }

  /** base64(iv | GCM tag | ciphertext), with the name as additional authenticated data. */
  private encrypt(table: ParameterTable, name: string, plaintext: string): string {
    const key = this.keyForEncryption(table, name);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  private decrypt(name: string, ciphertext: string): string {
    const key = this.readKey(name);
    if (key === undefined) throw new ParameterStoreKeyError('missing', this.keyPath, name);
    const blob = Buffer.from(ciphertext, 'base64');
    try {
      if (blob.length < IV_BYTES + TAG_BYTES) throw new Error('the ciphertext is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch (error) {
      throw new ParameterStoreKeyError('mismatch', this.keyPath, name, { cause: error });
    }
  }

  /**
   * The key, created on first use. A missing key file while SecureString values exist
   * is an error, not a reason to make a new key that cannot read them.
   */
  private keyForEncryption(table: ParameterTable, name: string): Buffer {
    const existing = this.readKey(name);
    if (existing !== undefined) return existing;
    const encrypted = Object.values(table).some((p) => p.versions.some((v) => v.type === 'SecureString'));
    if (encrypted) throw new ParameterStoreKeyError('missing', this.keyPath, name);
    const key = randomBytes(KEY_BYTES);
    mkdirSync(dirname(this.keyPath), { recursive: true });
    try {
      // 'wx': never replace a key another process created in the meantime.
      writeFileSync(this.keyPath, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      return key;
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw error;
      const raced = this.readKey(name);
      if (raced === undefined)
        throw new ParameterStoreKeyError('missing', this.keyPath, name, { cause: error });
      return raced;
    }
  }

  /** The key, undefined when there is no key file. @throws ParameterStoreKeyError when it is not a key. */
  private readKey(name: string): Buffer | undefined {
    let text: string;
    try {
      text = readFileSync(this.keyPath, 'utf8');
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw error;
    }
    const trimmed = text.trim();
    const key = Buffer.from(trimmed, 'base64');
    if (key.length !== KEY_BYTES || key.toString('base64') !== trimmed) {
      throw new ParameterStoreKeyError('malformed', this.keyPath, name);
    }
    return key;
  }
}

function current(stored: StoredParameter): StoredVersion {
  const last = stored.versions.at(-1);
  // The schema guarantees at least one version; an empty list would be a bug here.
  if (last === undefined) throw new Error('a stored parameter has no versions');
  return last;
}

function checkTags(name: string, tags: Readonly<Record<string, string>>): void {
  const issues: string[] = [];
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) issues.push(`at most ${MAX_TAGS} tags`);
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > MAX_TAG_KEY_LENGTH) {
      issues.push(`tag key ${JSON.stringify(key)} must be 1 to ${MAX_TAG_KEY_LENGTH} characters`);
    }
    if (/^aws:/i.test(key)) issues.push(`tag key ${JSON.stringify(key)} must not start with "aws:"`);
    if (value.length > MAX_TAG_VALUE_LENGTH) {
      issues.push(`the value of tag ${JSON.stringify(key)} is over ${MAX_TAG_VALUE_LENGTH} characters`);
    }
  }
  if (issues.length > 0) throw new ParameterValidationError(name, issues);
}

/** Structural, not `instanceof Error`: Node's fs errors come from another realm under test runners. */
function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
