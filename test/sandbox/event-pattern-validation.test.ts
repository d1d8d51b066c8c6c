import {
  compilePattern,
  compilePatternJson,
  InvalidEventPatternError,
  validatePattern,
} from '../../lib/sandbox/event-pattern';

/**
 * Invalid patterns and the reason each is refused. Reasons follow Event Ruler's wording (the
 * text EventBridge returns after "Event pattern is not valid. Reason:") where it has one.
 */
type Invalid = readonly [name: string, pattern: unknown, reason: string | RegExp, path: string];

const leaf = (expression: unknown) => ({ f: [expression] });

const invalid: readonly Invalid[] = [
  // Shape of the pattern itself.
  ['a string is not a pattern', 'source', 'Filter is not an object', '$'],
  ['an array is not a pattern', [{ source: ['x'] }], 'Filter is not an object', '$'],
  ['null is not a pattern', null, 'Filter is not an object', '$'],
  ['empty pattern', {}, 'Empty objects are not allowed', '$'],
  ['empty nested object', { detail: {} }, 'Empty objects are not allowed', '$.detail'],
  ['bare string leaf', { source: 'aws.ec2' }, '"source" must be an object or an array', '$.source'],
  ['bare number leaf', { detail: { n: 5 } }, '"n" must be an object or an array', '$.detail.n'],
  ['bare null leaf', { n: null }, '"n" must be an object or an array', '$.n'],
  ['bare boolean leaf', { n: true }, '"n" must be an object or an array', '$.n'],
  ['empty leaf array', { source: [] }, 'Empty arrays are not allowed', '$.source'],
  [
    'nested array in a leaf',
    { source: [['x']] },
    'Match value must be String, number, true, false, or null',
    '$.source[0]',
  ],
  [
    'undefined in a leaf',
    { source: [undefined] },
    'Match value must be String, number, true, false, or null',
    '$.source[0]',
  ],
  ['NaN in a leaf', { n: [Number.NaN] }, 'Match value must be a finite number', '$.n[0]'],
  [
    'quoted key in path',
    { 'detail-type': 'x' },
    '"detail-type" must be an object or an array',
    '$.detail-type',
  ],
  ['odd key in path', { 'a.b': 'x' }, '"a.b" must be an object or an array', '$["a.b"]'],
  // Match expressions.
  ['empty expression', leaf({}), 'Match expression name not found', '$.f[0]'],
  ['unknown operator', leaf({ contains: 'x' }), 'Unrecognized match type contains', '$.f[0].contains'],
  ['undocumented exactly', leaf({ exactly: 'x' }), 'Unrecognized match type exactly', '$.f[0].exactly'],
  [
    'prototype name is not an operator',
    leaf({ toString: 'x' }),
    'Unrecognized match type toString',
    '$.f[0].toString',
  ],
  [
    'two operators in one object',
    leaf({ prefix: 'a', suffix: 'b' }),
    'Only one key allowed in match expression',
    '$.f[0]',
  ],
  // prefix / suffix / equals-ignore-case.
  ['prefix number', leaf({ prefix: 5 }), 'prefix match pattern must be a string', '$.f[0].prefix'],
  ['prefix null', leaf({ prefix: null }), 'prefix match pattern must be a string', '$.f[0].prefix'],
  ['prefix list', leaf({ prefix: ['a'] }), 'prefix match pattern must be a string', '$.f[0].prefix'],
  ['prefix empty object', leaf({ prefix: {} }), 'Prefix expression name not found', '$.f[0].prefix'],
  [
    'prefix unsupported nesting',
    leaf({ prefix: { wildcard: 'a' } }),
    'Unsupported prefix pattern: wildcard',
    '$.f[0].prefix',
  ],
  [
    'prefix ignore-case number',
    leaf({ prefix: { 'equals-ignore-case': 1 } }),
    'equals-ignore-case match pattern must be a string',
    '$.f[0].prefix.equals-ignore-case',
  ],
  ['suffix boolean', leaf({ suffix: true }), 'suffix match pattern must be a string', '$.f[0].suffix'],
  [
    'suffix unsupported nesting',
    leaf({ suffix: { prefix: 'a' } }),
    'Unsupported suffix pattern: prefix',
    '$.f[0].suffix',
  ],
  [
    'equals-ignore-case list',
    leaf({ 'equals-ignore-case': ['a'] }),
    'equals-ignore-case match pattern must be a string',
    '$.f[0].equals-ignore-case',
  ],
  // wildcard.
  ['wildcard number', leaf({ wildcard: 5 }), 'wildcard match pattern must be a string', '$.f[0].wildcard'],
  [
    'consecutive wildcards',
    leaf({ wildcard: 'a**b' }),
    'Consecutive wildcard characters at pos 2',
    '$.f[0].wildcard',
  ],
  [
    'escape of another character',
    leaf({ wildcard: 'a\\b' }),
    'Invalid escape character at pos 2',
    '$.f[0].wildcard',
  ],
  ['trailing backslash', leaf({ wildcard: 'ab\\' }), 'Invalid escape character at pos 3', '$.f[0].wildcard'],
  // numeric.
  ['numeric not an array', leaf({ numeric: '>5' }), 'Value of numeric must be an array.', '$.f[0].numeric'],
  [
    'numeric empty',
    leaf({ numeric: [] }),
    'Invalid member in numeric match: empty array',
    '$.f[0].numeric[0]',
  ],
  [
    'numeric without operator',
    leaf({ numeric: [5] }),
    'Invalid member in numeric match: 5',
    '$.f[0].numeric[0]',
  ],
  [
    'numeric unknown operator',
    leaf({ numeric: ['!=', 5] }),
    'Unrecognized numeric range operator: !=',
    '$.f[0].numeric[0]',
  ],
  [
    'numeric string operand',
    leaf({ numeric: ['>', '5'] }),
    'Value of > must be numeric',
    '$.f[0].numeric[1]',
  ],
  ['numeric missing operand', leaf({ numeric: ['<='] }), 'Value of <= must be numeric', '$.f[0].numeric[1]'],
  [
    'numeric = non-number',
    leaf({ numeric: ['=', null] }),
    'Value of equals must be numeric',
    '$.f[0].numeric[1]',
  ],
  [
    'numeric = with extra',
    leaf({ numeric: ['=', 5, 6] }),
    'Too many elements in numeric expression',
    '$.f[0].numeric[2]',
  ],
  [
    'numeric range in the wrong order',
    leaf({ numeric: ['<', 5, '>', 1] }),
    'Too many elements in numeric expression',
    '$.f[0].numeric[2]',
  ],
  [
    'numeric two lower bounds',
    leaf({ numeric: ['>', 0, '>=', 5] }),
    'Bad numeric range operator: >=',
    '$.f[0].numeric[2]',
  ],
  [
    'numeric range missing operator',
    leaf({ numeric: ['>', 0, 5] }),
    'Bad value in numeric range: 5',
    '$.f[0].numeric[2]',
  ],
  [
    'numeric range non-number top',
    leaf({ numeric: ['>', 0, '<', 'x'] }),
    'Value of < must be numeric',
    '$.f[0].numeric[3]',
  ],
  [
    'numeric range extra term',
    leaf({ numeric: ['>', 0, '<', 5, 6] }),
    'Too many terms in numeric range expression',
    '$.f[0].numeric[4]',
  ],
  [
    'numeric inverted range',
    leaf({ numeric: ['>', 10, '<', 5] }),
    'Bottom must be less than top',
    '$.f[0].numeric',
  ],
  [
    'numeric empty range',
    leaf({ numeric: ['>=', 5, '<=', 5] }),
    'Bottom must be less than top',
    '$.f[0].numeric',
  ],
  [
    'numeric beyond 5e9',
    leaf({ numeric: ['>', -6e9] }),
    'Value must be between -5.0E9 and 5.0E9, inclusive',
    '$.f[0].numeric[1]',
  ],
  ['numeric > the maximum', leaf({ numeric: ['>', 5e9] }), 'Bottom must be less than top', '$.f[0].numeric'],
  // exists.
  [
    'exists string',
    leaf({ exists: 'true' }),
    'exists match pattern must be either true or false.',
    '$.f[0].exists',
  ],
  [
    'exists number',
    leaf({ exists: 1 }),
    'exists match pattern must be either true or false.',
    '$.f[0].exists',
  ],
  [
    'exists null',
    leaf({ exists: null }),
    'exists match pattern must be either true or false.',
    '$.f[0].exists',
  ],
  // cidr.
  ['cidr number', leaf({ cidr: 10 }), 'cidr match pattern must be a string', '$.f[0].cidr'],
  ['cidr without mask', leaf({ cidr: '10.0.0.0' }), "Malformed CIDR, one '/' required", '$.f[0].cidr'],
  ['cidr two masks', leaf({ cidr: '10.0.0.0/8/8' }), "Malformed CIDR, one '/' required", '$.f[0].cidr'],
  [
    'cidr mask not a number',
    leaf({ cidr: '10.0.0.0/x' }),
    'Malformed CIDR, mask bits must be an integer',
    '$.f[0].cidr',
  ],
  [
    'cidr mask with a tail',
    leaf({ cidr: '10.0.0.0/24x' }),
    'Malformed CIDR, mask bits must be an integer',
    '$.f[0].cidr',
  ],
  [
    'cidr negative mask',
    leaf({ cidr: '10.0.0.0/-1' }),
    'Malformed CIDR, mask bits must be an integer',
    '$.f[0].cidr',
  ],
  ['cidr bad octet', leaf({ cidr: '10.0.0.256/24' }), 'Invalid IP address: 10.0.0.256', '$.f[0].cidr'],
  ['cidr hostname', leaf({ cidr: 'example.com/24' }), 'Invalid IP address: example.com', '$.f[0].cidr'],
  ['cidr IPv4 mask too wide', leaf({ cidr: '10.0.0.0/33' }), 'IPv4 mask bits must be <= 32', '$.f[0].cidr'],
  [
    'cidr IPv6 mask too wide',
    leaf({ cidr: '2001:db8::/129' }),
    'IPv6 mask bits must be <= 128',
    '$.f[0].cidr',
  ],
  ['cidr IPv6 two ::', leaf({ cidr: '2001::db8::/64' }), 'Invalid IP address: 2001::db8::', '$.f[0].cidr'],
  // anything-but.
  [
    'anything-but null',
    leaf({ 'anything-but': null }),
    /must be an array or single string\/number value/,
    '$.f[0].anything-but',
  ],
  [
    'anything-but boolean',
    leaf({ 'anything-but': true }),
    /must be an array or single string\/number value/,
    '$.f[0].anything-but',
  ],
  [
    'anything-but empty list',
    leaf({ 'anything-but': [] }),
    /either all values are number or string/,
    '$.f[0].anything-but',
  ],
  [
    'anything-but mixed list',
    leaf({ 'anything-but': ['a', 1] }),
    /either all values are number or string/,
    '$.f[0].anything-but',
  ],
  [
    'anything-but null in list',
    leaf({ 'anything-but': ['a', null] }),
    /only strings or numbers/,
    '$.f[0].anything-but[1]',
  ],
  [
    'anything-but number beyond 5e9',
    leaf({ 'anything-but': [1, 7e9] }),
    /between -5.0E9 and 5.0E9/,
    '$.f[0].anything-but[1]',
  ],
  [
    'anything-but empty object',
    leaf({ 'anything-but': {} }),
    'Anything-But expression name not found',
    '$.f[0].anything-but',
  ],
  [
    'anything-but numeric',
    leaf({ 'anything-but': { numeric: ['>', 1] } }),
    'Unsupported anything-but pattern: numeric',
    '$.f[0].anything-but',
  ],
  [
    'anything-but exists',
    leaf({ 'anything-but': { exists: true } }),
    'Unsupported anything-but pattern: exists',
    '$.f[0].anything-but',
  ],
  [
    'anything-but two keys',
    leaf({ 'anything-but': { prefix: 'a', suffix: 'b' } }),
    'Only one key allowed in match expression',
    '$.f[0].anything-but',
  ],
  [
    'anything-but empty prefix',
    leaf({ 'anything-but': { prefix: '' } }),
    'Null prefix/suffix not allowed',
    '$.f[0].anything-but.prefix',
  ],
  [
    'anything-but empty suffix in list',
    leaf({ 'anything-but': { suffix: ['.a', ''] } }),
    'Null prefix/suffix not allowed',
    '$.f[0].anything-but.suffix[1]',
  ],
  [
    'anything-but prefix number',
    leaf({ 'anything-but': { prefix: 5 } }),
    'prefix/suffix match pattern must be a string',
    '$.f[0].anything-but.prefix',
  ],
  [
    'anything-but wildcard number',
    leaf({ 'anything-but': { wildcard: 5 } }),
    'wildcard match pattern must be a string',
    '$.f[0].anything-but.wildcard',
  ],
  [
    'anything-but bad wildcard',
    leaf({ 'anything-but': { wildcard: '**' } }),
    'Consecutive wildcard characters at pos 1',
    '$.f[0].anything-but.wildcard',
  ],
  [
    'anything-but ignore-case number',
    leaf({ 'anything-but': { 'equals-ignore-case': [1] } }),
    /equals-ignore-case list, only strings/,
    '$.f[0].anything-but.equals-ignore-case[0]',
  ],
  // $or.
  ['$or object', { $or: { a: ['x'] } }, '$or must be an array of at least 2 objects', '$.$or'],
  ['$or one branch', { $or: [{ a: ['x'] }] }, 'There must be at least 2 objects in a $or array', '$.$or'],
  ['$or empty', { $or: [] }, 'There must be at least 2 objects in a $or array', '$.$or'],
  [
    '$or non-object branch',
    { $or: [{ a: ['x'] }, ['b']] },
    'Only JSON objects are allowed in a $or array',
    '$.$or[1]',
  ],
  ['$or empty branch', { $or: [{ a: ['x'] }, {}] }, 'Empty objects are not allowed', '$.$or[1]'],
  [
    '$or invalid leaf in a branch',
    { $or: [{ a: ['x'] }, { b: 'y' }] },
    '"b" must be an object or an array',
    '$.$or[1].b',
  ],
  [
    '$or operator written as a field',
    { $or: [{ prefix: ['x'] }, { b: ['y'] }] },
    'prefix is a reserved name and cannot be a field name inside $or',
    '$.$or[0].prefix',
  ],
  [
    '$or reserved name deeper in a branch',
    { $or: [{ a: { numeric: ['>', 1] } }, { b: ['y'] }] },
    'numeric is a reserved name and cannot be a field name inside $or',
    '$.$or[0].a.numeric',
  ],
  [
    'nested $or with one branch',
    { $or: [{ a: ['x'] }, { $or: [{ b: ['y'] }] }] },
    'There must be at least 2 objects in a $or array',
    '$.$or[1].$or',
  ],
];

