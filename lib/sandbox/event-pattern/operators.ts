import { compileAnythingBut } from './anything-but';
import { compileCidr } from './cidr';
import { InvalidEventPatternError } from './errors';
import { childPath, isJsonObject } from './json';
import { compileNumeric } from './numeric';
import { foldCase } from './strings';
import type { ValueMatcher } from './types';
import { compileWildcard } from './wildcard';

/**
 * `prefix` / `suffix`: a string, or `{"equals-ignore-case": string}` for the case-insensitive
 * form. An empty string is allowed (Ruler accepts it): it matches every string value.
 */
function compileAffix(op: 'prefix' | 'suffix', value: unknown, path: string): ValueMatcher {
  if (typeof value === 'string') return { op, value, ignoreCase: false };
  if (!isJsonObject(value)) throw new InvalidEventPatternError(`${op} match pattern must be a string`, path);
  const keys = Object.keys(value);
  const [inner] = keys;
  const title = op === 'prefix' ? 'Prefix' : 'Suffix';
  if (inner === undefined) throw new InvalidEventPatternError(`${title} expression name not found`, path);
  if (inner !== 'equals-ignore-case')
    throw new InvalidEventPatternError(`Unsupported ${op} pattern: ${inner}`, path);
  if (keys.length > 1) throw new InvalidEventPatternError('Only one key allowed in match expression', path);
  const text = value[inner];
  if (typeof text !== 'string') {
    throw new InvalidEventPatternError(
      'equals-ignore-case match pattern must be a string',
      childPath(path, inner),
    );
  }
  return { op, value: foldCase(text), ignoreCase: true };
}

type Compiler = (operand: unknown, path: string) => ValueMatcher;

/** The documented match expressions, keyed by operator name. */
const COMPILERS: Readonly<Record<string, Compiler>> = {
  prefix: (operand, path) => compileAffix('prefix', operand, path),
  suffix: (operand, path) => compileAffix('suffix', operand, path),
  'equals-ignore-case': (operand, path) => {
    if (typeof operand !== 'string') {
      throw new InvalidEventPatternError('equals-ignore-case match pattern must be a string', path);
    }
    return { op: 'equals-ignore-case', value: foldCase(operand) };
  },
  wildcard: (operand, path) => ({ op: 'wildcard', pattern: compileWildcard(operand, path) }),
  numeric: (operand, path) => ({ op: 'numeric', range: compileNumeric(operand, path) }),
  cidr: (operand, path) => ({ op: 'cidr', block: compileCidr(operand, path) }),
  exists: (operand, path) => {
    if (typeof operand !== 'boolean') {
      throw new InvalidEventPatternError('exists match pattern must be either true or false.', path);
    }
    return { op: 'exists', exists: operand };
  },
  'anything-but': compileAnythingBut,
};

/**
 * Validates and compiles one match expression (an object inside a leaf array), e.g.
 * `{"prefix": "rollback."}`. Exactly one known operator is allowed per object.
 *
 * @param path - location of the expression object.
 */
export function compileMatchExpression(
  expression: Readonly<Record<string, unknown>>,
  path: string,
): ValueMatcher {
  const keys = Object.keys(expression);
  const [name] = keys;
  if (name === undefined) throw new InvalidEventPatternError('Match expression name not found', path);
  // Own-property check: `toString` or `constructor` must not resolve to Object.prototype.
  const compiler = Object.hasOwn(COMPILERS, name) ? COMPILERS[name] : undefined;
  if (!compiler) throw new InvalidEventPatternError(`Unrecognized match type ${name}`, childPath(path, name));
  if (keys.length > 1) throw new InvalidEventPatternError('Only one key allowed in match expression', path);
  return compiler(expression[name], childPath(path, name));
}
