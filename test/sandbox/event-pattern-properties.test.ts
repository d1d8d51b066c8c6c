import fc from 'fast-check';
import { compilePattern, InvalidEventPatternError, matchesPattern } from '../../lib/sandbox/event-pattern';

/** Property tests: invariants that must hold for every event, not just the documented examples. */

type Scalar = string | number | boolean | null;
type EventValue = Scalar | readonly EventValue[] | { readonly [key: string]: EventValue };

// Plain field names; `$or` is excluded because in a pattern it is the operator, not a field.
const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const scalar: fc.Arbitrary<Scalar> = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const { event } = fc.letrec<{ value: EventValue; event: Record<string, EventValue> }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(scalar, { maxLength: 4 }),
    fc.array(tie('event'), { maxLength: 3 }),
    tie('event'),
  ),
  event: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));

const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const isObject = (v: unknown): v is Record<string, EventValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A pattern built from an event's own leaf values (for arrays of objects, from one element). */
function selfPattern(object: Record<string, EventValue>): Record<string, unknown> | undefined {
  const pattern: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(object)) {
    if (isScalar(value)) pattern[k] = [value];
    else if (Array.isArray(value)) {
      const scalars = value.filter(isScalar);
      const firstObject = value.find(isObject);
      if (scalars.length > 0) pattern[k] = scalars;
      else if (firstObject) {
        const sub = selfPattern(firstObject);
        if (sub) pattern[k] = sub;
      }
    } else if (isObject(value)) {
      const sub = selfPattern(value);
      if (sub) pattern[k] = sub;
    }
  }
  return Object.keys(pattern).length > 0 ? pattern : undefined;
}

