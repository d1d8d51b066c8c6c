import { ParameterValidationError } from '../errors';
import { SEGMENT_PATTERN } from './parameter-rules';

/**
 * A configuration is a nested object; in Parameter Store each leaf is one
 * parameter whose name is the path of keys ("cluster/name"). Pure: the sandbox
 * stores configurations the same way.
 *
 * Values: a string is stored as itself, so the console shows `prod-eks-cluster`,
 * not `"prod-eks-cluster"`; every other leaf (number, boolean, null, array) is
 * stored as JSON, and so is a string that would otherwise read back as something
 * else ("true", "42", "") . Reading parses JSON and falls back to the text, which
 * makes every value round-trip exactly. An empty object has no leaves and is not stored.
 */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | ConfigTree;
export interface ConfigTree {
  [key: string]: ConfigValue;
}

export interface FlatEntry {
  /** Keys from the configuration root, e.g. ["cluster", "name"]. */
  readonly path: readonly string[];
  readonly value: string;
}

/** Encodes one leaf as parameter text (see the module comment). */
export function encodeValue(value: ConfigValue): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  return parsesAsJson(value) || value.length === 0 ? JSON.stringify(value) : value;
}

/** Decodes parameter text; a StringList comes back as an array of strings. */
export function decodeValue(text: string, type?: string): ConfigValue {
  if (type === 'StringList') return text.split(',');
  try {
    return JSON.parse(text) as ConfigValue;
  } catch {
    return text;
  }
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function isTree(value: ConfigValue): value is ConfigTree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The leaves of a configuration, each with its key path and encoded value.
 * @throws ParameterValidationError when a key is not a valid name level.
 */
export function flattenConfig(config: ConfigTree, path: readonly string[] = []): FlatEntry[] {
  const entries: FlatEntry[] = [];
  for (const [key, value] of Object.entries(config)) {
    const keyPath = [...path, key];
    if (!SEGMENT_PATTERN.test(key)) {
      throw new ParameterValidationError(keyPath.join('/'), [
        `configuration key ${JSON.stringify(key)} must use only a-z, A-Z, 0-9, "_", "." and "-"`,
      ]);
    }
    if (isTree(value)) entries.push(...flattenConfig(value, keyPath));
    else entries.push({ path: keyPath, value: encodeValue(value) });
  }
  return entries;
}

export interface StoredLeaf {
  /** Keys relative to the configuration root. */
  readonly path: readonly string[];
  readonly value: string;
  readonly type?: string;
}

/**
 * Rebuilds the nested configuration from its parameters.
 * @throws ParameterValidationError when one name is both a value and a parent of others.
 */
export function unflattenConfig(leaves: readonly StoredLeaf[]): ConfigTree {
  const root: ConfigTree = {};
  // Shortest paths first, so a value-versus-parent clash is found whichever order SSM returns.
  const ordered = [...leaves].sort((a, b) => a.path.length - b.path.length);
  for (const leaf of ordered) {
    let node = root;
    for (const [i, key] of leaf.path.entries()) {
      const last = i === leaf.path.length - 1;
      const existing = node[key];
      if (last) {
        if (existing !== undefined) throw clash(leaf.path);
        node[key] = decodeValue(leaf.value, leaf.type);
      } else if (existing === undefined) {
        const child: ConfigTree = {};
        node[key] = child;
        node = child;
      } else if (isTree(existing)) {
        node = existing;
      } else {
        throw clash(leaf.path.slice(0, i + 1));
      }
    }
  }
  return root;
}

function clash(path: readonly string[]): ParameterValidationError {
  return new ParameterValidationError(path.join('/'), ['is both a value and the parent of other parameters']);
}
