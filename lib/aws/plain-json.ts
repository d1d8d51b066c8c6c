/**
 * SDK outputs hold Date objects and undefined members; snapshots, events and
 * Step Functions payloads are JSON. This turns one into the other: dates become
 * ISO 8601 strings, undefined members disappear, everything else is kept.
 */
export function toPlainJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
      if (member !== undefined) out[key] = toPlainJson(member);
    }
    return out;
  }
  return value;
}

/** A date from an SDK output as ISO 8601, or undefined. */
export function isoDate(value: Date | undefined): string | undefined {
  return value === undefined ? undefined : value.toISOString();
}
