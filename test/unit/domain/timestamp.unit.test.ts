import { normalizeTimestamp, TIMESTAMP_FORMS, timestampProblem } from '../../../lib/domain/timestamp';

/** Both AWS timestamp forms in, one UTC ISO form out; everything else refused with a reason. */
describe('normalizeTimestamp', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000Z'],
    [1527807879.988, '2018-05-31T23:04:39.988Z'],
    [253_402_300_799, '9999-12-31T23:59:59.000Z'],
    ['2024-03-14T11:31:44.348000-04:00', '2024-03-14T15:31:44.348Z'],
    ['2024-03-14T11:31:44+0130', '2024-03-14T10:01:44.000Z'],
    ['2024-03-14T11:31Z', '2024-03-14T11:31:00.000Z'],
    ['  2024-02-29T23:59:59Z  ', '2024-02-29T23:59:59.000Z'],
    ['2024-03-14', '2024-03-14T00:00:00.000Z'],
    ['2024-03-14T11:31:44.5Z', '2024-03-14T11:31:44.500Z'],
    ['2024-03-14T11:31:44.3489Z', '2024-03-14T11:31:44.348Z'],
    ['2024-03-14T11:31:44.07+00:00', '2024-03-14T11:31:44.070Z'],
    ['2024-12-31T23:59:59-01:00', '2025-01-01T00:59:59.000Z'],
    ['2024-01-01T00:15:00+00:30', '2023-12-31T23:45:00.000Z'],
    ['2024-03-14T11:31:44+23:59', '2024-03-13T11:32:44.000Z'],
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z'],
    ['2024-12-31', '2024-12-31T00:00:00.000Z'],
    ['0004-02-29', '0004-02-29T00:00:00.000Z'],
  ])('%j is %s', (input, expected) => {
    expect(normalizeTimestamp(input)).toBe(expected);
    expect(timestampProblem(input)).toBeUndefined();
  });

  it.each([
    -1,
    253_402_300_800,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '2024-03-14T11:31:44',
    '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-01-00T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T23:60:00Z',
    '2024-01-01T23:59:60Z',
    '2024-01-01T12:00:00+24:00',
    '2024-01-01T12:00:00+01:60',
    '1900-02-29T00:00:00Z',
    '0100-02-29',
    '2024-06-31',
    '2024-03-14T11:31:44.Z',
    '2024-03-14T11:31:44+1:00',
    'yesterday',
    'on 2024-03-14T11:31:44Z',
    '2024-03-14T11:31:44Z later',
    null,
    true,
  ])('%j is refused', (input) => {
    expect(normalizeTimestamp(input)).toBeUndefined();
  });
});

describe('timestampProblem', () => {
  it('suspects milliseconds in a number too large for seconds', () => {
    expect(timestampProblem(1_710_415_904_348)).toBe(
      'expected epoch seconds, got 1710415904348 (epoch milliseconds? divide by 1000)',
    );
  });

  it('names both forms and shows at most 60 characters of a bad string', () => {
    expect(TIMESTAMP_FORMS).toBe(
      'an ISO 8601 timestamp with a zone (2024-03-14T11:31:44Z, offsets allowed) or epoch seconds (1710415904.348)',
    );
    expect(timestampProblem('x'.repeat(70))).toBe(`expected ${TIMESTAMP_FORMS}, got "${'x'.repeat(60)}"`);
    expect(timestampProblem(-5)).toBe(`expected ${TIMESTAMP_FORMS}, got -5`);
    expect(timestampProblem(null)).toBe(`expected ${TIMESTAMP_FORMS}, got null`);
    // A string of digits is not a number: no guess about milliseconds.
    expect(timestampProblem('300000000000')).toBe(`expected ${TIMESTAMP_FORMS}, got "300000000000"`);
  });
});
