import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AgentError } from '../domain/errors';
import { ARTIFACTS_DIR_NAME } from './artifact-store';
import { LOCKS_FILE_NAME } from './cluster-lock';
import { WORLD_FILE_NAME } from './eks/world';
import { EVENTS_FILE_NAME } from './event-bus';
import { errnoCode, FileAccessError } from './fs-error';
import { ONCE_FILE_NAME } from './once';
import { PARAMETER_KEY_FILE_NAME, PARAMETERS_FILE_NAME } from './parameter-store';

/**
 * The sandbox state directory is marked as the sandbox's own, so that starting
 * afresh can never delete what the sandbox did not create: a `--state-dir`
 * naming a git checkout or a home directory is refused before anything happens,
 * and only the entries below are ever removed from a marked directory.
 */
export const STATE_DIR_MARKER = '.eks-upgrade-agent-sandbox.json';
/** Bumped when the layout of the directory changes incompatibly. */
export const STATE_DIR_FORMAT = 1;

/**
 * Everything the sandbox writes in its state directory (besides the marker).
 * test/unit/sandbox-state-dir.unit.test.ts runs a whole upgrade and fails when
 * the sandbox writes an entry this list does not name: add it here.
 */
export const SANDBOX_STATE_ENTRIES: readonly string[] = [
  WORLD_FILE_NAME,
  ARTIFACTS_DIR_NAME,
  LOCKS_FILE_NAME,
  ONCE_FILE_NAME,
  PARAMETERS_FILE_NAME,
  PARAMETER_KEY_FILE_NAME,
  EVENTS_FILE_NAME,
  'executions.json',
  'audit.jsonl',
  'notifications.jsonl',
];

const markerSchema = z.looseObject({
  format: z.number(),
  createdBy: z.string().optional(),
  createdAt: z.string().optional(),
});

/** The state directory is not one the sandbox may use: a file, someone else's directory, another format. */
export class StateDirRefusedError extends AgentError {
  override readonly name = 'StateDirRefusedError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** absent: nothing there yet; empty: an empty directory (adopted); sandbox: a marked state directory. */
export type StateDirStatus = 'absent' | 'empty' | 'sandbox';

/**
 * What `path` is, without changing anything.
 * @throws StateDirRefusedError for a file, a non-empty directory without the marker, or a marker of another format.
 * @throws FileAccessError when the path cannot be examined (EACCES, ENOTDIR...).
 */
export function inspectStateDir(path: string): StateDirStatus {
  if (path === '') throw new StateDirRefusedError('the sandbox state directory path is empty', path);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') {
      throw new FileAccessError('examine the sandbox state directory', path, error);
    }
    if (!isSymbolicLink(path)) return 'absent';
    throw new StateDirRefusedError(
      `the sandbox state directory ${path} is a symbolic link to a path that does not exist; name a directory, not a dangling link (nothing was changed)`,
      path,
    );
  }
  if (!isDirectory) {
    throw new StateDirRefusedError(
      `the sandbox state directory ${path} exists and is not a directory; name a new or empty directory (nothing was changed)`,
      path,
    );
  }
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch (error) {
    throw new FileAccessError('list the sandbox state directory', path, error);
  }
  if (entries.includes(STATE_DIR_MARKER)) {
    checkMarker(path);
    return 'sandbox';
  }
  if (entries.length === 0) return 'empty';
  const sample = entries
    .slice(0, 3)
    .map((e) => JSON.stringify(e))
    .join(', ');
  throw new StateDirRefusedError(
    `${path} is not a sandbox state directory: it holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${sample}${entries.length > 3 ? ', ...' : ''}) and no ${STATE_DIR_MARKER}; the sandbox only deletes what it created, so name a new or empty directory (nothing was changed)${legacyHint(path, entries)}`,
    path,
  );
}

/**
 * Sandboxes made before the marker existed hold only the sandbox's own entries: say how to
 * start over, without deleting them for the user (a directory of that shape is still a guess).
 */
