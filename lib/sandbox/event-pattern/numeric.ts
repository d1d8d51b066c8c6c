import { InvalidEventPatternError } from './errors';
import { describe, indexPath } from './json';
import type { NumericRange } from './types';

/**
 * Numeric matching limits. The EventBridge guide documents numeric matching as limited to
 * -5.0e9..+5.0e9, precise to six digits after the decimal point; Event Ruler (the engine
 * behind EventBridge) refuses operands outside that range, and an event number outside it is
 * not treated as numeric at all, so it never satisfies a `numeric` test. Six digits is a
 * precision, not a rule: Ruler's compiler accepts `1E-320` (aws/event-ruler
 * JsonRuleCompilerTest, in ../shared/realworld/event-ruler-cases.json); we compare exactly.
 */
export const NUMERIC_LIMIT = 5e9;

/** true when `n` is a number Event Ruler can compare: finite and inside ±5e9 (a string never is). */
export function isComparableNumber(n: unknown): n is number {
  return Number.isFinite(n) && Math.abs(n as number) <= NUMERIC_LIMIT;
}

/**
 * Checks a number used as a `numeric` bound or an `anything-but` value, the operands Ruler
 * converts to its comparable form; a literal number in a leaf array is not limited.
 */
export function checkComparableOperand(value: number, path: string): void {
  if (!isComparableNumber(value)) {
    throw new InvalidEventPatternError('Value must be between -5.0E9 and 5.0E9, inclusive', path);
  }
}

/** A JSON string (skipped whole) or a JSON number literal (group 1). */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/**
 * Finds a number literal in pattern JSON text that a double cannot hold: one that overflows
 * to infinity (`2.0e422`) or underflows to zero while written with a non-zero digit
 * (`1E-325`). Ruler refuses both; once `JSON.parse` has run, the underflow looks like a plain
 * 0, so only the text can tell.
 */
export function unrepresentableNumber(jsonText: string): string | undefined {
  for (const [, token] of jsonText.matchAll(JSON_TOKEN)) {
    if (token === undefined) continue;
    const value = Number(token);
    if (!Number.isFinite(value)) return token;
    const [mantissa] = token.split(/[eE]/) as [string];
    if (value === 0 && /[1-9]/.test(mantissa)) return token;
  }
  return undefined;
}

const OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

function operand(items: readonly unknown[], index: number, operator: string, path: string): number {
  const value = items[index];
  if (typeof value !== 'number') {
    // Ruler names "=" as "equals" in this one message; the others use the symbol.
    const name = operator === '=' ? 'equals' : operator;
    throw new InvalidEventPatternError(`Value of ${name} must be numeric`, indexPath(path, index));
  }
  checkComparableOperand(value, indexPath(path, index));
  return value;
}

function expectEnd(items: readonly unknown[], index: number, reason: string, path: string): void {
  if (items.length > index) throw new InvalidEventPatternError(reason, indexPath(path, index));
}

/**
 * Validates and compiles a `numeric` operand: `["=", x]`, `["<"|"<="|">"|">=", x]`, or a
 * lower bound followed by an upper bound (`[">", 0, "<=", 5]`). Only that order is accepted,
 * as in Ruler: a range starts with `>`/`>=` and ends with `<`/`<=`.
 *
 * @param path - location of the `numeric` array itself.
 */
export function compileNumeric(value: unknown, path: string): NumericRange {
  if (!Array.isArray(value)) throw new InvalidEventPatternError('Value of numeric must be an array.', path);
  const items: readonly unknown[] = value;
  const first = items[0];
  if (typeof first !== 'string') {
    const found = items.length === 0 ? 'empty array' : describe(first);
    throw new InvalidEventPatternError(`Invalid member in numeric match: ${found}`, indexPath(path, 0));
  }
  if (!OPERATORS.has(first)) {
    throw new InvalidEventPatternError(`Unrecognized numeric range operator: ${first}`, indexPath(path, 0));
  }
  const bound = operand(items, 1, first, path);
  if (first === '=' || first === '<' || first === '<=') {
    expectEnd(items, 2, 'Too many elements in numeric expression', path);
    if (first === '=')
      return { lower: { value: bound, inclusive: true }, upper: { value: bound, inclusive: true } };
    // Ruler builds these as [-5e9, x], which it refuses when empty.
    if (bound <= -NUMERIC_LIMIT) throw new InvalidEventPatternError('Bottom must be less than top', path);
    return { upper: { value: bound, inclusive: first === '<=' } };
  }
  const lower = { value: bound, inclusive: first === '>=' };
  if (items.length === 2) {
    if (bound >= NUMERIC_LIMIT) throw new InvalidEventPatternError('Bottom must be less than top', path);
    return { lower };
  }
  const second = items[2];
  if (typeof second !== 'string') {
    throw new InvalidEventPatternError(`Bad value in numeric range: ${describe(second)}`, indexPath(path, 2));
  }
  if (second !== '<' && second !== '<=') {
    throw new InvalidEventPatternError(`Bad numeric range operator: ${second}`, indexPath(path, 2));
  }
  const top = operand(items, 3, second, path);
  expectEnd(items, 4, 'Too many terms in numeric range expression', path);
  if (bound >= top) throw new InvalidEventPatternError('Bottom must be less than top', path);
  return { lower, upper: { value: top, inclusive: second === '<=' } };
}

/** true when `n` is a comparable number inside `range`. */
export function inNumericRange(range: NumericRange, n: unknown): boolean {
  if (!isComparableNumber(n)) return false;
  const { lower, upper } = range;
  if (lower && (lower.inclusive ? n < lower.value : n <= lower.value)) return false;
  if (upper && (upper.inclusive ? n > upper.value : n >= upper.value)) return false;
  return true;
}
