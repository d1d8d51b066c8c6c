import { matchesPattern } from '../../lib/sandbox/event-pattern';

/**
 * Documented comparison operators, one table per operator, each with matching and
 * non-matching events. Sources: the EventBridge user guide pages "Comparison operators"
 * (eb-create-pattern-operators) and "Content filtering" (eb-event-patterns-content-based-filtering);
 * the event-ruler README where the guide is silent (marked "ruler").
 */
type Row = readonly [name: string, event: unknown, expected: boolean];

function table(title: string, pattern: unknown, rows: readonly Row[]): void {
  describe(`${title}: ${JSON.stringify(pattern)}`, () => {
    test.each(rows.map(([name, event, expected]) => ({ name, event, expected })))(
      '$name',
      ({ event, expected }) => {
        expect(matchesPattern(pattern, event)).toBe(expected);
      },
    );
  });
}

const v = (value: unknown) => ({ f: value });
const none = {};

table('prefix', { f: [{ prefix: '2017-10-02' }] }, [
  ['starts with', v('2017-10-02T18:43:48Z'), true],
  ['does not start with', v('2017-10-03T00:00:00Z'), false],
  ['case-sensitive', v('2017-10-02'.toUpperCase()), true],
  ['numbers are not strings (ruler: string-valued fields only)', v(20171002), false],
  ['any element of an array', v(['x', '2017-10-02']), true],
  ['missing field', none, false],
]);
table('prefix, case-sensitive', { f: [{ prefix: 'us-' }] }, [
  ['lower', v('us-east-1'), true],
  ['upper does not match', v('US-EAST-1'), false],
]);
table('prefix equals-ignore-case', { f: [{ prefix: { 'equals-ignore-case': 'EventB' } }] }, [
  ['lower', v('eventbridge'), true],
  ['upper', v('EVENTBRIDGE'), true],
  ['not at the start', v('xeventb'), false],
  ['shorter than the prefix', v('event'), false],
]);
table('empty prefix (ruler accepts it)', { f: [{ prefix: '' }] }, [
  ['any string', v('abc'), true],
  ['empty string', v(''), true],
  ['not a number', v(1), false],
  ['not null', v(null), false],
]);
table('suffix', { f: [{ suffix: '.png' }] }, [
  ['ends with', v('image.png'), true],
  ['case-sensitive', v('image.PNG'), false],
  ['ends otherwise', v('image.png.bak'), false],
  ['number', v(5), false],
]);
table('suffix equals-ignore-case', { f: [{ suffix: { 'equals-ignore-case': '.png' } }] }, [
  ['upper', v('IMAGE.PNG'), true],
  ['mixed', v('a.PnG'), true],
  ['other', v('a.jpg'), false],
]);
table('equals-ignore-case', { f: [{ 'equals-ignore-case': 'alice' }] }, [
  ['same', v('alice'), true],
  ['upper', v('ALICE'), true],
  ['longer', v('alice2'), false],
  ['array element', v(['bob', 'Alice']), true],
  ['not a string', v(true), false],
]);
table('anything-but string', { f: [{ 'anything-but': 'initializing' }] }, [
  ['other string', v('running'), true],
  ['the excluded value', v('initializing'), false],
  ['excluded value in other case', v('Initializing'), true],
  ['missing field does not match', none, false],
  ['a number is not the excluded string (ruler: type-aware)', v(5), true],
  ['null is a present value', v(null), true],
  ['an object is not a leaf value', v({ a: 1 }), false],
]);
table('anything-but number', { f: [{ 'anything-but': 123 }] }, [
  ['other number', v(124), true],
  ['the number', v(123), false],
  ['its string is a different value (ruler)', v('123'), true],
]);
table('anything-but string list', { f: [{ 'anything-but': ['stopped', 'overloaded'] }] }, [
  ['listed', v('stopped'), false],
  ['listed too', v('overloaded'), false],
  ['not listed', v('running'), true],
]);
table('anything-but number list', { f: [{ 'anything-but': [100, 200, 300] }] }, [
  ['listed', v(200), false],
  ['not listed', v(150), true],
  ['event array with one unlisted element (SNS/ruler: any element)', v([100, 50]), true],
  ['event array of listed elements only', v([100, 300]), false],
  ['empty event array has no value', v([]), false],
]);
table('anything-but prefix', { f: [{ 'anything-but': { prefix: 'init' } }] }, [
  ['has the prefix', v('initializing'), false],
  ['lacks it', v('running'), true],
  ['a number cannot have a string prefix', v(5), true],
  ['missing field', none, false],
]);
table('anything-but prefix list (ruler)', { f: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] }, [
  ['first', v('us-east-1'), false],
  ['second', v('eu-west-1'), false],
  ['neither', v('ap-south-1'), true],
]);
table('anything-but suffix', { f: [{ 'anything-but': { suffix: '.png' } }] }, [
  ['has the suffix', v('a.png'), false],
  ['lacks it', v('a.jpg'), true],
]);
table(
  'anything-but equals-ignore-case',
  { f: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
  [
    ['same in upper case', v('INITIALIZING'), false],
    ['other', v('running'), true],
  ],
);
table(
  'anything-but equals-ignore-case list',
  { f: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Overloaded'] } }] },
  [
    ['listed in another case', v('STOPPED'), false],
    ['not listed', v('running'), true],
  ],
);
table('anything-but wildcard', { f: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, [
  ['path containing /lib/', v('/usr/lib/libc.so'), false],
  ['path without it', v('/usr/bin/env'), true],
]);
table('numeric range', { f: [{ numeric: ['>', 0, '<=', 5] }] }, [
  ['upper bound included', v(5), true],
  ['lower bound excluded', v(0), false],
  ['inside', v(2.5), true],
  ['just above', v(5.000001), false],
  ['a numeric string is not a number', v('3'), false],
  ['any element of an array', v([9, 3]), true],
  ['boolean', v(true), false],
]);
table('numeric less than', { f: [{ numeric: ['<', 10] }] }, [
  ['below', v(9.99), true],
  ['equal', v(10), false],
  ['negative', v(-3), true],
  ['beyond the documented -5e9 limit', v(-6e9), false],
]);
table('numeric equals', { f: [{ numeric: ['=', 3.018e2] }] }, [
  ['same value', v(301.8), true],
  ['other', v(301.9), false],
]);
table('numeric >= and <', { f: [{ numeric: ['>=', 10, '<', 20] }] }, [
  ['lower included', v(10), true],
  ['upper excluded', v(20), false],
]);
table('numeric beyond the limit', { f: [{ numeric: ['>', 0] }] }, [
  ['5e9 is comparable', v(5e9), true],
  ['6e9 is not comparable', v(6e9), false],
]);
table('exists true', { f: [{ exists: true }] }, [
  ['string', v('x'), true],
  ['null is a present leaf', v(null), true],
  ['empty string', v(''), true],
  ['array with a value', v([1]), true],
  ['empty array has no leaf value', v([]), false],
  ['object is an intermediate node, not a leaf', v({ a: 1 }), false],
  ['missing', none, false],
]);
table('exists false', { detail: { 'c-count': [{ exists: false }] } }, [
  ['missing leaf', { detail: { state: 'running' } }, true],
  [
    'object at the path: not a leaf, so it matches (documented)',
    { detail: { 'c-count': { c1: 100 } } },
    true,
  ],
  ['present leaf', { detail: { 'c-count': 1 } }, false],
  ['null leaf is present', { detail: { 'c-count': null } }, false],
  ['parent object missing entirely', { source: 'x' }, true],
  ['parent is a scalar', { detail: 'x' }, true],
]);
table('wildcard', { f: [{ wildcard: 'Simple*Service' }] }, [
  ['fills the gap', v('SimpleNotificationService'), true],
  ['empty gap', v('SimpleService'), true],
  ['missing suffix', v('Simple'), false],
  ['extra at the end', v('SimpleServices'), false],
  ['number', v(5), false],
]);
table('wildcard, documented *.png in dir', { f: [{ wildcard: 'dir/*.png' }] }, [
  ['in dir', v('dir/a.png'), true],
  ['* spans slashes', v('dir/sub/a.png'), true],
  ['other folder', v('other/a.png'), false],
]);
table('wildcard with several stars', { f: [{ wildcard: '*a*b*' }] }, [
  ['in order', v('xaybz'), true],
  ['out of order', v('ba'), false],
  ['overlapping', v('ab'), true],
]);
table('wildcard escaped star', { f: [{ wildcard: 'a\\*b' }] }, [
  ['literal star', v('a*b'), true],
  ['not a wildcard', v('axb'), false],
]);
table('wildcard escaped backslash then star', { f: [{ wildcard: 'a\\\\*' }] }, [
  ['backslash then anything', v('a\\xyz'), true],
  ['no backslash', v('axyz'), false],
]);
table('wildcard lone star', { f: [{ wildcard: '*' }] }, [
  ['any string', v('x'), true],
  ['empty string', v(''), true],
  ['not null', v(null), false],
]);
table('cidr IPv4', { f: [{ cidr: '10.0.0.0/24' }] }, [
  ['inside', v('10.0.0.33'), true],
  ['first', v('10.0.0.0'), true],
  ['last', v('10.0.0.255'), true],
  ['outside', v('10.0.1.1'), false],
  ['not an IP', v('ten.zero'), false],
  ['IPv6 address', v('::1'), false],
  ['number', v(167772161), false],
]);
table('cidr IPv6', { f: [{ cidr: '2001:db8::/32' }] }, [
  ['inside, compressed', v('2001:db8:0:1::5'), true],
  ['inside, full form', v('2001:0db8:0000:0000:0000:0000:0000:0001'), true],
  ['outside', v('2001:db9::1'), false],
  ['IPv4 address', v('10.0.0.1'), false],
]);
table('cidr host route', { f: [{ cidr: '192.168.1.7/32' }] }, [
  ['the host', v('192.168.1.7'), true],
  ['a neighbour', v('192.168.1.8'), false],
]);
table(
  'several operators in one array are OR',
  { f: [{ prefix: 'a' }, { numeric: ['>', 10] }, 'exact', null] },
  [
    ['prefix', v('abc'), true],
    ['numeric', v(11), true],
    ['exact', v('exact'), true],
    ['null', v(null), true],
    ['none of them', v('zzz'), false],
  ],
);
