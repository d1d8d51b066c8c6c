import { isAbsolute, join, resolve, sep } from 'node:path';
import { AgentError } from '../domain/errors';
import type { ArtifactStore } from '../ports';
import { defaultStateDir, JsonStateFile } from './state-store';

/** The directory inside the state directory that holds the artifacts (the sandbox's S3 bucket). */
export const ARTIFACTS_DIR_NAME = 'artifacts';

/** An artifact key that cannot name a file inside the artifact directory. */
export class InvalidArtifactKeyError extends AgentError {
  override readonly name = 'InvalidArtifactKeyError';
  readonly retryable = false;
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`artifact key ${JSON.stringify(key)} is not allowed: ${reason}`);
  }
}

export interface FileArtifactStoreOptions {
  /** Default `.eks-upgrade-agent/sandbox` under the current directory. */
  readonly stateDir?: string;
}

/**
 * The sandbox's S3 artifact store: key `upgrades/<id>/plan.json` is the file
 * `<stateDir>/artifacts/upgrades/<id>/plan.json`, so every process on the state
 * directory sees the same artifacts. Keys are relative `/`-separated paths: no
 * `..`, `.` or empty segments, no absolute paths, no backslashes.
 */
export class FileArtifactStore implements ArtifactStore {
  /** The artifact directory (absolute). */
  readonly root: string;

  constructor(options: FileArtifactStoreOptions = {}) {
    this.root = resolve(options.stateDir ?? defaultStateDir(), ARTIFACTS_DIR_NAME);
  }

  /**
   * Writes `value` as JSON (atomically: a reader never sees half an artifact).
   * @throws InvalidArtifactKeyError for a key that escapes the artifact directory.
   */
  async putJson(key: string, value: unknown): Promise<void> {
    this.file(key).save(value);
  }

  /**
   * The stored value; undefined when there is no such artifact.
   * @throws InvalidArtifactKeyError for a key that escapes the artifact directory.
   * @throws SandboxStateError (with the file's path) when the file is not valid JSON.
   */
  async getJson(key: string): Promise<unknown> {
    return this.file(key).load();
  }

  /**
   * The file an artifact key maps to.
   * @throws InvalidArtifactKeyError for a key that escapes the artifact directory.
   */
  pathOf(key: string): string {
    if (typeof key !== 'string' || key.length === 0) throw new InvalidArtifactKeyError(String(key), 'empty');
    if (key.includes('\0')) throw new InvalidArtifactKeyError(key, 'contains a NUL character');
    if (key.includes('\\')) throw new InvalidArtifactKeyError(key, 'backslashes are not allowed; use /');
    if (isAbsolute(key) || /^[A-Za-z]:/.test(key)) {
      throw new InvalidArtifactKeyError(key, 'absolute paths are not allowed');
    }
    const segments = key.split('/');
    if (segments.includes('..')) throw new InvalidArtifactKeyError(key, '".." segments are not allowed');
    if (segments.some((s) => s === '' || s === '.')) {
      throw new InvalidArtifactKeyError(key, 'empty and "." segments are not allowed');
    }
    const path = join(this.root, ...segments);
    // Belt and braces: whatever the checks above missed must still land inside the root.
    if (!path.startsWith(this.root + sep)) {
      throw new InvalidArtifactKeyError(key, 'resolves outside the artifact directory');
    }
    return path;
  }

  private file(key: string): JsonStateFile<unknown> {
    return new JsonStateFile<unknown>(this.pathOf(key), (raw) => raw);
  }
}
