import { readFileSync, statSync } from 'node:fs';
import { type EnvironmentSnapshot, parseSnapshot } from '../domain/snapshot';
import { describeFsCause, errnoCode } from '../sandbox/fs-error';
import { CliUsageError } from './errors';

/**
 * The largest JSON file the CLI reads. A snapshot of a cluster with 100 node
 * groups and every add-on's compatibility data is well under 2 MB; a larger file
 * is a wrong path (a log, a dump), and reading it whole would only stall.
 */
export const MAX_JSON_FILE_BYTES = 16 * 1024 * 1024;

/** Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses. */
const BOM = '\uFEFF';

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Reads a JSON file given on the command line. Pipes (`/dev/stdin`) are read;
 * directories, devices and sockets are refused before reading.
 * @throws CliUsageError when it cannot be read, is too large, empty or not JSON.
 */
export function readJsonFile(path: string, what: string): unknown {
  const text = readJsonText(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The text of a JSON file given on the command line, BOM removed, for readers that
 * need the literal text (an event pattern's number literals).
 * @throws CliUsageError when it cannot be read, is too large or empty.
 */
export function readJsonText(path: string, what: string): string {
  if (path === '') throw new CliUsageError(`the ${what} path is empty`);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    const reason = errnoCode(error) === 'ENOENT' ? 'no such file' : describeFsCause(error);
    throw new CliUsageError(`cannot read ${what} ${path}: ${reason}`);
  }
  if (stats.isDirectory()) throw new CliUsageError(`cannot read ${what} ${path}: it is a directory`);
  if (!stats.isFile() && !stats.isFIFO()) {
    throw new CliUsageError(`cannot read ${what} ${path}: it is not a regular file`);
  }
  if (stats.size > MAX_JSON_FILE_BYTES) {
    throw new CliUsageError(
      `${what} ${path} is ${megabytes(stats.size)}; the limit is ${megabytes(MAX_JSON_FILE_BYTES)} (is it the right file?)`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read ${what} ${path}: ${describeFsCause(error)}`);
  }
  if (text.length > MAX_JSON_FILE_BYTES) {
    throw new CliUsageError(`${what} ${path} is larger than ${megabytes(MAX_JSON_FILE_BYTES)}`);
  }
  if (text.startsWith(BOM)) text = text.slice(BOM.length);
  if (text.trim() === '') throw new CliUsageError(`${what} ${path} is empty`);
  return text;
}

/**
 * Reads and validates an environment snapshot file.
 * @throws CliUsageError for an unreadable file, InvalidSnapshotError for a bad snapshot.
 */
export function readSnapshotFile(path: string): EnvironmentSnapshot {
  return parseSnapshot(readJsonFile(path, 'snapshot'));
}
