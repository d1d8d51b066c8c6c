import { matchesPattern } from '../../lib/sandbox/event-pattern';
import { compileCidr, parseIp } from '../../lib/sandbox/event-pattern/cidr';
import { describe as describeOperand } from '../../lib/sandbox/event-pattern/json';
import { compileNumeric, inNumericRange } from '../../lib/sandbox/event-pattern/numeric';
import { foldCase } from '../../lib/sandbox/event-pattern/strings';
import { compileWildcard, matchesWildcard } from '../../lib/sandbox/event-pattern/wildcard';

describe('IP parsing', () => {
  test.each([
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['10.0.0.1', 4, 0x0a000001n],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['1::', 6, 1n << 112n],
    ['2001:db8::8a2e:370:7334', 6, 0x20010db80000000000008a2e03707334n],
    ['2001:DB8:0:0:0:0:0:1', 6, 0x20010db8000000000000000000000001n],
    // "::" may stand for a single zero group (RFC 4291 section 2.2).
    ['1:2:3:4:5:6::8', 6, 0x00010002000300040005000600000008n],
  ])('%s', (text, family, value) => {
    expect(parseIp(text)).toEqual({ family, value });
  });

  test.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '1.2.3.-4',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1::2::3',
    '::12345',
    '::ffff:1.2.3.4',
    'fe80::1%eth0',
    '1:2:3:4:5:6:7:8::1::2',
    'abcd',
    'g::1',
    '1:2:3:4:5:6:7:8::',
  ])('not an IP literal: %j', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  test('host bits in a CIDR base are ignored', () => {
    expect(compileCidr('10.0.0.77/24', '$')).toEqual({ family: 4, first: 0x0a000000n, last: 0x0a0000ffn });
    expect(compileCidr('::/0', '$')).toEqual({ family: 6, first: 0n, last: (1n << 128n) - 1n });
  });
});

describe('case folding', () => {
  test('is context-free, so a folded prefix agrees with the folded whole (final sigma)', () => {
    expect(foldCase('ΟΔΟΣ')).toBe(foldCase('οδοσ'));
    expect(foldCase('ΟΔΟΣ').startsWith(foldCase('ΟΔΟΣ'.slice(0, 4)))).toBe(true);
  });

  test('maps sharp s with SS', () => {
    expect(foldCase('Straße')).toBe(foldCase('STRASSE'));
  });

  test('maps the capital sharp s with sharp s and ss (found by the prefix/suffix property: ["ẞ",0])', () => {
    expect(foldCase('ẞ')).toBe('ss');
    expect(foldCase('STRAẞE')).toBe(foldCase('straße'));
    expect(matchesPattern({ f: [{ suffix: { 'equals-ignore-case': 'ß' } }] }, { f: 'ẞ' })).toBe(true);
  });

  test('folds to lower case, the form compiled ignore-case operands are stored in', () => {
    expect(foldCase('Straße')).toBe('strasse');
    expect(foldCase('ÀB-c1')).toBe('àb-c1');
  });
});

describe('wildcard segments', () => {
  test.each([
    ['abc', ['abc']],
    ['*', ['', '']],
    ['a*b*c', ['a', 'b', 'c']],
    ['\\*', ['*']],
    ['\\\\*', ['\\', '']],
    ['*\\**', ['', '*', '']],
  ])('%j', (operand, segments) => {
    expect(compileWildcard(operand, '$').segments).toEqual(segments);
  });

  test('a middle segment may not overlap the suffix', () => {
    const pattern = compileWildcard('a*aa*a', '$');
    expect(matchesWildcard(pattern, 'aaa')).toBe(false);
    expect(matchesWildcard(pattern, 'aaaa')).toBe(true);
  });

  test('long hostile values stay fast (no regex backtracking)', () => {
    const pattern = compileWildcard(`${'a*'.repeat(30)}b`, '$');
    const started = Date.now();
    expect(matchesWildcard(pattern, 'a'.repeat(100_000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('numeric ranges', () => {
  test('compile to bounds', () => {
    expect(compileNumeric(['>', 0, '<=', 5], '$')).toEqual({
      lower: { value: 0, inclusive: false },
      upper: { value: 5, inclusive: true },
    });
    expect(compileNumeric(['=', 3], '$')).toEqual({
      lower: { value: 3, inclusive: true },
      upper: { value: 3, inclusive: true },
    });
  });

  test('values outside ±5e9 and non-finite values never fall in a range', () => {
    const everything = compileNumeric(['>=', -5e9, '<=', 5e9], '$');
    expect([-5e9, 0, 5e9].map((n) => inNumericRange(everything, n))).toEqual([true, true, true]);
    expect(
      [-5.1e9, 5.1e9, Number.NaN, Number.POSITIVE_INFINITY].map((n) => inNumericRange(everything, n)),
    ).toEqual([false, false, false, false]);
  });
});

describe('operands named in error reasons', () => {
  test.each([
    [undefined, 'undefined'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NaN, 'NaN'],
    [5, '5'],
    ['abc', '"abc"'],
    [null, 'null'],
    [{ a: [1] }, '{"a":[1]}'],
    [() => 1, 'function'],
    [10n, 'bigint'],
  ])('%p is shown as %s', (value, shown) => {
    expect(describeOperand(value)).toBe(shown);
  });

  test('a value whose JSON is up to 60 characters is shown whole', () => {
    const text = 'x'.repeat(58); // 60 with its quotes
    expect(describeOperand(text)).toBe(`"${text}"`);
  });

  test('a longer one is cut to 57 characters and an ellipsis, 60 in all', () => {
    const shown = describeOperand('y'.repeat(59)); // 61 with its quotes
    expect(shown).toBe(`"${'y'.repeat(56)}...`);
    expect(shown).toHaveLength(60);
  });

  test('a cyclic value names its type instead of throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeOperand(cyclic)).toBe('object');
  });
});
