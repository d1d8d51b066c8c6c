import { activeWindow, InvalidConfigError, parseAgentConfig } from '../../../lib/domain/config';
import { AgentError } from '../../../lib/domain/errors';
import {
  InvalidTimeZoneError,
  InvalidWindowDaysError,
  InvalidWindowHoursError,
  instantOfWallTime,
  isInsideWindow,
  type MaintenanceWindow,
  nextWindowStart,
  parseMaintenanceWindow,
  parseWindowDays,
  parseWindowHours,
  windowWait,
} from '../../../lib/domain/maintenance-window';

const at = (iso: string) => new Date(iso);
const window = (hours: string, days = 'MON-SUN', timeZone = 'UTC'): MaintenanceWindow =>
  parseMaintenanceWindow({ days, hours, timeZone });

describe('parsing a maintenance window', () => {
  it('reads days as names, ranges (wrapping) and lists, in week order, case-insensitive', () => {
    expect(parseWindowDays('MON-FRI')).toEqual(['MON', 'TUE', 'WED', 'THU', 'FRI']);
    expect(parseWindowDays('fri-mon')).toEqual(['MON', 'FRI', 'SAT', 'SUN']);
    expect(parseWindowDays('SUN, wed,Monday')).toEqual(['MON', 'WED', 'SUN']);
    expect(parseWindowDays(['TUE', 'SAT-SUN'])).toEqual(['TUE', 'SAT', 'SUN']);
    expect(parseWindowDays('MON-SUN')).toHaveLength(7);
  });

  it.each([
    ['MON-XYZ', '"XYZ" is not a day of the week'],
    ['MON,,TUE', 'an empty day'],
    ['MON-TUE-WED', 'is not a day or a range'],
    ['MO', '"MO" is not a day of the week'],
    [42, 'not a text or a list of texts'],
  ])('refuses days %j: %s', (days, detail) => {
    expect(() => parseWindowDays(days)).toThrow(InvalidWindowDaysError);
    expect(() => parseWindowDays(days)).toThrow(detail);
  });

  it('reads hours as minutes after midnight; an end not after the start closes the next day', () => {
    expect(parseWindowHours('02:00-06:00')).toEqual({ start: 120, end: 360 });
    expect(parseWindowHours('22:00-04:00')).toEqual({ start: 1320, end: 240 });
    expect(parseWindowHours('00:00-24:00')).toEqual({ start: 0, end: 1440 });
    expect(parseWindowHours('22:30-00:00')).toEqual({ start: 1350, end: 1440 });
    expect(parseWindowHours(' 2:05 - 3:00 ')).toEqual({ start: 125, end: 180 });
  });

  it.each([
    ['2-3', 'not HH:MM-HH:MM'],
    ['24:00-02:00', 'the start is not a time of day'],
    ['02:60-03:00', 'the start is not a time of day'],
    ['02:00-24:30', 'the end is not a time of day'],
    ['02:00-25:00', 'the end is not a time of day'],
    ['03:00-03:00', 'the window is empty'],
    [undefined, 'not a text'],
  ])('refuses hours %j: %s', (hours, detail) => {
    expect(() => parseWindowHours(hours)).toThrow(InvalidWindowHoursError);
    expect(() => parseWindowHours(hours)).toThrow(detail);
  });

  it('refuses a time zone Intl does not know, naming what to give instead', () => {
    expect(() => window('02:00-03:00', 'MON', 'Mars/Olympus')).toThrow(InvalidTimeZoneError);
    expect(() => window('02:00-03:00', 'MON', 'Mars/Olympus')).toThrow(
      /IANA time zone: use a name such as Europe\/Berlin/,
    );
    expect(() => window('02:00-03:00', 'MON', '')).toThrow(InvalidTimeZoneError);
  });

  it('the errors are named agent errors, not retryable, naming the key at fault', () => {
    const errors = [
      [new InvalidTimeZoneError('X'), 'InvalidTimeZoneError', 'timeZone'],
      [new InvalidWindowDaysError('X', 'bad'), 'InvalidWindowDaysError', 'days'],
      [new InvalidWindowHoursError('X', 'bad'), 'InvalidWindowHoursError', 'hours'],
    ] as const;
    for (const [error, name, key] of errors) {
      expect(error).toBeInstanceOf(AgentError);
      expect(error.name).toBe(name);
      expect(error.key).toBe(key);
      expect(error.retryable).toBe(false);
    }
  });

  it('normalises: days in week order, hours HH:MM-HH:MM, defaults every day and UTC', () => {
    expect(parseMaintenanceWindow({ hours: '2:00-6:00' })).toEqual({
      days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'],
      hours: '02:00-06:00',
      timeZone: 'UTC',
    });
  });
});

