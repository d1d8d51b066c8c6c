import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { AgentError } from '../domain/errors';
import { withFileLock } from './file-lock';
import { FileAccessError } from './fs-error';

/**
 * JSON state files for the local world. Separate processes (`sls invoke local` of
 * different handlers, the CLI) share the world through these files, so:
 * - writes are atomic (a temp file in the same directory, then rename), so a reader
 *   never sees half a file;
 * - reads and writes are synchronous on purpose: an operation loads, changes and
 *   saves with no `await` in between, so two operations of one process can never
 *   interleave and lose an update;
 * - a load-change-save runs inside `locked`, which holds `<file>.lock` (file-lock.ts)
 *   so two processes on one state directory never lose each other's updates either.
 */

/** `.eks-upgrade-agent/sandbox` under `cwd`: where the local world lives unless told otherwise. */
export function defaultStateDir(cwd: string = process.cwd()): string {
  return join(cwd, '.eks-upgrade-agent', 'sandbox');
}

/** A state file that cannot be read back: not JSON, or not the expected shape. */
export class SandboxStateError extends AgentError {
  override readonly name = 'SandboxStateError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * State directories whose files live in this process's memory instead of on disk:
 * the simulator runs thousands of worlds, and parsing and writing each state file on
 * every operation would be most of its time. Values are copied in and out, so each
 * load is as fresh as a file's; every process of a simulated run is this one, so no
 * lock is needed. Nothing else uses it.
 */
const memoryRoots = new Map<string, Map<string, string>>();

/** Keeps every state file under `root` in memory until the returned function is called. */
export function holdStateInMemory(root: string): () => void {
  const files = new Map<string, string>();
  memoryRoots.set(root, files);
  return () => {
    if (memoryRoots.get(root) === files) memoryRoots.delete(root);
  };
}

function memoryFor(path: string): Map<string, string> | undefined {
  for (const [root, files] of memoryRoots) if (path.startsWith(`${root}${sep}`)) return files;
  return undefined;
}

/** One JSON file holding a value of type T, validated by `parse` on every load. */
export class JsonStateFile<T> {
  constructor(
    readonly path: string,
    private readonly parse: (raw: unknown) => T,
  ) {}

  /**
   * The stored value; undefined when there is no file yet.
   * @throws SandboxStateError when the file is not valid JSON or `parse` rejects it.
   * @throws FileAccessError naming the path and the cause when it cannot be read (EACCES, EISDIR...).
   */
  load(): T | undefined {
    const memory = memoryFor(this.path);
    // JSON text of a value parsed when it was first stored: parsing it again cannot change it.
    if (memory) {
      const text = memory.get(this.path);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    }
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new FileAccessError('read the sandbox state file', this.path, error);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SandboxStateError(`${this.path} is not valid JSON (${reason}); ${RECOVERY}`, this.path, {
        cause: error,
      });
    }
    try {
      return this.parse(raw);
    } catch (error) {
      throw new SandboxStateError(
        `${this.path} is not a state file this version can read (${issuesOf(error)}); ${RECOVERY}`,
        this.path,
        { cause: error },
      );
    }
  }

  /**
   * Runs `fn` (a load, a change, a save) holding the file's lock across processes.
   * @throws StateLockTimeoutError when another live process holds it for too long.
   */
  locked<R>(fn: () => R): R {
    if (memoryFor(this.path)) return fn();
    mkdirSync(dirname(this.path), { recursive: true });
    return withFileLock(this.path, fn);
  }

  /**
   * Writes `value` atomically, creating the directory when needed.
   * @throws FileAccessError naming the path and the cause (ENOSPC, EACCES, ENOTDIR...).
   */
  save(value: T): void {
    const memory = memoryFor(this.path);
    if (memory) {
      memory.set(this.path, JSON.stringify(value));
      return;
    }
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, 'utf8');
      renameSync(temp, this.path);
    } catch (error) {
      try {
        rmSync(temp, { force: true });
      } catch {
        // The write's own error says more than a failed clean-up of its temp file.
      }
      throw new FileAccessError('write the sandbox state file', this.path, error);
    }
  }

  /** Deletes the file; nothing happens when there is none. */
  remove(): void {
    memoryFor(this.path)?.delete(this.path);
    rmSync(this.path, { force: true });
  }
}

const RECOVERY =
  'move it aside (or delete it) and run again to start that part afresh, or run without --keep-state for a new sandbox';

/** Zod's issues as `path: message`, one clause each; any other error's message. */
function issuesOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'issues' in error && Array.isArray(error.issues)) {
    return (error.issues as { path?: unknown[]; message?: string }[])
      .slice(0, 3)
      .map((i) => `${i.path && i.path.length > 0 ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

/** Structural, not `instanceof Error`: Node's fs errors come from another realm under test runners. */
function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
