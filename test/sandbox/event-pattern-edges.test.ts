import { InvalidEventPatternError, matchesPattern, validatePattern } from '../../lib/sandbox/event-pattern';

/**
 * Edges the operator tables left open, found by mutation testing: where a looser
 * implementation would still pass every documented example.
 */
const v = (value: unknown) => ({ f: value });

function refusal(pattern: unknown): InvalidEventPatternError {
  try {
    validatePattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error;
    throw error;
  }
  throw new Error('expected the pattern to be refused');
}

describe('wildcard segments may not overlap', () => {
  it.each([
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['ab*ba', 'abxba', true],
    ['a*bc*c', 'abc', false],
    ['a*bc*c', 'abcc', true],
    ['a*b*c', 'acb', false],
    ['*ab*', 'ab', true],
    ['*', '', true],
    ['a*', 'a', true],
  ])('%s against %j is %s', (wildcard, text, expected) => {
    expect(matchesPattern({ f: [{ wildcard }] }, v(text))).toBe(expected);
  });
});

describe('anything-but with affixes keeps their case', () => {
  it('an upper-case prefix excludes values with that prefix, and only those', () => {
    const pattern = { f: [{ 'anything-but': { prefix: 'Init' } }] };
    expect(matchesPattern(pattern, v('Initializing'))).toBe(false);
    expect(matchesPattern(pattern, v('initializing'))).toBe(true);
    expect(matchesPattern(pattern, v('INITIALIZING'))).toBe(true);
    expect(matchesPattern(pattern, v('Running'))).toBe(true);
  });

  it('an upper-case suffix excludes values with that suffix, and only those', () => {
    const pattern = { f: [{ 'anything-but': { suffix: '.PNG' } }] };
    expect(matchesPattern(pattern, v('photo.PNG'))).toBe(false);
    expect(matchesPattern(pattern, v('photo.png'))).toBe(true);
  });

  it('equals-ignore-case exclusions fold both sides', () => {
    const pattern = { f: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'FAILED'] } }] };
    expect(matchesPattern(pattern, v('STOPPED'))).toBe(false);
    expect(matchesPattern(pattern, v('failed'))).toBe(false);
    expect(matchesPattern(pattern, v('running'))).toBe(true);
  });

  it('a wildcard exclusion excludes matches only', () => {
    const pattern = { f: [{ 'anything-but': { wildcard: ['*.tmp', 'cache/*'] } }] };
    expect(matchesPattern(pattern, v('a.tmp'))).toBe(false);
    expect(matchesPattern(pattern, v('cache/x'))).toBe(false);
    expect(matchesPattern(pattern, v('a.txt'))).toBe(true);
  });

  it('an empty exclusion list excludes nothing', () => {
    expect(matchesPattern({ f: [{ 'anything-but': { prefix: [] } }] }, v('anything'))).toBe(true);
  });
});

describe('names reserved inside $or', () => {
  const reserved = [
    'exactly',
    'equals-ignore-case',
    'prefix',
    'suffix',
    'anything-but',
    'exists',
    'wildcard',
    'numeric',
    'cidr',
    '=',
    '<',
    '<=',
    '>',
    '>=',
    'regex',
    'not-wildcard',
    'not-equals-ignore-case',
    'date-after',
    'date-on-or-after',
    'date-before',
    'date-on-or-before',
    'in-date-range',
    'ip-address-in-range',
    'ip-address-not-in-range',
  ];

  it('are the 24 names Event Ruler reserves', () => {
    expect(new Set(reserved).size).toBe(24);
  });

  it.each(reserved)('%s is refused as a field name inside a $or branch, naming it', (name) => {
    const error = refusal({ $or: [{ [name]: ['x'] }, { other: ['y'] }] });
    expect(error.reason).toBe(`${name} is a reserved name and cannot be a field name inside $or`);
    expect(error.path).toBe(/^[a-z]/.test(name) ? `$.$or[0].${name}` : `$.$or[0]["${name}"]`);
  });

  it.each(reserved)('%s is refused deeper inside a $or branch too', (name) => {
    const error = refusal({ $or: [{ detail: { [name]: ['x'] } }, { other: ['y'] }] });
    expect(error.reason).toBe(`${name} is a reserved name and cannot be a field name inside $or`);
  });

  it.each(reserved)('%s is an ordinary field name outside $or', (name) => {
    expect(matchesPattern({ [name]: ['x'] }, { [name]: 'x' })).toBe(true);
  });

  it('a name that merely resembles a reserved one is allowed inside $or', () => {
    for (const name of ['Prefix', 'prefix ', 'numerics', 'cidr-block', 'ip-address']) {
      expect(() => validatePattern({ $or: [{ [name]: ['x'] }, { other: ['y'] }] })).not.toThrow();
    }
  });
});