describe('event pattern properties', () => {
  test('a pattern built from an event’s own leaf values matches that event', () => {
    fc.assert(
      fc.property(event, (e) => {
        const pattern = selfPattern(e);
        fc.pre(pattern !== undefined);
        expect(matchesPattern(pattern, e)).toBe(true);
      }),
    );
  });

  test('validation either compiles or throws InvalidEventPatternError, for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (pattern) => {
        try {
          compilePattern(pattern);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEventPatternError);
        }
      }),
    );
  });

  test('matching never throws and returns a boolean, for any JSON event', () => {
    const compiled = compilePattern({
      a: [{ prefix: 'x' }, { numeric: ['>', 0] }, { cidr: '10.0.0.0/8' }, { wildcard: '*y*' }, null],
      b: { c: [{ exists: false }], $or: [{ d: [{ 'anything-but': ['q'] }] }, { e: [{ exists: true }] }] },
    });
    fc.assert(
      fc.property(fc.jsonValue(), (e) => {
        expect(typeof compiled.matches(e)).toBe('boolean');
      }),
    );
  });

  test('exists:true and exists:false disagree on every event', () => {
    fc.assert(
      fc.property(event, (e) => {
        expect(matchesPattern({ f: [{ exists: true }] }, e)).toBe(
          !matchesPattern({ f: [{ exists: false }] }, e),
        );
      }),
    );
  });

  const comparable = fc.oneof(fc.string(), fc.integer({ min: -5_000_000_000, max: 5_000_000_000 }));

  test('anything-but of a value never matches that value, and matches any other value', () => {
    fc.assert(
      fc.property(comparable, scalar, (excluded, other) => {
        expect(matchesPattern({ f: [{ 'anything-but': excluded }] }, { f: excluded })).toBe(false);
        expect(matchesPattern({ f: [{ 'anything-but': excluded }] }, { f: other })).toBe(other !== excluded);
      }),
    );
  });

  test('anything-but of a list never matches a listed value', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), fc.nat(), (list, i) => {
        const listed = list[i % list.length];
        expect(matchesPattern({ f: [{ 'anything-but': list }] }, { f: listed })).toBe(false);
      }),
    );
  });

  test('every prefix and suffix of a string matches it, with or without ignore-case', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(), (s, n) => {
        // Cut between code points: half a surrogate pair is not a meaningful operand.
        const points = Array.from(s);
        const cut = n % (points.length + 1);
        const head = points.slice(0, cut).join('');
        const tail = points.slice(cut).join('');
        expect(matchesPattern({ f: [{ prefix: head }] }, { f: s })).toBe(true);
        expect(matchesPattern({ f: [{ suffix: tail }] }, { f: s })).toBe(true);
        const upper = head.toUpperCase();
        expect(matchesPattern({ f: [{ prefix: { 'equals-ignore-case': upper } }] }, { f: s })).toBe(true);
        const lower = tail.toLowerCase();
        expect(matchesPattern({ f: [{ suffix: { 'equals-ignore-case': lower } }] }, { f: s })).toBe(true);
      }),
    );
  });

  test('equals-ignore-case ignores ASCII case and nothing else', () => {
    const ascii = fc.string({ unit: 'grapheme-ascii' });
    fc.assert(
      fc.property(ascii, ascii, (a, b) => {
        const expected = a.toLowerCase() === b.toLowerCase();
        expect(matchesPattern({ f: [{ 'equals-ignore-case': a }] }, { f: b })).toBe(expected);
      }),
    );
  });

  test('an escaped string as a wildcard matches exactly itself', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (s, extra) => {
        const literal = s.replace(/[\\*]/g, (ch) => `\\${ch}`);
        expect(matchesPattern({ f: [{ wildcard: literal }] }, { f: s })).toBe(true);
        expect(matchesPattern({ f: [{ wildcard: literal }] }, { f: s + extra })).toBe(false);
      }),
    );
  });

  test('wildcard agrees with an equivalent anchored regular expression', () => {
    const glob = fc
      .array(fc.constantFrom('a', 'b', '*'), { maxLength: 8 })
      .map((chars) => chars.join('').replace(/\*+/g, '*'));
    const text = fc.array(fc.constantFrom('a', 'b'), { maxLength: 10 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(glob, text, (g, t) => {
        const regex = new RegExp(`^${g.replace(/\*/g, '.*')}$`);
        expect(matchesPattern({ f: [{ wildcard: g }] }, { f: t })).toBe(regex.test(t));
      }),
    );
  });

  test('numeric ranges agree with plain comparison', () => {
    const n = fc.integer({ min: -1000, max: 1000 });
    fc.assert(
      fc.property(n, n, n, (a, b, x) => {
        fc.pre(a < b);
        expect(matchesPattern({ f: [{ numeric: ['>=', a, '<', b] }] }, { f: x })).toBe(a <= x && x < b);
        expect(matchesPattern({ f: [{ numeric: ['>', a, '<=', b] }] }, { f: x })).toBe(a < x && x <= b);
        expect(matchesPattern({ f: [{ numeric: ['=', a] }] }, { f: x })).toBe(a === x);
        expect(matchesPattern({ f: [{ numeric: ['=', a] }] }, { f: String(x) })).toBe(false);
      }),
    );
  });

  test('an IPv4 address is in a CIDR block exactly when its top mask bits agree', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const dotted = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 0xff).join('.');
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 32 }), (base, address, bits) => {
        const top = (n: number) => BigInt(n) >> BigInt(32 - bits);
        const pattern = { f: [{ cidr: `${dotted(base)}/${bits}` }] };
        expect(matchesPattern(pattern, { f: dotted(address) })).toBe(top(base) === top(address));
        expect(matchesPattern(pattern, { f: dotted(base) })).toBe(true);
      }),
    );
  });

  test('the order of values in a leaf array does not change the answer', () => {
    const values = fc.array(fc.oneof(scalar, fc.constant({ prefix: 'a' }), fc.constant({ exists: false })), {
      minLength: 1,
      maxLength: 5,
    });
    fc.assert(
      fc.property(values, scalar, (list, value) => {
        const forward = matchesPattern({ f: list }, { f: value });
        expect(matchesPattern({ f: [...list].reverse() }, { f: value })).toBe(forward);
      }),
    );
  });
});
