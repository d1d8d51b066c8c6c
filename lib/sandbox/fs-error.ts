import { AgentError } from '../domain/errors';

/** Node's fs errors by code, in words: the code alone ("EACCES") tells a person little. */
const MEANING: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EEXIST: 'something already exists there, perhaps a file where a directory is needed',
  ENOTEMPTY: 'the directory is not empty',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * Codes that say the path given is wrong (exit 2, fix the input); any other code
 * is the machine's state (a full disk, an I/O error: exit 1, try again later).
 */
const USER_INPUT_CODES = new Set([
  'EACCES',
  'EPERM',
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'ENOTEMPTY',
  'EROFS',
  'ELOOP',
  'ENAMETOOLONG',
]);

/** Structural, not `instanceof Error`: fs errors come from another realm under test runners. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** "EACCES (permission denied)", or the error's own message for what is not an fs error. */
export function describeFsCause(error: unknown): string {
  const code = errnoCode(error);
  if (code !== undefined) return MEANING[code] ? `${code} (${MEANING[code]})` : code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A file or directory the agent must read or write cannot be; the message names
 * the path, what was being done and the cause. Not retryable (exit 2) when the
 * cause is the path given; retryable (exit 1) when it is the machine's state.
 */
export class FileAccessError extends AgentError {
  override readonly name = 'FileAccessError';
  readonly retryable: boolean;
  readonly code: string | undefined;
  constructor(
    /** What was being done, e.g. "create the sandbox state directory". */
    action: string,
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot ${action} ${path}: ${describeFsCause(cause)}`, { cause });
    this.code = errnoCode(cause);
    this.retryable = this.code !== undefined && !USER_INPUT_CODES.has(this.code);
  }
}
