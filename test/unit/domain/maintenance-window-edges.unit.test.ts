import {
  checkTimeZone,
  describeWindow,
  InvalidTimeZoneError,
  InvalidWindowDaysError,
  InvalidWindowHoursError,
  instantOfWallTime,
  isInsideWindow,
  type MaintenanceWindow,
  nextWindowStart,
  opensHop,
  parseMaintenanceWindow,
  parseWindowDays,
  parseWindowHours,
} from '../../../lib/domain/maintenance-window';
import type { UpgradeStep } from '../../../lib/domain/plan-types';

/** The edges of parsing a window and of the time arithmetic under it, each pinned by one case. */

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

describe('window days at their edges', () => {
  it('says in full what was given, what is wrong and what to give', () => {
    expect(thrown(() => parseWindowDays('MON-XYZ')).message).toBe(
      'maintenance window days "MON-XYZ": "XYZ" is not a day of the week; ' +
        'give days as MON,TUE,WED,THU,FRI,SAT,SUN, ranges such as MON-FRI (FRI-MON wraps), or a list of them',
    );
  });

  it('refuses a list holding anything but text, as not a list of texts', () => {
    const error = thrown(() => parseWindowDays(['MON', 5]));
    expect(error).toBeInstanceOf(InvalidWindowDaysError);
    expect(error.message).toContain('not a text or a list of texts');
  });

  it('names a range of three days by its trimmed text', () => {
    expect(thrown(() => parseWindowDays(' mon-tue-wed ')).message).toContain(
      '"mon-tue-wed" is not a day or a range',
    );
  });

  it('calls a blank item an empty day, not an unknown one', () => {
    expect(thrown(() => parseWindowDays('MON, ,TUE')).message).toContain('an empty day');
  });

  it('reads spaces around the dash of a range', () => {
    expect(parseWindowDays('mon - wed')).toEqual(['MON', 'TUE', 'WED']);
  });

  it.each(['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'])(
    'reads the full name %s as its day',
    (name) => {
      expect(parseWindowDays(name)).toEqual([name.slice(0, 3)]);
    },
  );

  it.each(['MONX', 'MONDAYS', 'MONTUE', 'FRIDAYMON'])('refuses %s: a day name with more after it', (day) => {
    expect(thrown(() => parseWindowDays(day)).message).toContain(`"${day}" is not a day of the week`);
  });
});

describe('window hours at their edges', () => {
  it('says in full what was given, what is wrong and what to give', () => {
    expect(thrown(() => parseWindowHours('2-3')).message).toBe(
      'maintenance window hours "2-3": not HH:MM-HH:MM; ' +
        'give local start and end as HH:MM-HH:MM, e.g. 02:00-06:00, or 22:00-04:00 to close the next day, 00:00-24:00 for a whole day',
    );
  });

  it.each(['x02:00-06:00', '02:00-06:00x', '02:00-06:00-07:00'])(
    'refuses %s: text around the hours',
    (hours) => {
      expect(() => parseWindowHours(hours)).toThrow(InvalidWindowHoursError);
    },
  );

  it.each(['02:00-03:60', '02:00-23:99'])('refuses %s: an end minute past 59', (hours) => {
    expect(thrown(() => parseWindowHours(hours)).message).toContain('the end is not a time of day');
  });

  it('takes minute 59 at either end', () => {
    expect(parseWindowHours('02:59-03:00')).toEqual({ start: 179, end: 180 });
    expect(parseWindowHours('01:00-02:59')).toEqual({ start: 60, end: 179 });
  });
});

describe('time zones at their edges', () => {
  it('trims the name before asking Intl, and returns the name Intl gives', () => {
    expect(checkTimeZone(' UTC ')).toBe('UTC');
    expect(checkTimeZone('\tEurope/Berlin ')).toBe('Europe/Berlin');
  });

  it.each([5, null, '', '   '])('refuses %j as not an IANA time zone', (zone) => {
    expect(() => checkTimeZone(zone)).toThrow(InvalidTimeZoneError);
  });
});

describe('describeWindow', () => {
  it('says days, hours and zone as they are configured', () => {
    const w = parseMaintenanceWindow({ days: 'sat-sun,wed', hours: '2:00-6:30', timeZone: 'Europe/Berlin' });
    expect(describeWindow(w)).toBe('WED,SAT,SUN 02:00-06:30 Europe/Berlin');
  });
});

describe('the wall clock under the arithmetic', () => {
  it('keeps the seconds of an offset (Liberia ran at -0:44:30 until 1972)', () => {
    expect(instantOfWallTime(Date.UTC(1970, 0, 1, 12), 'Africa/Monrovia')).toBe(
      Date.UTC(1970, 0, 1, 12, 44, 30),
    );
  });

  it('in a spring gap west of UTC, gives the instant the clocks jump (New York, 02:30 on 2026-03-08)', () => {
    expect(instantOfWallTime(Date.UTC(2026, 2, 8, 2, 30), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7));
  });

  it('keeps the milliseconds of now: half a second into a window is inside it, half a second before is not', () => {
    const mondays = parseMaintenanceWindow({ days: 'MON', hours: '00:00-01:00', timeZone: 'UTC' });
    const monday = Date.UTC(2024, 0, 1);
    expect(isInsideWindow(new Date(monday + 500), mondays)).toBe(true);
    expect(isInsideWindow(new Date(monday - 500), mondays)).toBe(false);
    expect(nextWindowStart(new Date(monday - 500), mondays)).toBe('2024-01-01T00:00:00.000Z');
    expect(nextWindowStart(new Date(monday + 500), mondays)).toBe('2024-01-08T00:00:00.000Z');
  });

  it('a window of no days (made by hand, not parsed) never opens: a named error, not a crash', () => {
    const never: MaintenanceWindow = { days: [], hours: '02:00-03:00', timeZone: 'UTC' };
    const error = thrown(() => nextWindowStart(new Date(Date.UTC(2024, 0, 1)), never));
    expect(error).toBeInstanceOf(InvalidWindowDaysError);
    expect(error.message).toContain('no window opens in two weeks');
  });
});

describe('opensHop', () => {
  const step = (
    kind: 'control-plane' | 'addon' | 'nodegroup',
    hop: '1.30' | '1.31',
    id: string,
  ): UpgradeStep =>
    kind === 'control-plane'
      ? { kind, id, hop, from: '1.29', to: hop, estimatedMinutes: 20 }
      : { kind, id, hop, name: id, from: '1.29', to: hop, estimatedMinutes: 10 };
  const gate: UpgradeStep = {
    kind: 'gate',
    stage: 'control-plane',
    id: 'gate',
    hop: '1.30',
    from: '1.30',
    to: '1.30',
    estimatedMinutes: 30,
  };
  const steps = [
    step('control-plane', '1.30', 'cp-30'),
    gate,
    step('nodegroup', '1.30', 'ng-30'),
    step('addon', '1.31', 'addon-31'),
    step('control-plane', '1.31', 'cp-31'),
  ];

  it('is true for the first step and the first of each later hop, false inside a hop, for a gate and past the end', () => {
    expect(steps.map((_, i) => opensHop(steps, i))).toEqual([true, false, false, true, false]);
    expect(opensHop(steps, steps.length)).toBe(false);
    expect(opensHop(steps, -1)).toBe(false);
  });

  it('a gate never opens a hop, even as the first step', () => {
    expect(opensHop([gate], 0)).toBe(false);
    expect(opensHop([gate, step('control-plane', '1.31', 'cp')], 1)).toBe(true);
  });
});
