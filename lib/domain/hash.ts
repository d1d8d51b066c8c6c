import { createHash } from 'node:crypto';

/** Hex SHA-256 of `text`, cut to `length` characters: stable ids for idempotency keys. */
export function shortHash(text: string, length = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * JSON with object keys sorted at every level, so equal values always serialise
 * alike (used to compare and hash Step Functions inputs).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    // Keys in code-unit order (the default sort); an undefined value is left for
    // JSON.stringify to drop, as it drops any.
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, sortKeys(record[key])]),
    );
  }
  return value;
}
