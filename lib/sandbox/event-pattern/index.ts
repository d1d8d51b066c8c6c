/**
 * EventBridge event-pattern matching for the local event bus and
 * `eks-upgrade-agent events test-pattern`, following the EventBridge user guide ("Event
 * patterns", "Content filtering", "Comparison operators") and, where the guide is silent,
 * Event Ruler, the open-source engine EventBridge runs. See README.md beside this file for
 * the semantics and the choices made where the two leave a gap.
 */
import { compileRoot } from './compile';
import { InvalidEventPatternError } from './errors';
import { matchesEvent } from './match';
import { unrepresentableNumber } from './numeric';
import type { CompiledPattern } from './types';

export { InvalidEventPatternError } from './errors';
export type { CompiledPattern, PatternNode, ValueMatcher } from './types';

/**
 * Checks a pattern the way `PutRule` would.
 *
 * @param pattern - the parsed pattern (an object, as in serverless.yml or a JSON file).
 * @throws {@link InvalidEventPatternError} with the reason and JSON path of the first problem.
 */
export function validatePattern(pattern: unknown): void {
  compileRoot(pattern);
}

/**
 * Validates a pattern once and returns a reusable matcher.
 *
 * @param pattern - the parsed pattern.
 * @returns a {@link CompiledPattern}; its `matches` never throws, and is false for any event
 *   that is not a JSON object.
 * @throws {@link InvalidEventPatternError} when the pattern is invalid.
 */
export function compilePattern(pattern: unknown): CompiledPattern {
  const root = compileRoot(pattern);
  return { root, matches: (event: unknown) => matchesEvent(root, event) };
}

/**
 * Compiles a pattern given as JSON text (the form `aws events test-event-pattern` takes).
 *
 * @throws {@link InvalidEventPatternError} for malformed JSON as well as invalid patterns.
 */
export function compilePatternJson(text: string): CompiledPattern {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch (error) {
    throw new InvalidEventPatternError(
      `Pattern is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      '$',
    );
  }
  const unrepresentable = unrepresentableNumber(text);
  if (unrepresentable !== undefined) {
    throw new InvalidEventPatternError(`Cannot compare number : ${unrepresentable}`, '$');
  }
  return compilePattern(pattern);
}

/**
 * One-shot convenience: true when `event` matches `pattern`, like `aws events test-event-pattern`.
 * Prefer {@link compilePattern} when testing many events against one pattern.
 *
 * @throws {@link InvalidEventPatternError} when the pattern is invalid.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}