describe('the configuration key maintenanceWindow', () => {
  it('is absent by default (no window: any time); enabled false turns a configured one off', () => {
    expect(parseAgentConfig({}).maintenanceWindow).toBeUndefined();
    const off = parseAgentConfig({ maintenanceWindow: { hours: '02:00-06:00', enabled: 'false' } });
    expect(off.maintenanceWindow).toMatchObject({ enabled: false, hours: '02:00-06:00' });
    expect(activeWindow(off)).toBeUndefined();
    expect(activeWindow(parseAgentConfig({}))).toBeUndefined();
  });

  it('takes the strings SSM holds', () => {
    expect(
      parseAgentConfig({
        maintenanceWindow: {
          days: 'SAT-SUN',
          hours: '22:00-04:00',
          timeZone: 'Europe/Berlin',
          enabled: 'true',
        },
      }).maintenanceWindow,
    ).toEqual({ enabled: true, days: ['SAT', 'SUN'], hours: '22:00-04:00', timeZone: 'Europe/Berlin' });
  });

  it.each([
    [
      { hours: '02:00-06:00', timeZone: 'Europe/Berlln' },
      'maintenanceWindow.timeZone: maintenance window time zone "Europe/Berlln" is not an IANA time zone',
    ],
    [{ hours: '02:00-06:00', days: 'MON-FRY' }, 'maintenanceWindow.days: maintenance window days "MON-FRY"'],
    [{ hours: '2am-6am' }, 'maintenanceWindow.hours: maintenance window hours "2am-6am": not HH:MM-HH:MM'],
    [{ days: 'MON' }, 'maintenanceWindow.hours: required for a maintenance window'],
  ])('refuses %j naming the key', (maintenanceWindow, message) => {
    expect(() => parseAgentConfig({ maintenanceWindow })).toThrow(InvalidConfigError);
    expect(() => parseAgentConfig({ maintenanceWindow })).toThrow(message);
  });
});

describe('inside a window, and the next one', () => {
  const weekdays = () => window('02:00-06:00', 'MON-FRI', 'Europe/Berlin');

  it('opens at the start, local time, and closes at the end (exclusive)', () => {
    // Wednesday 2026-12-02, CET (UTC+1): 02:00 local is 01:00Z.
    expect(isInsideWindow(at('2026-12-02T00:59:59Z'), weekdays())).toBe(false);
    expect(isInsideWindow(at('2026-12-02T01:00:00Z'), weekdays())).toBe(true);
    expect(isInsideWindow(at('2026-12-02T04:59:59Z'), weekdays())).toBe(true);
    expect(isInsideWindow(at('2026-12-02T05:00:00Z'), weekdays())).toBe(false);
    // Summer, CEST (UTC+2).
    expect(isInsideWindow(at('2026-07-01T00:30:00Z'), weekdays())).toBe(true);
    expect(isInsideWindow(at('2026-07-01T04:30:00Z'), weekdays())).toBe(false);
  });

  it('waits over the weekend for Monday', () => {
    // Friday 2026-12-04 10:00Z: next is Monday 2026-12-07 02:00 CET.
    expect(nextWindowStart(at('2026-12-04T10:00:00Z'), weekdays())).toBe('2026-12-07T01:00:00.000Z');
    expect(windowWait(at('2026-12-04T10:00:00Z'), weekdays())).toBe('2026-12-07T01:00:00.000Z');
    expect(windowWait(at('2026-12-07T01:00:00Z'), weekdays())).toBeUndefined();
    expect(windowWait(at('2026-12-04T10:00:00Z'), undefined)).toBeUndefined();
  });

  it('a window crossing midnight belongs to the day it opens on', () => {
    const fridayNight = window('22:00-04:00', 'FRI', 'UTC');
    expect(isInsideWindow(at('2026-12-04T23:00:00Z'), fridayNight)).toBe(true); // Friday
    expect(isInsideWindow(at('2026-12-05T03:59:00Z'), fridayNight)).toBe(true); // Saturday morning
    expect(isInsideWindow(at('2026-12-05T04:00:00Z'), fridayNight)).toBe(false);
    expect(isInsideWindow(at('2026-12-04T03:00:00Z'), fridayNight)).toBe(false); // Thursday's night: no
    expect(nextWindowStart(at('2026-12-05T05:00:00Z'), fridayNight)).toBe('2026-12-11T22:00:00.000Z');
  });

  it('the whole day, every day, is always inside', () => {
    const always = window('00:00-24:00');
    expect(isInsideWindow(at('2026-03-29T00:00:00Z'), always)).toBe(true);
    expect(isInsideWindow(at('2026-03-29T23:59:59.999Z'), always)).toBe(true);
  });

  it('rounds a wait up to whole seconds', () => {
    expect(windowWait(at('2026-12-02T00:59:59.500Z'), weekdays())).toBe('2026-12-02T01:00:00.000Z');
  });
});

