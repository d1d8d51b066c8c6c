import {
  compilePattern,
  compilePatternJson,
  InvalidEventPatternError,
  matchesPattern,
  validatePattern,
} from '../../lib/sandbox/event-pattern';

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

describe('arrays in events: flattened, every element tried, cycle-safe', () => {
  it.each([
    ['the first element of a nested array', { f: [['x', 'y']] }, true],
    ['the last element of a nested array', { f: [['y', 'x']] }, true],
    ['an element two arrays deep', { f: [[['y'], ['x']]] }, true],
    ['no element', { f: [['y'], ['z']] }, false],
  ])('a leaf value is found as %s', (_where, event, expected) => {
    expect(matchesPattern({ f: ['x'] }, event)).toBe(expected);
  });

  it('an array that holds itself ends the walk and still matches its elements', () => {
    const cyclic: unknown[] = ['y'];
    cyclic.push(cyclic, 'x');
    expect(matchesPattern({ f: ['x'] }, { f: cyclic })).toBe(true);
    expect(matchesPattern({ f: ['z'] }, { f: cyclic })).toBe(false);
  });

  it('an array held twice (not a cycle) is walked once, without changing the answer', () => {
    const shared = ['x'];
    expect(matchesPattern({ f: ['x'] }, { f: [shared, shared] })).toBe(true);
  });

  it('objects inside nested arrays are tried one at a time', () => {
    const event = { f: [[{ a: ['1'], b: ['2'] }], [{ a: ['3'], b: ['4'] }]] };
    expect(matchesPattern({ f: { a: ['3'], b: ['4'] } }, event)).toBe(true);
    expect(matchesPattern({ f: { a: ['1'], b: ['4'] } }, event)).toBe(false);
  });

  it('an array of scalars where an object is expected leaves nested fields absent', () => {
    expect(matchesPattern({ f: { g: [{ exists: false }] } }, { f: [1, 'two'] })).toBe(true);
    expect(matchesPattern({ f: { g: [{ exists: true }] } }, { f: [1, 'two'] })).toBe(false);
    expect(matchesPattern({ f: { g: [1] } }, { f: [1, 'two'] })).toBe(false);
  });

  it('an object at a leaf has no leaf values: exists is false, anything-but does not match', () => {
    expect(matchesPattern({ f: [{ exists: false }] }, { f: { g: 1 } })).toBe(true);
    expect(matchesPattern({ f: [{ exists: true }] }, { f: { g: 1 } })).toBe(false);
    expect(matchesPattern({ f: [{ 'anything-but': 'x' }] }, { f: { g: 1 } })).toBe(false);
    expect(matchesPattern({ f: [{ exists: true }] }, { f: [{ g: 1 }] })).toBe(false);
    expect(matchesPattern({ f: [{ exists: true }] }, { f: [{ g: 1 }, 'v'] })).toBe(true);
  });
});

describe('nesting depth guard', () => {
  /** `objects` nested objects, the innermost holding a leaf array. */
  const nested = (objects: number): Record<string, unknown> => {
    let pattern: Record<string, unknown> = { f: ['x'] };
    for (let i = 1; i < objects; i++) pattern = { f: pattern };
    return pattern;
  };
  const eventOf = (objects: number): Record<string, unknown> => {
    let event: Record<string, unknown> = { f: 'x' };
    for (let i = 1; i < objects; i++) event = { f: event };
    return event;
  };

  it('accepts 65 levels of objects (depth 64) and matches through them', () => {
    expect(matchesPattern(nested(65), eventOf(65))).toBe(true);
    expect(matchesPattern(nested(65), eventOf(64))).toBe(false);
  });

  it('refuses 66 levels, naming the limit and where it was passed', () => {
    const error = refusal(nested(66));
    expect(error.reason).toBe('Event pattern nests deeper than 64');
    expect(error.path).toBe(`$${'.f'.repeat(65)}`);
  });

  it('counts a $or branch as a level', () => {
    const inner = nested(64);
    expect(() => validatePattern({ $or: [inner, { g: ['y'] }] })).not.toThrow();
    expect(refusal({ $or: [{ f: inner }, { g: ['y'] }] }).reason).toBe('Event pattern nests deeper than 64');
  });
});

