/**
 * The compiled form of an event pattern. Validation produces this once; matching only
 * walks it, so a rule's pattern is checked a single time however many events it sees.
 */

/** A JSON leaf value: what a pattern compares event values against. */
export type Scalar = string | number | boolean | null;

/** An inclusive/exclusive numeric interval; absent bounds are open-ended. */
export interface NumericRange {
  readonly lower?: { readonly value: number; readonly inclusive: boolean };
  readonly upper?: { readonly value: number; readonly inclusive: boolean };
}

/** An IPv4 or IPv6 block, as 128-bit-safe bigints so one comparison serves both families. */
export interface CidrBlock {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

/** A wildcard operand split at its unescaped `*`s: `a*b*c` is `['a', 'b', 'c']`. */
export interface WildcardPattern {
  readonly segments: readonly string[];
}

/** String tests that `anything-but` can negate (and that also stand alone). */
export type StringMatcher =
  | { readonly op: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly op: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly op: 'equals-ignore-case'; readonly value: string }
  | { readonly op: 'wildcard'; readonly pattern: WildcardPattern };

/** One element of a leaf array: a literal or a match expression. */
export type ValueMatcher =
  | { readonly op: 'equals'; readonly value: Scalar }
  | StringMatcher
  | { readonly op: 'numeric'; readonly range: NumericRange }
  | { readonly op: 'cidr'; readonly block: CidrBlock }
  | { readonly op: 'exists'; readonly exists: boolean }
  | {
      readonly op: 'anything-but';
      /** Matches a present value that none of these match (exact values keep their JSON type). */
      readonly excluded: readonly (
        | StringMatcher
        | { readonly op: 'equals'; readonly value: string | number }
      )[];
    };

/** A leaf array: matches when any of its matchers does (OR). */
export interface LeafCondition {
  readonly kind: 'leaf';
  readonly matchers: readonly ValueMatcher[];
}

/** An object level of a pattern: every field and every `$or` group must match (AND). */
export interface PatternNode {
  readonly kind: 'node';
  readonly fields: readonly (readonly [key: string, condition: LeafCondition | PatternNode])[];
  /** Each entry is one `$or` array; at least one of its branches must match this same event level. */
  readonly anyOf: readonly (readonly PatternNode[])[];
}

/** A validated pattern, ready to test events against. */
export interface CompiledPattern {
  /** The compiled tree, exposed for diagnostics (e.g. printing what a rule really tests). */
  readonly root: PatternNode;
  /** true when the event matches the pattern; never throws for any JSON value. */
  matches(event: unknown): boolean;
}
