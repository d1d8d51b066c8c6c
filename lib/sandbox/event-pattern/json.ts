/** Small JSON helpers shared by validation and matching. */

/** A JSON object: not null, not an array. Class instances count too (they serialise as objects). */
export function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own-property lookup, so keys such as `constructor` or `__proto__` never reach the prototype. */
export function ownField(object: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

// A key is written `.key` when that reads unambiguously, else `["key"]` (JSON-quoted).
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Appends an object key to a JSONPath-style location (`$.detail["a.b"]`). */
export function childPath(path: string, key: string): string {
  return PLAIN_KEY.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Appends an array index to a JSONPath-style location (`$.source[0]`). */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** A short, JSON-ish rendering of an operand for error reasons. */
export function describe(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    // undefined and functions have no JSON: name their type.
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    // Cyclic or BigInt-holding values cannot come from JSON; name their type instead.
    return typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
