import { InvalidEventPatternError } from './errors';
import { childPath, indexPath, isJsonObject } from './json';
import { compileMatchExpression } from './operators';
import type { LeafCondition, PatternNode, ValueMatcher } from './types';

/**
 * Names Event Ruler reserves inside a `$or` branch (its RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP):
 * the operators, the numeric comparison symbols, and names kept for future operators. A
 * branch using one as a field name is almost always an operator written one level too high.
 */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/**
 * Not an AWS rule: a guard so a pathological (or cyclic, when built in code) pattern is
 * refused as invalid instead of overflowing the stack. Real patterns nest a handful deep.
 */
const MAX_DEPTH = 64;

const LEAF_TYPE_REASON = 'Match value must be String, number, true, false, or null';

function compileLeaf(values: readonly unknown[], path: string): LeafCondition {
  if (values.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed', path);
  const matchers = values.map((value, index): ValueMatcher => {
    const at = indexPath(path, index);
    if (typeof value === 'string' || typeof value === 'boolean' || value === null)
      return { op: 'equals', value };
    if (typeof value === 'number') {
      // JSON has no NaN/Infinity; a pattern built in code might, and would never match.
      if (!Number.isFinite(value))
        throw new InvalidEventPatternError('Match value must be a finite number', at);
      return { op: 'equals', value };
    }
    if (isJsonObject(value)) return compileMatchExpression(value, at);
    throw new InvalidEventPatternError(LEAF_TYPE_REASON, at);
  });
  return { kind: 'leaf', matchers };
}

function compileOr(value: unknown, path: string, depth: number): PatternNode[] {
  if (!Array.isArray(value))
    throw new InvalidEventPatternError('$or must be an array of at least 2 objects', path);
  const branches = value.map((branch: unknown, index) => {
    if (!isJsonObject(branch)) {
      throw new InvalidEventPatternError(
        'Only JSON objects are allowed in a $or array',
        indexPath(path, index),
      );
    }
    return compileObject(branch, indexPath(path, index), true, depth + 1);
  });
  if (branches.length < 2)
    throw new InvalidEventPatternError('There must be at least 2 objects in a $or array', path);
  return branches;
}

function compileObject(
  object: Readonly<Record<string, unknown>>,
  path: string,
  insideOr: boolean,
  depth: number,
): PatternNode {
  if (depth > MAX_DEPTH)
    throw new InvalidEventPatternError(`Event pattern nests deeper than ${MAX_DEPTH}`, path);
  const keys = Object.keys(object);
  if (keys.length === 0) throw new InvalidEventPatternError('Empty objects are not allowed', path);
  const fields: [string, LeafCondition | PatternNode][] = [];
  const anyOf: PatternNode[][] = [];
  for (const key of keys) {
    const value = object[key];
    const at = childPath(path, key);
    if (key === '$or') {
      anyOf.push(compileOr(value, at, depth));
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      throw new InvalidEventPatternError(
        `${key} is a reserved name and cannot be a field name inside $or`,
        at,
      );
    }
    if (Array.isArray(value)) fields.push([key, compileLeaf(value, at)]);
    else if (isJsonObject(value)) fields.push([key, compileObject(value, at, insideOr, depth + 1)]);
    // Every leaf must be an array, even for a single value: {"source": "x"} is refused.
    else throw new InvalidEventPatternError(`"${key}" must be an object or an array`, at);
  }
  return { kind: 'node', fields, anyOf };
}

/**
 * Validates a whole pattern and compiles it. The pattern must be a non-empty JSON object
 * whose fields nest to leaf arrays; `$or` may appear at any object level.
 *
 * @throws {@link InvalidEventPatternError} naming the first problem found and where.
 */
export function compileRoot(pattern: unknown): PatternNode {
  if (!isJsonObject(pattern)) throw new InvalidEventPatternError('Filter is not an object', '$');
  return compileObject(pattern, '$', false, 0);
}