describe('prefix and suffix expressions name their own operator', () => {
  it.each([
    [{ suffix: {} }, 'Suffix expression name not found', '$.f[0].suffix'],
    [{ prefix: {} }, 'Prefix expression name not found', '$.f[0].prefix'],
    [{ suffix: { wildcard: 'a*' } }, 'Unsupported suffix pattern: wildcard', '$.f[0].suffix'],
    [{ suffix: 5 }, 'suffix match pattern must be a string', '$.f[0].suffix'],
    [
      { prefix: { 'equals-ignore-case': 'a', x: 1 } },
      'Only one key allowed in match expression',
      '$.f[0].prefix',
    ],
    [
      { suffix: { 'equals-ignore-case': 7 } },
      'equals-ignore-case match pattern must be a string',
      '$.f[0].suffix.equals-ignore-case',
    ],
  ])('%j is refused: %s', (expression, reason, path) => {
    const error = refusal({ f: [expression] });
    expect([error.reason, error.path]).toEqual([reason, path]);
  });

  it('ignore-case suffix and prefix fold the event side only', () => {
    expect(matchesPattern({ f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { f: 'A.png' })).toBe(true);
    expect(matchesPattern({ f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { f: 'A.pnj' })).toBe(false);
    expect(matchesPattern({ f: [{ prefix: { 'equals-ignore-case': 'ROLL' } }] }, { f: 'rollback' })).toBe(
      true,
    );
    expect(matchesPattern({ f: [{ suffix: '.PNG' }] }, { f: 'A.png' })).toBe(false);
  });
});

describe('values JSON cannot hold, in events built in code', () => {
  it('undefined beside an object in an array is no object: the object alone decides', () => {
    const pattern = { f: { g: [{ exists: false }] } };
    expect(matchesPattern(pattern, { f: [{ g: 1 }, undefined] })).toBe(false);
    expect(matchesPattern(pattern, { f: [{ h: 1 }, undefined] })).toBe(true);
  });
});

describe('numeric matching', () => {
  it('matches numbers only, never a string that reads as one', () => {
    expect(matchesPattern({ f: [{ numeric: ['>', 0] }] }, { f: '5' })).toBe(false);
    expect(matchesPattern({ f: [{ numeric: ['>', 0] }] }, { f: 5 })).toBe(true);
  });

  it('a lone lower bound bounds', () => {
    const pattern = { f: [{ numeric: ['>', 5] }] };
    expect([4, 5, 5.5, 6].map((n) => matchesPattern(pattern, { f: n }))).toEqual([false, false, true, true]);
  });

  it.each([
    ['<', -5e9],
    ['<=', -5e9],
  ])('%s the minimum is an empty range', (op, bound) => {
    const error = refusal({ f: [{ numeric: [op, bound] }] });
    expect([error.reason, error.path]).toEqual(['Bottom must be less than top', '$.f[0].numeric']);
  });

  it('< just above the minimum is a range', () => {
    expect(() => validatePattern({ f: [{ numeric: ['<', -4_999_999_999] }] })).not.toThrow();
  });
});

describe('number literals only the text can judge, tokenised whole', () => {
  const judged = (text: string) => {
    try {
      compilePatternJson(text);
      return 'accepted';
    } catch (error) {
      return (error as InvalidEventPatternError).reason;
    }
  };

  it.each([
    ['a two-digit mantissa that underflows', '{"f":[10E-400]}', 'Cannot compare number : 10E-400'],
    [
      'a long integer that overflows',
      `{"f":[1${'0'.repeat(400)}]}`,
      `Cannot compare number : 1${'0'.repeat(400)}`,
    ],
    ['a large finite double with decimals', '{"f":[1.25e308]}', 'accepted'],
    ['a number inside a string with an escaped quote', '{"f":["\\"1e999"]}', 'accepted'],
  ])('%s', (_what, text, verdict) => {
    expect(judged(text)).toBe(verdict);
  });

  it('reasons about the whole text name the root', () => {
    expect(() => compilePatternJson('{"f":[10E-400]}')).toThrow(expect.objectContaining({ path: '$' }));
    expect(() => compilePatternJson('{"f":')).toThrow(expect.objectContaining({ path: '$' }));
  });
});

describe('the compiled pattern', () => {
  it('is a node of fields and $or groups', () => {
    const { root } = compilePattern({ f: ['x'], $or: [{ g: ['y'] }, { h: ['z'] }] });
    expect(root.kind).toBe('node');
    expect(root.fields.map(([name]) => name)).toEqual(['f']);
    expect(root.anyOf).toHaveLength(1);
    expect(root.anyOf[0]?.every((branch) => branch.kind === 'node')).toBe(true);
  });
});