function legacyHint(path: string, entries: readonly string[]): string {
  if (!entries.every(isSandboxEntry)) return '';
  return `; it looks like a sandbox from before the marker: if so, delete it yourself (rm -r ${JSON.stringify(path)})`;
}

/** A link whose target is missing: creating the directory would go wherever it points. */
function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function checkMarker(dir: string): void {
  const file = join(dir, STATE_DIR_MARKER);
  let format: number;
  try {
    format = markerSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).format;
  } catch (error) {
    if (errnoCode(error) !== undefined) throw new FileAccessError('read the sandbox marker', file, error);
    throw new StateDirRefusedError(
      `${file} is not a sandbox marker this version can read (expected JSON with "format": ${STATE_DIR_FORMAT}); delete ${dir} yourself to start over (nothing was changed)`,
      dir,
    );
  }
  if (format !== STATE_DIR_FORMAT) {
    throw new StateDirRefusedError(
      `${dir} is a sandbox state directory of format ${format}, and this version reads format ${STATE_DIR_FORMAT} only; delete it yourself or name another directory (nothing was changed)`,
      dir,
    );
  }
}

export interface PrepareStateDirOptions {
  /** Keep the world already in a marked directory; otherwise its sandbox files are removed. */
  readonly keepState: boolean;
  /** Recorded in a new marker. */
  readonly createdBy?: string;
  readonly now?: () => Date;
}

/**
 * Makes `path` ready for the sandbox: creates and marks it when absent, marks an
 * empty directory, and (unless keepState) removes the sandbox's own entries from
 * a marked one. Nothing else is ever removed.
 * @throws StateDirRefusedError and FileAccessError as inspectStateDir does, and FileAccessError when creating or clearing fails.
 */
export function prepareStateDir(path: string, options: PrepareStateDirOptions): StateDirStatus {
  const status = inspectStateDir(path);
  if (status === 'sandbox') {
    if (!options.keepState) clearSandboxEntries(path);
    return status;
  }
  try {
    makeDirectory(path);
  } catch (error) {
    throw new FileAccessError('create the sandbox state directory', path, error);
  }
  const marker = {
    format: STATE_DIR_FORMAT,
    createdBy: options.createdBy ?? 'eks-upgrade-agent sandbox',
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
  };
  try {
    writeFileSync(join(path, STATE_DIR_MARKER), `${JSON.stringify(marker, null, 2)}\n`, { flag: 'wx' });
  } catch (error) {
    // Another process marked it first: that marker is as good as ours.
    if (errnoCode(error) !== 'EEXIST')
      throw new FileAccessError('mark the sandbox state directory', path, error);
  }
  return status;
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir loops forever where a
 * parent exists but refuses children with ENOENT (`/proc/foo` hangs the process).
 */
function makeDirectory(path: string): void {
  const missing: string[] = [];
  let current = resolve(path);
  while (!existsSync(current)) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
  }
}

/** Marks `path` as a state directory when it is new or empty; leaves anything else as it is. */
export function markStateDirIfNew(path: string): void {
  let status: StateDirStatus;
  try {
    status = inspectStateDir(path);
  } catch {
    return;
  }
  if (status !== 'sandbox') prepareStateDir(path, { keepState: true });
}

/**
 * True for an entry the sandbox wrote: a known name, an atomic-write temp file of
 * one, or its cross-process lock (`<file>.lock`, lib/sandbox/file-lock.ts).
 */
export function isSandboxEntry(name: string): boolean {
  return SANDBOX_STATE_ENTRIES.some(
    (known) =>
      name === known || name === `${known}.lock` || (name.startsWith(`${known}.`) && name.endsWith('.tmp')),
  );
}

function clearSandboxEntries(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!isSandboxEntry(name)) continue;
    const entry = join(dir, name);
    try {
      rmSync(entry, { recursive: true, force: true });
    } catch (error) {
      throw new FileAccessError('remove the sandbox file', entry, error);
    }
  }
}
