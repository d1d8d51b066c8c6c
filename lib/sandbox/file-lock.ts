import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { AgentError } from '../domain/errors';

/**
 * A lock between processes on one state file: `<file>.lock`, created with O_EXCL
 * (`wx`), holding the holder's pid, host and start time. Taken around every
 * load-change-save of a sandbox state file, so two `--keep-state` processes (or
 * `sls invoke local` beside a run) never lose each other's updates.
 *
 * Written here rather than taken from proper-lockfile: the state files are read and
 * written synchronously (so operations of one process never interleave), and
 * proper-lockfile's lockSync neither waits nor knows a dead holder from a slow one.
 */

/** A holder older than this is stale even if its pid lives: no operation holds a lock for more than milliseconds. */
export const STALE_AFTER_MS = 30_000;
/** How long a process waits for a lock before it gives up. */
export const DEFAULT_WAIT_MS = 10_000;

/** A state file stayed locked by a live process for longer than the wait. */
export class StateLockTimeoutError extends AgentError {
  override readonly name = 'StateLockTimeoutError';
  readonly retryable = true;
  constructor(
    readonly lockPath: string,
    holder: string,
    waitedMs: number,
  ) {
    super(
      `${lockPath} has been held by ${holder} for longer than the ${waitedMs} ms this process waits; if that process no longer runs, delete ${lockPath}`,
    );
  }
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly acquiredAt: number;
}

const held = new Map<string, number>();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `fn` holding the lock of `path` (re-entrant within a process).
 * @throws StateLockTimeoutError when a live holder keeps it longer than `waitMs`.
 */
export function withFileLock<R>(path: string, fn: () => R, waitMs: number = DEFAULT_WAIT_MS): R {
  const lockPath = `${path}.lock`;
  const depth = held.get(lockPath) ?? 0;
  if (depth === 0) acquire(lockPath, waitMs);
  held.set(lockPath, depth + 1);
  try {
    return fn();
  } finally {
    if (depth === 0) {
      held.delete(lockPath);
      rmSync(lockPath, { force: true });
    } else held.set(lockPath, depth);
  }
}

function acquire(lockPath: string, waitMs: number): void {
  const me: Holder = { pid: process.pid, host: hostname(), acquiredAt: Date.now() };
  const deadline = Date.now() + waitMs;
  for (let round = 0; ; round++) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, JSON.stringify({ ...me, acquiredAt: Date.now() }));
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
    const seen = readHolder(lockPath);
    if (seen !== 'gone' && isStale(seen, lockPath)) breakStale(lockPath, seen);
    else if (Date.now() >= deadline) throw new StateLockTimeoutError(lockPath, describe(seen), waitMs);
    else Atomics.wait(sleeper, 0, 0, Math.min(2 + round, 25));
  }
}

/** The holder as recorded; undefined while it is being written (or unreadable); 'gone' once released. */
function readHolder(lockPath: string): Holder | undefined | 'gone' {
  try {
    const parsed = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<Holder>;
    if (
      typeof parsed.pid === 'number' &&
      typeof parsed.host === 'string' &&
      typeof parsed.acquiredAt === 'number'
    )
      return parsed as Holder;
    return undefined;
  } catch (error) {
    return code(error) === 'ENOENT' ? 'gone' : undefined;
  }
}

function isStale(holder: Holder | undefined, lockPath: string): boolean {
  if (holder === undefined) {
    // Half-written by a holder that died between create and write, or still being written.
    try {
      return Date.now() - statSync(lockPath).mtimeMs > 1_000;
    } catch {
      return false;
    }
  }
  if (Date.now() - holder.acquiredAt > STALE_AFTER_MS) return true;
  return holder.host === hostname() && !isAlive(holder.pid);
}

/**
 * Moves the stale lock aside under a unique name, so of two processes breaking it
 * only one succeeds; if what was moved is not the lock judged stale (a new holder
 * took it meanwhile), it is put back.
 */
function breakStale(lockPath: string, stale: Holder | undefined): void {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return;
    throw error;
  }
  const moved = readHolder(aside);
  const same =
    moved !== 'gone' &&
    (moved === undefined || stale === undefined
      ? moved === stale
      : moved.pid === stale.pid && moved.acquiredAt === stale.acquiredAt);
  if (!same) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // Someone holds it again already: they wait for nobody, and neither do we.
    }
  }
  rmSync(aside, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === 'EPERM';
  }
}

function describe(holder: Holder | undefined | 'gone'): string {
  if (holder === undefined || holder === 'gone') return 'another process';
  return `process ${holder.pid} on ${holder.host} (since ${new Date(holder.acquiredAt).toISOString()})`;
}

function code(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
