import type { StringMatcher } from './types';
import { matchesWildcard } from './wildcard';

/**
 * Case folding for the `equals-ignore-case` family. Upper-then-lower approximates Unicode
 * full case folding closely enough for rule operands (it maps `ß`, `SS` and `ss` together),
 * without locale sensitivity: EventBridge folds the same way in every Region. It is applied
 * one code point at a time because whole-string lowering is context-sensitive (a final `Σ`
 * becomes `ς`), which would make a folded prefix disagree with the folded full string.
 */
export function foldCase(text: string): string {
  let folded = '';
  // Twice: one round takes the capital sharp s `ẞ` only to `ß`, which the second takes to
  // `ss`, where `ß` and `SS` already are (Unicode full case folding maps all three to `ss`).
  for (const ch of text) folded += ch.toUpperCase().toLowerCase().toUpperCase().toLowerCase();
  return folded;
}

/**
 * true when a string event value satisfies a string matcher. Operands of ignore-case
 * matchers are stored already folded (see the compilers), so only the event side is folded here.
 */
export function matchesString(matcher: StringMatcher, text: string): boolean {
  switch (matcher.op) {
    case 'prefix':
      return (matcher.ignoreCase ? foldCase(text) : text).startsWith(matcher.value);
    case 'suffix':
      return (matcher.ignoreCase ? foldCase(text) : text).endsWith(matcher.value);
    case 'equals-ignore-case':
      return foldCase(text) === matcher.value;
    case 'wildcard':
      return matchesWildcard(matcher.pattern, text);
  }
}
