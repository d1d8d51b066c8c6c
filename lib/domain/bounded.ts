/**
 * Payloads that stay small whatever the cluster. Step Functions refuses a state over
 * 256 KB and EventBridge an event over 256 KB, and a list of findings, actions or
 * resources grows with the cluster: so a payload lists the first few, counts the
 * rest by kind, and names where the whole list is kept (the artifact store).
 */

/** Items a payload lists by name before it only counts them. */
export const LISTED_ITEMS = 10;

/** Characters of free text (an error message, a reason) a payload carries. */
export const MAX_TEXT_CHARS = 8_192;

export interface ListSummary<T> {
  /** How many items there are in all. */
  readonly total: number;
  /** The first LISTED_ITEMS items, in order. */
  readonly first: readonly T[];
  /** How many are not listed. */
  readonly omitted: number;
  /** Items per key (a severity, a code, a result), in order of first appearance. */
  readonly counts: Readonly<Record<string, number>>;
}

/** The first `listed` items and the counts of all by `keyOf`. */
export function summarise<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  listed = LISTED_ITEMS,
): ListSummary<T> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const key = keyOf(item);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const first = items.slice(0, Math.max(0, listed));
  return { total: items.length, first, omitted: items.length - first.length, counts };
}

/** "A: 3, B: 1" */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([key, n]) => `${key}: ${n}`)
    .join(', ');
}

/**
 * `text` if it fits in `max` characters; otherwise its beginning and a note of how
 * much was left out and where the whole is (`whereWhole`, e.g. an artifact key).
 */
export function boundText(text: string, whereWhole: string, max = MAX_TEXT_CHARS): string {
  if (text.length <= max) return text;
  const note = ` … (${text.length} characters in all; the whole: ${whereWhole})`;
  return `${text.slice(0, Math.max(0, max - note.length))}${note}`;
}

/**
 * Names, listed up to LISTED_ITEMS: "a, b, c" or "a, b, … and 1920 more (see KEY)";
 * `none` for an empty list.
 */
export function listNames(names: readonly string[], whereWhole: string, none = 'nothing'): string {
  if (names.length === 0) return none;
  const first = names.slice(0, LISTED_ITEMS).join(', ');
  const omitted = names.length - LISTED_ITEMS;
  return omitted > 0 ? `${first}, … and ${omitted} more (see ${whereWhole})` : first;
}
