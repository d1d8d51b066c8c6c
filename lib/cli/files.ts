import { readFileSync } from 'node:fs';
import { type EnvironmentSnapshot, parseSnapshot } from '../domain/snapshot';
import { CliUsageError } from './errors';

/**
 * Reads a JSON file given on the command line.
 * @throws CliUsageError when it cannot be read or is not JSON.
 */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new CliUsageError(`cannot read ${what} ${path}: ${reason}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads and validates an environment snapshot file.
 * @throws CliUsageError for an unreadable file, InvalidSnapshotError for a bad snapshot.
 */
export function readSnapshotFile(path: string): EnvironmentSnapshot {
  return parseSnapshot(readJsonFile(path, 'snapshot'));
}
