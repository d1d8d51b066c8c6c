import { InvalidEventPatternError } from './errors';
import type { WildcardPattern } from './types';

/**
 * Validates and compiles a `wildcard` operand. `*` matches any run of characters (including
 * none); `\*` is a literal asterisk and `\\` a literal backslash. Per the EventBridge guide
 * and Event Ruler, two consecutive unescaped `*` are refused, as is a backslash before any
 * other character (or at the end).
 *
 * Positions in reasons are 1-based within the operand, which is where Ruler's positions
 * land too (it counts from the opening quote of the JSON string).
 *
 * @param path - location of the operand, for error reasons.
 */
export function compileWildcard(value: unknown, path: string): WildcardPattern {
  if (typeof value !== 'string')
    throw new InvalidEventPatternError('wildcard match pattern must be a string', path);
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError(`Invalid escape character at pos ${i + 1}`, path);
      }
      current += next;
      i++;
    } else if (ch === '*') {
      if (value[i + 1] === '*') {
        throw new InvalidEventPatternError(`Consecutive wildcard characters at pos ${i + 1}`, path);
      }
      segments.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return { segments };
}

/**
 * true when `text` matches the pattern. Greedy leftmost placement of each middle segment is
 * optimal for `*`-only globs, so this is linear-ish and, unlike a regex, cannot backtrack
 * catastrophically on hostile event values.
 */
export function matchesWildcard(pattern: WildcardPattern, text: string): boolean {
  const { segments } = pattern;
  // Stryker disable next-line StringLiteral: equivalent, compileWildcard always yields a segment; the fallback only satisfies noUncheckedIndexedAccess
  const first = segments[0] ?? '';
  if (segments.length === 1) return text === first;
  // Stryker disable next-line StringLiteral: equivalent, reached with two or more segments only; the fallback only satisfies noUncheckedIndexedAccess
  const last = segments[segments.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last))
    return false;
  let from = first.length;
  const end = text.length - last.length;
  for (const segment of segments.slice(1, -1)) {
    const at = text.indexOf(segment, from);
    if (at < 0 || at + segment.length > end) return false;
    from = at + segment.length;
  }
  return true;
}