describe('daylight saving time', () => {
  it('Europe/Berlin, spring forward (2026-03-29 02:00 CET becomes 03:00 CEST)', () => {
    // The wall time 02:30 does not exist: the clocks jump past it at 01:00Z (03:00 CEST).
    expect(new Date(instantOfWallTime(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    const early = window('02:00-05:00', 'SUN', 'Europe/Berlin');
    // Opens when the clocks jump (01:00Z), closes at 05:00 CEST (03:00Z): two real hours.
    expect(nextWindowStart(at('2026-03-28T12:00:00Z'), early)).toBe('2026-03-29T01:00:00.000Z');
    expect(isInsideWindow(at('2026-03-29T02:59:00Z'), early)).toBe(true);
    expect(isInsideWindow(at('2026-03-29T03:00:00Z'), early)).toBe(false);
    // A week later, CEST: 02:00 local is 00:00Z.
    expect(nextWindowStart(at('2026-03-29T03:00:00Z'), early)).toBe('2026-04-05T00:00:00.000Z');
  });

  it('Europe/Berlin: a window wholly inside the spring gap does not open that day', () => {
    const inGap = window('02:15-02:45', 'SUN', 'Europe/Berlin');
    expect(nextWindowStart(at('2026-03-28T12:00:00Z'), inGap)).toBe('2026-04-05T00:15:00.000Z');
  });

  it('Europe/Berlin, fall back (2026-10-25 03:00 CEST becomes 02:00 CET): an ambiguous start is the first one', () => {
    const early = window('02:30-04:00', 'SUN', 'Europe/Berlin');
    expect(nextWindowStart(at('2026-10-24T12:00:00Z'), early)).toBe('2026-10-25T00:30:00.000Z');
    // 04:00 CET is 03:00Z: open for two and a half real hours.
    expect(isInsideWindow(at('2026-10-25T02:59:00Z'), early)).toBe(true);
    expect(isInsideWindow(at('2026-10-25T03:00:00Z'), early)).toBe(false);
  });

  it('America/New_York, spring forward (2026-03-08) and fall back (2026-11-01)', () => {
    const nightly = window('01:00-03:00', 'MON-SUN', 'America/New_York');
    // 01:00 EST = 06:00Z; 03:00 EDT = 07:00Z (02:00-03:00 does not exist).
    expect(nextWindowStart(at('2026-03-08T00:00:00Z'), nightly)).toBe('2026-03-08T06:00:00.000Z');
    expect(isInsideWindow(at('2026-03-08T06:59:00Z'), nightly)).toBe(true);
    expect(isInsideWindow(at('2026-03-08T07:00:00Z'), nightly)).toBe(false);
    // The next day, EDT: 01:00 = 05:00Z.
    expect(nextWindowStart(at('2026-03-08T07:00:00Z'), nightly)).toBe('2026-03-09T05:00:00.000Z');
    // Fall back: 01:00 EDT = 05:00Z (the first 01:00), 03:00 EST = 08:00Z.
    expect(nextWindowStart(at('2026-11-01T00:00:00Z'), nightly)).toBe('2026-11-01T05:00:00.000Z');
    expect(isInsideWindow(at('2026-11-01T07:59:00Z'), nightly)).toBe(true);
    expect(isInsideWindow(at('2026-11-01T08:00:00Z'), nightly)).toBe(false);
  });
});
