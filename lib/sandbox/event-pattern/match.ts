import { inCidr } from './cidr';
import { isJsonObject, ownField } from './json';
import { inNumericRange } from './numeric';
import { matchesString } from './strings';
import type { LeafCondition, PatternNode, Scalar, ValueMatcher } from './types';

function isScalar(value: unknown): value is Scalar {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

/**
 * The scalars and objects an event value holds, with arrays "crushed out" as Event Ruler
 * does: nested arrays are flattened. Iterative, and cycle-safe for values built in code,
 * so no event can overflow the stack here.
 */
function crush(values: readonly unknown[]): {
  scalars: Scalar[];
  objects: Readonly<Record<string, unknown>>[];
} {
  const scalars: Scalar[] = [];
  const objects: Readonly<Record<string, unknown>>[] = [];
  // Order does not matter: a leaf matches when any value does, a nested pattern when any object does.
  const seen = new Set<readonly unknown[]>();
  const pending: unknown[] = [values];
  while (pending.length > 0) {
    const item = pending.pop();
    if (isScalar(item)) scalars.push(item);
    else if (Array.isArray(item)) {
      if (seen.has(item)) continue;
      seen.add(item);
      for (const child of item) pending.push(child);
    } else if (isJsonObject(item)) objects.push(item);
  }
  return { scalars, objects };
}

/** The leaf values at a field: none when absent or an object (exists works on leaves only). */
function leafValues(value: unknown): Scalar[] {
  if (isScalar(value)) return [value];
  return Array.isArray(value) ? crush(value).scalars : [];
}

function matchesScalar(matcher: Exclude<ValueMatcher, { op: 'exists' }>, value: Scalar): boolean {
  switch (matcher.op) {
    case 'equals':
      // Strict: the string "5" is not the number 5, and null is not "".
      return value === matcher.value;
    case 'numeric':
      // Only a number is in a range: the string "5" is not (inNumericRange checks it).
      return inNumericRange(matcher.range, value);
    case 'cidr':
      return typeof value === 'string' && inCidr(matcher.block, value);
    case 'anything-but':
      return !matcher.excluded.some((excluded) =>
        excluded.op === 'equals'
          ? excluded.value === value
          : typeof value === 'string' && matchesString(excluded, value),
      );
    default:
      return typeof value === 'string' && matchesString(matcher, value);
  }
}

/**
 * A leaf array matches when any matcher does. `exists` tests presence of a leaf value; every
 * other matcher needs a present value, so a missing field never satisfies `anything-but`.
 * For an array in the event, any element may satisfy the matcher.
 */
function matchesLeaf(leaf: LeafCondition, value: unknown): boolean {
  const values = leafValues(value);
  return leaf.matchers.some((matcher) =>
    matcher.op === 'exists'
      ? values.length > 0 === matcher.exists
      : values.some((v) => matchesScalar(matcher, v)),
  );
}

/**
 * A nested pattern object against an event value. Objects inside arrays are tried one at a
 * time, so every field of one match comes from the same array element (Ruler's
 * "array-consistent" matching). With no object there, the nested fields are all absent,
 * which `{"exists": false}` leaves still satisfy.
 */
function matchesNested(node: PatternNode, value: unknown): boolean {
  if (isJsonObject(value)) return matchesNode(node, value);
  if (Array.isArray(value)) {
    const { objects } = crush(value);
    if (objects.length > 0) return objects.some((object) => matchesNode(node, object));
  }
  return matchesNode(node, undefined);
}

/**
 * Evaluates one pattern level against one event object (`undefined` when the event has no
 * object at this path): all fields AND every `$or` group must match.
 */
export function matchesNode(
  node: PatternNode,
  object: Readonly<Record<string, unknown>> | undefined,
): boolean {
  for (const [key, condition] of node.fields) {
    const value = object === undefined ? undefined : ownField(object, key);
    const ok = condition.kind === 'leaf' ? matchesLeaf(condition, value) : matchesNested(condition, value);
    if (!ok) return false;
  }
  return node.anyOf.every((branches) => branches.some((branch) => matchesNode(branch, object)));
}

/** Matches a whole event: only a JSON object can match (EventBridge events are objects). */
export function matchesEvent(root: PatternNode, event: unknown): boolean {
  return isJsonObject(event) && matchesNode(root, event);
}
