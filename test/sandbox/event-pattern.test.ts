import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compilePattern,
  compilePatternJson,
  InvalidEventPatternError,
  matchesPattern,
  validatePattern,
} from '../../lib/sandbox/event-pattern';

/** One row of a documented-case table; `doc` names the user-guide page it comes from. */
interface MatchCase {
  readonly name: string;
  readonly pattern: unknown;
  readonly event: unknown;
  readonly expected: boolean;
}
const c = (doc: string, name: string, pattern: unknown, event: unknown, expected: boolean): MatchCase => ({
  name: `${name} [${doc}]`,
  pattern,
  event,
  expected,
});

const PATTERNS = 'eb-event-patterns';
const NULLS = 'eb-event-patterns-null-values';
const ARRAYS = 'eb-event-patterns-arrays';
const OR = 'eb-create-pattern-operators $or';
const RULER = 'event-ruler README';

const ec2 = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};
const terminated = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

const structure: MatchCase[] = [
  c(PATTERNS, 'documented EC2 termination pattern matches', terminated, ec2, true),
  c(PATTERNS, 'one field differing fails the AND', terminated, { ...ec2, source: 'aws.s3' }, false),
  c(PATTERNS, 'event fields absent from the pattern are ignored', { source: ['aws.ec2'] }, ec2, true),
  c(PATTERNS, 'values within one array are OR', { source: ['aws.fargate', 'aws.ec2'] }, ec2, true),
  c(PATTERNS, 'a pattern field missing from the event fails', { detail: { reason: ['x'] } }, ec2, false),
  c(PATTERNS, 'nesting must be the same', { state: ['terminated'] }, ec2, false),
  c(PATTERNS, 'strings are case-sensitive', { source: ['AWS.EC2'] }, ec2, false),
  c(
    PATTERNS,
    'number matches number',
    { detail: { 'risk-score': [80] } },
    { detail: { 'risk-score': 80 } },
    true,
  ),
  c(PATTERNS, 'number does not match its string', { n: [5] }, { n: '5' }, false),
  c(PATTERNS, 'string does not match the number', { n: ['5'] }, { n: 5 }, false),
  c(PATTERNS, 'true matches true', { b: [true] }, { b: true }, true),
  c(PATTERNS, 'true does not match "true"', { b: [true] }, { b: 'true' }, false),
  c(PATTERNS, 'false matches false, not 0', { b: [false] }, { b: 0 }, false),
  c(
    PATTERNS,
    'integer literal matches the same value written as a float',
    { n: [300] },
    JSON.parse('{"n":300.0}'),
    true,
  ),
  c(
    PATTERNS,
    'a leaf pattern does not match an object value',
    { detail: ['x'] },
    { detail: { a: 'x' } },
    false,
  ),
  c(
    NULLS,
    'null matches null',
    { detail: { responseElements: [null] } },
    { detail: { responseElements: null } },
    true,
  ),
  c(
    NULLS,
    'null does not match a missing field',
    { detail: { responseElements: [null] } },
    { detail: {} },
    false,
  ),
  c(NULLS, 'null does not match ""', { v: [null] }, { v: '' }, false),
  c(NULLS, '"" matches ""', { detail: { eventVersion: [''] } }, { detail: { eventVersion: '' } }, true),
  c(NULLS, '"" does not match null', { v: [''] }, { v: null }, false),
  c(NULLS, '"" does not match a missing field', { v: [''] }, {}, false),
];

