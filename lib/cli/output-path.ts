import { accessSync, constants, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AgentError } from '../domain/errors';
import { describeFsCause, errnoCode } from '../sandbox/fs-error';
import { CliUsageError } from './errors';

/** A file the CLI was asked to write could not be written after the run (exit 1; the report is on stdout). */
export class OutputWriteError extends AgentError {
  override readonly name = 'OutputWriteError';
  readonly retryable = true;
}

/** The same file, whichever way it is spelled (an absent file: its resolved path). */
function identity(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Checks, before anything runs, that `path` can be written: not empty, not a
 * directory, its parent an existing writable directory, the file writable when it
 * exists, and not the file of one of the `others` options (writing the report over
 * the snapshot it came from would lose the user's file).
 * @throws CliUsageError naming the option and what to fix.
 */
export function checkOutputPath(
  path: string,
  option: string,
  others: ReadonlyArray<{ readonly option: string; readonly path: string | undefined }> = [],
): void {
  if (path === '') throw new CliUsageError(`${option} is empty; give a file path`);
  const parent = dirname(resolve(path));
  let parentIsDirectory: boolean;
  try {
    parentIsDirectory = statSync(parent).isDirectory();
  } catch (error) {
    const why =
      errnoCode(error) === 'ENOENT' ? 'does not exist' : `cannot be used: ${describeFsCause(error)}`;
    throw new CliUsageError(`${option} ${path}: the directory ${parent} ${why}`);
  }
  if (!parentIsDirectory) throw new CliUsageError(`${option} ${path}: ${parent} is not a directory`);
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new CliUsageError(`${option} ${path}: cannot write in ${parent}: ${describeFsCause(error)}`);
  }
  let exists = true;
  try {
    if (statSync(path).isDirectory())
      throw new CliUsageError(`${option} ${path} is a directory; give a file path`);
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    exists = false;
  }
  if (exists) {
    try {
      accessSync(path, constants.W_OK);
    } catch (error) {
      throw new CliUsageError(`${option} ${path} cannot be written: ${describeFsCause(error)}`);
    }
  }
  const target = identity(path);
  const clash = others.find((o) => o.path !== undefined && o.path !== '' && identity(o.path) === target);
  if (clash) {
    throw new CliUsageError(
      `${option} ${path} is the same file as ${clash.option}; writing it would overwrite that file`,
    );
  }
}

/**
 * Writes an output file after the run.
 * @throws OutputWriteError naming the path and the cause.
 */
export function writeOutputFile(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new OutputWriteError(`cannot write ${what} to ${path}: ${describeFsCause(error)}`, {
      cause: error,
    });
  }
}
