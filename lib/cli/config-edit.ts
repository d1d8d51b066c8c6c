import { type ConfigTree, type ConfigValue, decodeValue, flattenConfig } from '../aws/ssm/config-tree';
import { type AgentConfig, InvalidConfigError, parseAgentConfig } from '../domain/config';
import { CliUsageError } from './errors';

/**
 * `config set` and `config validate`, pure: what an edit of a stage's configuration
 * changes, and whether the configuration it leaves is valid. Nothing is written
 * unless the whole result passes the schema the Lambdas read it with.
 */

function isTree(value: ConfigValue | undefined): value is ConfigTree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `execution/maxParallelNodegroups=8` pairs as a tree; a value reads as JSON when it
 * parses (8, true, ["a"]) and as text otherwise, as a stored parameter does.
 * @throws CliUsageError for a pair without `=` or with an empty key level.
 */
export function treeFromPairs(pairs: readonly string[]): ConfigTree {
  const tree: ConfigTree = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const keys = at > 0 ? pair.slice(0, at).split('/') : [];
    if (keys.length === 0 || keys.some((key) => key === '')) {
      throw new CliUsageError(
        `"${pair}" is not KEY=VALUE: name the key by its path, e.g. execution/maxParallelNodegroups=8`,
      );
    }
    let node = tree;
    for (const key of keys.slice(0, -1)) {
      const child = node[key];
      const next: ConfigTree = isTree(child) ? child : {};
      node[key] = next;
      node = next;
    }
    node[keys[keys.length - 1] as string] = decodeValue(pair.slice(at + 1));
  }
  return tree;
}

/** `changes` laid over `base`: objects merge key by key, any other value replaces. */
export function mergeTrees(base: ConfigTree, changes: ConfigTree): ConfigTree {
  const merged: ConfigTree = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    const before = merged[key];
    merged[key] = isTree(value) && isTree(before) ? mergeTrees(before, value) : value;
  }
  return merged;
}

export interface ConfigChange {
  /** The key's path below the stage's config ("execution/maxParallelNodegroups"). */
  readonly key: string;
  /** The stored parameter text; absent when the key is new. */
  readonly before?: string;
  readonly after: string;
}

/** The leaves of `changes` whose stored text would differ from what `stored` holds. */
export function changesBetween(stored: ConfigTree, changes: ConfigTree): ConfigChange[] {
  const current = new Map(flattenConfig(stored).map((leaf) => [leaf.path.join('/'), leaf.value]));
  return flattenConfig(changes)
    .map((leaf) => ({
      key: leaf.path.join('/'),
      before: current.get(leaf.path.join('/')),
      after: leaf.value,
    }))
    .filter((change) => change.before !== change.after)
    .map(({ key, before, after }) => (before === undefined ? { key, after } : { key, before, after }));
}

/** Every key path of a parsed configuration, leaves and the objects above them. */
function knownPaths(value: unknown, path: string[] = [], into = new Set<string>()): Set<string> {
  if (path.length > 0) into.add(path.join('/'));
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) knownPaths(child, [...path, key], into);
  }
  return into;
}

/**
 * Keys of `input` the schema does not know: it drops them silently, so a typo
 * (`maxParalelNodegroups`) would be stored and never read.
 */
export function unknownKeys(input: ConfigTree, parsed: AgentConfig): string[] {
  const known = knownPaths(parsed);
  return flattenConfig(input)
    .map((leaf) => leaf.path.join('/'))
    .filter((key) => !known.has(key));
}

function siblingsOf(key: string, parsed: AgentConfig): string {
  const parent = key.split('/').slice(0, -1);
  let node: unknown = parsed;
  for (const level of parent) node = (node as Record<string, unknown> | undefined)?.[level];
  const names = node !== null && typeof node === 'object' ? Object.keys(node) : [];
  return names.length > 0
    ? `; known keys${parent.length > 0 ? ` under ${parent.join('/')}` : ''}: ${names.join(', ')}`
    : '';
}

/**
 * Validates a configuration as the Lambdas will read it, unknown keys included.
 * @throws InvalidConfigError naming each bad or unknown key.
 */
export function validateConfigTree(tree: ConfigTree): AgentConfig {
  const parsed = parseAgentConfig(tree);
  refuseUnknown(tree, parsed);
  return parsed;
}

function refuseUnknown(input: ConfigTree, parsed: AgentConfig): void {
  const unknown = unknownKeys(input, parsed);
  if (unknown.length > 0) {
    const [first = ''] = unknown;
    throw new InvalidConfigError(
      `unknown configuration key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}${siblingsOf(first, parsed)}`,
    );
  }
}

export interface ConfigEdit {
  readonly changes: readonly ConfigChange[];
  /** The whole configuration after the edit, as the Lambdas will read it. */
  readonly result: AgentConfig;
}

/**
 * What writing `input` over the stored configuration changes, after checking that the
 * result is valid and that the input names only keys the schema knows.
 * @throws InvalidConfigError naming each bad or unknown key; nothing is to be written then.
 */
export function planConfigEdit(stored: ConfigTree, input: ConfigTree): ConfigEdit {
  const result = parseAgentConfig(mergeTrees(stored, input));
  // Only the edit's own keys: a stray key already stored must not block every later edit.
  refuseUnknown(input, result);
  return { changes: changesBetween(stored, input), result };
}
