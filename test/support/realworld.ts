import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `../shared/realworld` beside the repository: material nobody on the team wrote (real AWS
 * responses, aws/event-ruler's own test cases). CI clones the repository with a copy of
 * shared/ beside it, so a missing folder is a broken checkout, not a reason to skip.
 */
export const REALWORLD_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'realworld');

export function realworldPath(...parts: string[]): string {
  const path = join(REALWORLD_DIR, ...parts);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: clone the repository with ../shared beside it`);
  }
  return path;
}

/**
 * The raw JSON text of every value that follows `"key":` in `text`, in order. Number
 * literals such as `1E-325` lose their meaning in `JSON.parse` (they become 0), so tests of
 * what a pattern's text says need the text itself.
 */
export function rawValuesOf(text: string, key: string): string[] {
  const values: string[] = [];
  const marker = new RegExp(`"${key}"\\s*:\\s*`, 'g');
  for (const match of text.matchAll(marker)) {
    const start = (match.index ?? 0) + match[0].length;
    values.push(text.slice(start, endOfValue(text, start)));
  }
  return values;
}

/** The index just past the JSON value starting at `start` (an object, array, string or scalar). */
function endOfValue(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      if (!inString && depth === 0) return i + 1;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (c === ',' || c === '}' || c === '\n')) return i;
  }
  return text.length;
}