describe('invalid event patterns', () => {
  test.each(invalid.map(([name, pattern, reason, path]) => ({ name, pattern, reason, path })))(
    '$name',
    ({ pattern, reason, path }) => {
      let caught: unknown;
      try {
        validatePattern(pattern);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidEventPatternError);
      expect(caught).toMatchObject({
        reason: typeof reason === 'string' ? reason : expect.stringMatching(reason),
        path,
        message: expect.stringContaining('Event pattern is not valid. Reason: '),
      });
    },
  );

  test('a pathologically deep pattern is refused, not a stack overflow', () => {
    let deep: Record<string, unknown> = { leaf: ['x'] };
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    expect(() => validatePattern(deep)).toThrow(/nests deeper than/);
  });

  test('a cyclic pattern built in code is refused', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => validatePattern(cyclic)).toThrow(InvalidEventPatternError);
  });
});

describe('valid though unusual patterns', () => {
  test.each([
    ['operator names are ordinary field names outside $or', { prefix: ['x'], numeric: { exists: [true] } }],
    ['empty prefix and suffix', { f: [{ prefix: '' }, { suffix: '' }] }],
    ['anything-but with an empty nested list excludes nothing', { f: [{ 'anything-but': { prefix: [] } }] }],
    ['numeric at the limits', { f: [{ numeric: ['>=', -5e9, '<=', 5e9] }] }],
    ['six decimals', { f: [{ numeric: ['=', 0.123456] }] }],
    // Six digits is EventBridge's precision, not a rule: Ruler's compiler takes 1E-320.
    ['seven decimals', { f: [{ numeric: ['=', 0.1234567] }] }],
    ['a subnormal operand', { f: [{ numeric: ['<', 1e-320] }] }],
    ['a literal number beyond 5e9 (e.g. an account id)', { account: [123456789012] }],
    ['wildcard of only a star', { f: [{ wildcard: '*' }] }],
    ['wildcard with escapes', { f: [{ wildcard: '\\*\\\\*' }] }],
    ['cidr /0 and /32', { f: [{ cidr: '0.0.0.0/0' }, { cidr: '10.1.2.3/32' }] }],
    ['cidr IPv6 /128', { f: [{ cidr: '::1/128' }] }],
    [
      '$or nested three deep',
      { $or: [{ a: ['1'] }, { $or: [{ b: ['2'] }, { $or: [{ c: ['3'] }, { d: ['4'] }] }] }] },
    ],
    [
      '$or beside fields at several levels',
      { a: ['1'], $or: [{ b: ['2'] }, { c: ['3'] }], d: { $or: [{ e: ['5'] }, { f: ['6'] }] } },
    ],
  ])('%s', (_name, pattern) => {
    expect(() => compilePattern(pattern)).not.toThrow();
  });

  test('anything-but with an empty nested list still needs a present value', () => {
    const compiled = compilePattern({ f: [{ 'anything-but': { suffix: [] } }] });
    expect(compiled.matches({ f: 'anything' })).toBe(true);
    expect(compiled.matches({})).toBe(false);
  });
});

describe('number literals only the pattern text can judge', () => {
  test.each([
    ['underflows to zero', '{"f":[{"numeric":["=",1E-325]}]}', '1E-325'],
    ['negative underflow', '{"f":[{"numeric":[">",-2.5e-400]}]}', '-2.5e-400'],
    ['overflows to infinity', '{"f":[{"numeric":["<",2.0e422]}]}', '2.0e422'],
  ])('%s is refused', (_name, text, literal) => {
    expect(() => compilePatternJson(text)).toThrow(`Cannot compare number : ${literal}`);
  });

  test.each([
    ['zero written as 0.000e-999', '{"f":[{"numeric":["=",0.000e-999]}]}'],
    ['a digit-bearing string is not a number', '{"f":["1E-325"]}'],
    ['an escaped quote inside a string', '{"f":["a\\"1E-999"]}'],
  ])('%s is accepted', (_name, text) => {
    expect(() => compilePatternJson(text)).not.toThrow();
  });
});