const arn = (account: string) => `arn:aws:ec2:us-east-1:${account}:instance/i-b188560f`;
const employees = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};
const arrays: MatchCase[] = [
  c(
    ARRAYS,
    'non-empty intersection of pattern and event arrays matches',
    { resources: [arn('123456789012'), arn('111122223333'), arn('444455556666')] },
    { resources: ['arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x', arn('123456789012')] },
    true,
  ),
  c(
    ARRAYS,
    'empty intersection does not match',
    { resources: [arn('1')] },
    { resources: [arn('2'), arn('3')] },
    false,
  ),
  c(ARRAYS, 'an empty event array matches nothing', { resources: ['x'] }, { resources: [] }, false),
  c(ARRAYS, 'a number in an event array', { n: [5] }, { n: [1, 5, 9] }, true),
  c(ARRAYS, 'nested event arrays are flattened', { n: ['x'] }, { n: [['a'], [['x']]] }, true),
  c(
    RULER,
    'objects inside an event array are descended into',
    { employees: { firstName: ['Anna'] } },
    employees,
    true,
  ),
  c(
    RULER,
    'fields of one match come from one element',
    { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
    employees,
    true,
  ),
  c(
    RULER,
    'array-consistent: no mixing elements',
    { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    employees,
    false,
  ),
  c(
    RULER,
    'multi-level arrays of objects',
    { employees: { firstName: ['Peter'] } },
    { employees: [[{ firstName: 'John' }], [{ firstName: 'Peter' }]] },
    true,
  ),
  c(
    RULER,
    'exists:false is judged per element',
    { e: { a: [{ exists: false }] } },
    { e: [{ a: 1 }, { b: 2 }] },
    true,
  ),
  c(
    RULER,
    'exists:false fails when every element has it',
    { e: { a: [{ exists: false }] } },
    { e: [{ a: 1 }, { a: 2 }] },
    false,
  ),
];

const cloudwatch = { source: 'aws.cloudwatch', metricName: 'NetworkIn', namespace: 'AWS/EC2', detail: {} };
const nestedOr = {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization', 'ReadLatency'] },
    {
      metricType: ['MetricType'],
      namespace: ['AWS/EC2', 'AWS/ES'],
      $or: [{ metricId: [1234] }, { spaceId: [1000] }],
    },
    { scope: ['Service'] },
  ],
};
const ors: MatchCase[] = [
  c(
    OR,
    'either branch: first',
    { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    { Location: 'New York' },
    true,
  ),
  c(
    OR,
    'either branch: second',
    { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    { Day: 'Monday' },
    true,
  ),
  c(
    OR,
    'neither branch',
    { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    { Day: 'Friday' },
    false,
  ),
  c(
    RULER,
    '$or is ANDed with sibling fields',
    { source: ['aws.ec2'], $or: [{ a: ['1'] }, { b: ['2'] }] },
    { source: 'x', a: '1' },
    false,
  ),
  c(
    RULER,
    'nested $or: inner branch satisfied',
    nestedOr,
    { ...cloudwatch, metricType: 'MetricType', spaceId: 1000 },
    true,
  ),
  c(
    RULER,
    'nested $or: inner branch unsatisfied',
    nestedOr,
    { ...cloudwatch, metricType: 'MetricType', spaceId: 1 },
    false,
  ),
  c(RULER, 'nested $or: an AND branch half satisfied', nestedOr, { ...cloudwatch, metricId: 1234 }, false),
  c(RULER, 'nested $or: a flat branch', nestedOr, { ...cloudwatch, scope: 'Service' }, true),
  c(
    RULER,
    'parallel $or groups inside and outside detail',
    { $or: [{ a: ['1'] }, { b: ['2'] }], detail: { $or: [{ c: ['3'] }, { d: ['4'] }] } },
    { b: '2', detail: { d: '4' } },
    true,
  ),
  c(
    RULER,
    'parallel $or groups: one group unmet',
    { $or: [{ a: ['1'] }, { b: ['2'] }], detail: { $or: [{ c: ['3'] }, { d: ['4'] }] } },
    { b: '2', detail: { e: '5' } },
    false,
  ),
  c(
    OR,
    '$or branch using exists:false',
    { $or: [{ flag: [false] }, { flag: [{ exists: false }] }] },
    {},
    true,
  ),
  c(
    RULER,
    '$or inside an array element stays within that element',
    { items: { $or: [{ a: ['1'] }, { b: ['2'] }], c: ['3'] } },
    {
      items: [
        { a: '1', c: 'x' },
        { b: 'x', c: '3' },
      ],
    },
    false,
  ),
];

describe('event pattern matching: structure, values, arrays, $or', () => {
  test.each([...structure, ...arrays, ...ors])('$name', ({ pattern, event, expected }) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  test('own properties only: a "constructor" field is not found on the prototype', () => {
    expect(matchesPattern({ constructor: [{ exists: true }] }, {})).toBe(false);
    const proto: unknown = JSON.parse('{"__proto__": ["x"]}');
    expect(matchesPattern(proto, JSON.parse('{"__proto__": "x"}'))).toBe(true);
    expect(matchesPattern(proto, {})).toBe(false);
  });

  test('keys with dots are plain keys, not paths', () => {
    expect(matchesPattern({ 'a.b': ['x'] }, { 'a.b': 'x' })).toBe(true);
    expect(matchesPattern({ 'a.b': ['x'] }, { a: { b: 'x' } })).toBe(false);
  });

  test('only a JSON object can match (events are objects)', () => {
    const compiled = compilePattern({ missing: [{ exists: false }] });
    expect(compiled.matches({})).toBe(true);
    for (const event of [null, undefined, 'x', 5, [], [{}]]) expect(compiled.matches(event)).toBe(false);
  });
});

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'event-patterns', name), 'utf8'));

describe('full EventBridge envelope', () => {
  const event = fixture('rollback-event.json');
  const cases: MatchCase[] = [
    c('fixture', 'rollback pattern', fixture('rollback-pattern.json'), event, true),
    c('fixture', 'upgrade pattern', fixture('upgrade-pattern.json'), event, false),
    c('envelope', 'account is a string', { account: ['123456789012'] }, event, true),
    c('envelope', 'account as a number does not match', { account: [123456789012] }, event, false),
    c(
      'envelope',
      'resources intersect',
      { resources: [{ wildcard: 'arn:aws:eks:*:cluster/prod-*' }] },
      event,
      true,
    ),
    c('envelope', 'region anything-but', { region: [{ 'anything-but': { prefix: 'us-' } }] }, event, true),
    c('envelope', 'replay-name absent on live events', { 'replay-name': [{ exists: false }] }, event, true),
    c('envelope', 'time prefix', { time: [{ prefix: '2025-03-14' }] }, event, true),
    c(
      'envelope',
      'rollback of prod on an alarm, above 5% errors',
      {
        source: ['eks-upgrade-agent'],
        'detail-type': [{ prefix: 'rollback.' }],
        detail: {
          cluster: [{ 'equals-ignore-case': 'PROD-A' }],
          errorRate: [{ numeric: ['>', 5] }],
          dryRun: [false],
          operator: [null],
          alarms: { state: ['ALARM'], threshold: [{ numeric: ['<=', 5] }] },
          sourceIp: [{ cidr: '10.0.0.0/8' }],
        },
      },
      event,
      true,
    ),
    c(
      'envelope',
      'alarm fields must come from one alarm',
      { detail: { alarms: { state: ['OK'], threshold: [5] } } },
      event,
      false,
    ),
    c(
      'envelope',
      '$or over detail',
      { detail: { $or: [{ reason: ['MANUAL'] }, { attempt: [{ numeric: ['>=', 2] }] }] } },
      event,
      true,
    ),
  ];
  test.each(cases)('$name', ({ pattern, event: e, expected }) => {
    expect(matchesPattern(pattern, e)).toBe(expected);
  });
});

describe('API surface', () => {
  test('compilePattern validates once and matches many', () => {
    const compiled = compilePattern({ source: ['a', 'b'] });
    expect(compiled.root.fields).toHaveLength(1);
    expect(['a', 'b', 'c'].map((source) => compiled.matches({ source }))).toEqual([true, true, false]);
  });

  test('validatePattern throws InvalidEventPatternError with reason, path and AWS-like message', () => {
    let caught: unknown;
    try {
      validatePattern({ detail: { state: 'running' } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEventPatternError);
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toMatchObject({
      name: 'InvalidEventPatternError',
      reason: '"state" must be an object or an array',
      path: '$.detail.state',
      retryable: false,
      message: expect.stringMatching(/^Event pattern is not valid\. Reason: "state" must be/),
    });
  });

  test('matchesPattern throws for an invalid pattern rather than answering false', () => {
    expect(() => matchesPattern({ source: [] }, {})).toThrow(InvalidEventPatternError);
  });

  test('compilePatternJson parses text and reports malformed JSON as an invalid pattern', () => {
    expect(compilePatternJson('{"source":["x"]}').matches({ source: 'x' })).toBe(true);
    expect(() => compilePatternJson('{"source": [')).toThrow(
      /Event pattern is not valid\. Reason: Pattern is not valid JSON/,
    );
    expect(() => compilePatternJson(JSON.stringify(fixture('invalid-pattern.json')))).toThrow(
      expect.objectContaining({ path: '$.source' }),
    );
  });
});
