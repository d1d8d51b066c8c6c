import { InvalidEventPatternError } from './errors';
import { childPath, indexPath, isJsonObject } from './json';
import { checkComparableOperand } from './numeric';
import { foldCase } from './strings';
import type { StringMatcher, ValueMatcher } from './types';
import { compileWildcard } from './wildcard';

type Excluded = Extract<ValueMatcher, { op: 'anything-but' }>['excluded'][number];

const NESTED = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

function listOperand(value: readonly unknown[], path: string): Excluded[] {
  const values: (string | number)[] = [];
  value.forEach((item, index) => {
    if (typeof item === 'number') checkComparableOperand(item, indexPath(path, index));
    else if (typeof item !== 'string') {
      throw new InvalidEventPatternError(
        'Inside anything-but list, only strings or numbers are supported (not null, boolean, object or array)',
        indexPath(path, index),
      );
    }
    values.push(item);
  });
  // An empty list is neither "all strings" nor "all numbers", which is how Ruler refuses it.
  const types = new Set(values.map((v) => typeof v));
  if (types.size !== 1) {
    throw new InvalidEventPatternError(
      'Inside anything-but list, either all values are number or string, mixed type is not supported',
      path,
    );
  }
  return values.map((v) => ({ op: 'equals', value: v }));
}

function nestedMatcher(op: string, text: unknown, path: string): StringMatcher {
  if (typeof text !== 'string') {
    const reason =
      op === 'equals-ignore-case'
        ? 'Inside anything-but/equals-ignore-case list, only strings are supported'
        : op === 'wildcard'
          ? 'wildcard match pattern must be a string'
          : 'prefix/suffix match pattern must be a string';
    throw new InvalidEventPatternError(reason, path);
  }
  switch (op) {
    case 'prefix':
    case 'suffix':
      // An empty affix would exclude every string; Ruler refuses it rather than guess.
      if (text === '') throw new InvalidEventPatternError('Null prefix/suffix not allowed', path);
      return { op, value: text, ignoreCase: false };
    case 'equals-ignore-case':
      return { op, value: foldCase(text) };
    default:
      return { op: 'wildcard', pattern: compileWildcard(text, path) };
  }
}

/**
 * Validates and compiles an `anything-but` operand: a string, a number, a non-empty list of
 * only strings or only numbers, or `{prefix|suffix|equals-ignore-case|wildcard: string | string[]}`.
 *
 * Matching (see match.ts) is "a present value that none of these match": exact exclusions
 * keep their JSON type, so `{"anything-but": 5}` still matches the string `"5"`, and the
 * string forms never exclude a number, boolean or null.
 *
 * @param path - location of the `anything-but` operand.
 */
export function compileAnythingBut(value: unknown, path: string): ValueMatcher {
  if (typeof value === 'string') return { op: 'anything-but', excluded: [{ op: 'equals', value }] };
  if (typeof value === 'number') {
    checkComparableOperand(value, path);
    return { op: 'anything-but', excluded: [{ op: 'equals', value }] };
  }
  if (Array.isArray(value)) return { op: 'anything-but', excluded: listOperand(value, path) };
  if (!isJsonObject(value)) {
    throw new InvalidEventPatternError(
      'Value of anything-but must be an array or single string/number value.',
      path,
    );
  }
  const keys = Object.keys(value);
  const [op] = keys;
  if (op === undefined) throw new InvalidEventPatternError('Anything-But expression name not found', path);
  if (!NESTED.has(op)) throw new InvalidEventPatternError(`Unsupported anything-but pattern: ${op}`, path);
  if (keys.length > 1) throw new InvalidEventPatternError('Only one key allowed in match expression', path);
  const operandPath = childPath(path, op);
  const operand = value[op];
  // Ruler accepts an empty list here (it then excludes nothing); so do we.
  const excluded = Array.isArray(operand)
    ? operand.map((item: unknown, index) => nestedMatcher(op, item, indexPath(operandPath, index)))
    : [nestedMatcher(op, operand, operandPath)];
  return { op: 'anything-but', excluded };
}
