import fc from 'fast-check';
import {
  isInsideWindow,
  type MaintenanceWindow,
  nextWindowStart,
  parseMaintenanceWindow,
  WEEKDAYS,
  windowWait,
} from '../../../lib/domain/maintenance-window';
import { propertyRuns } from '../../support/property-runs';

/**
 * Generated windows (any days, any hours, zones with DST of one hour, of half an hour,
 * southern-hemisphere DST and none) and instants from 2024 to 2028, half of them within a
 * day of a DST transition of the zone.
 */
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Australia/Sydney',
  'Asia/Kolkata',
  'America/St_Johns',
  'Pacific/Chatham',
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FROM = Date.UTC(2024, 0, 1);
const UNTIL = Date.UTC(2028, 11, 31);

/** The zone's offset (minutes) at an instant, read by a second route (longOffset names). */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
function offsetMinutes(ms: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** Instants (per zone) where its offset changes, 2024-2028, to put instants near. */
const transitions = new Map<string, number[]>();
function transitionsOf(timeZone: string): number[] {
  let list = transitions.get(timeZone);
  if (list === undefined) {
    list = [];
    for (let t = FROM; t < UNTIL; t += 6 * HOUR) {
      if (offsetMinutes(t, timeZone) !== offsetMinutes(t + 6 * HOUR, timeZone)) {
        let lo = t;
        let hi = t + 6 * HOUR;
        while (hi - lo > 60_000) {
          const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
          if (offsetMinutes(mid, timeZone) === offsetMinutes(t, timeZone)) lo = mid;
          else hi = mid;
        }
        list.push(hi);
      }
    }
    transitions.set(timeZone, list);
  }
  return list;
}

const windowArb = fc
  .record({
    days: fc.subarray([...WEEKDAYS], { minLength: 1 }),
    start: fc.integer({ min: 0, max: 1439 }),
    length: fc.integer({ min: 1, max: 1439 }),
    wholeDay: fc.boolean(),
    zone: fc.constantFrom(...ZONES),
  })
  .map(({ days, wholeDay, zone, ...hours }) => {
    // A window lasts less than a day, or is the whole day (00:00-24:00).
    const start = wholeDay ? 0 : hours.start;
    const end = wholeDay ? 1440 : start + hours.length;
    const hhmm = (m: number) =>
      `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const endText = end === 1440 ? '24:00' : hhmm(end % 1440);
    return parseMaintenanceWindow({ days, hours: `${hhmm(start)}-${endText}`, timeZone: zone });
  });

const caseArb = windowArb.chain((window) => {
  const near = transitionsOf(window.timeZone);
  const anywhere = fc.integer({ min: FROM, max: UNTIL });
  const instant =
    near.length === 0
      ? anywhere
      : fc.oneof(
          anywhere,
          fc.tuple(fc.constantFrom(...near), fc.integer({ min: -DAY, max: DAY })).map(([t, d]) => t + d),
        );
  return fc.record({ window: fc.constant(window), now: instant });
});

/** The local weekday (0 = SUN) and minute of the day at `ms`, by Intl's own formatting. */
const wallFormats = new Map<string, Intl.DateTimeFormat>();
function wallClock(ms: number, timeZone: string): { day: number; minute: number } {
  let format = wallFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    wallFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
    minute: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

/** The window by its definition, on the wall clock: right wherever the zone does not change offset nearby. */
function insideByWallClock(ms: number, window: MaintenanceWindow): boolean {
  const [startText = '', endText = ''] = window.hours.split('-');
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const start = minutes(startText);
  const end = minutes(endText);
  const { day, minute } = wallClock(ms, window.timeZone);
  const opensOn = (d: number) => window.days.includes(WEEKDAYS[(d + 7) % 7] as (typeof WEEKDAYS)[number]);
  if (end > start) return opensOn(day) && minute >= start && minute < end;
  return (opensOn(day) && minute >= start) || (opensOn(day - 1) && minute < end);
}

/**
 * Whether a window opens at `ms`: its wall clock is a window day at the start of the hours,
 * or (a DST gap skipped the start) the offset changed within the last hour.
 */
function opensAtWallClock(ms: number, window: MaintenanceWindow): boolean {
  const start = Number(window.hours.slice(0, 2)) * 60 + Number(window.hours.slice(3, 5));
  const { day, minute } = wallClock(ms, window.timeZone);
  const onTime = minute === start && window.days.includes(WEEKDAYS[day] as (typeof WEEKDAYS)[number]);
  return onTime || offsetMinutes(ms - HOUR, window.timeZone) !== offsetMinutes(ms, window.timeZone);
}

describe('maintenance windows (properties)', () => {
  it('a window that opens at this very instant starts now (found by the property below)', () => {
    const window = parseMaintenanceWindow({
      days: ['MON', 'WED', 'FRI'],
      hours: '00:00-24:00',
      timeZone: 'UTC',
    });
    const monday = Date.UTC(2024, 0, 1);
    expect(nextWindowStart(new Date(monday), window)).toBe('2024-01-01T00:00:00.000Z');
    expect(nextWindowStart(new Date(monday + 1), window)).toBe('2024-01-03T00:00:00.000Z');
    expect(windowWait(new Date(monday), window)).toBeUndefined();
    expect(windowWait(new Date(monday - 1), window)).toBe('2024-01-01T00:00:00.000Z');
  });

  it('the next start is inside a window, never before now, and nothing is open between now and it', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        ({ window, now }, samples) => {
          const start = Date.parse(nextWindowStart(new Date(now), window));
          expect(start).toBeGreaterThanOrEqual(now);
          expect(isInsideWindow(new Date(start), window)).toBe(true);
          expect(start - now).toBeLessThanOrEqual(15 * DAY);
          if (!isInsideWindow(new Date(now), window)) {
            // No window opens (or is open) in [now, start).
            expect(isInsideWindow(new Date(start - 1), window)).toBe(false);
            for (const s of samples) {
              const t = now + Math.floor(s * (start - now));
              if (t < start) expect(isInsideWindow(new Date(t), window)).toBe(false);
            }
          } else if (start === now) {
            // Inside and the next start is now: only when a window opens at this very instant
            // (a whole-day window at midnight, say), never for one that opened earlier.
            expect(opensAtWallClock(now, window)).toBe(true);
          } else {
            expect(start).toBeGreaterThan(now);
          }
        },
      ),
      { numRuns: propertyRuns(400) },
    );
  });

  it('windowWait waits exactly when outside, until a whole second at or just after the next start', () => {
    fc.assert(
      fc.property(caseArb, ({ window, now }) => {
        const wait = windowWait(new Date(now), window);
        if (isInsideWindow(new Date(now), window)) {
          expect(wait).toBeUndefined();
          return;
        }
        expect(wait).toBeDefined();
        const until = Date.parse(wait as string);
        const start = Date.parse(nextWindowStart(new Date(now), window));
        expect(until % 1000).toBe(0);
        expect(until).toBeGreaterThanOrEqual(start);
        expect(until - start).toBeLessThan(1000);
        expect(isInsideWindow(new Date(until), window)).toBe(true);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('away from DST changes, inside means the local wall clock is within the hours of a window day', () => {
    fc.assert(
      fc.property(caseArb, ({ window, now }) => {
        fc.pre(
          offsetMinutes(now - 2 * DAY, window.timeZone) === offsetMinutes(now + 2 * DAY, window.timeZone),
        );
        expect(isInsideWindow(new Date(now), window)).toBe(insideByWallClock(now, window));
      }),
      { numRuns: propertyRuns(400) },
    );
  });

  it('across DST changes, every instant whose wall clock is plainly within the hours is inside', () => {
    // Near a transition only the repeated or skipped hour may differ from the wall clock.
    fc.assert(
      fc.property(caseArb, ({ window, now }) => {
        const ambiguous = [-1, 1].some(
          (d) => offsetMinutes(now + d * 3 * HOUR, window.timeZone) !== offsetMinutes(now, window.timeZone),
        );
        fc.pre(!ambiguous);
        expect(isInsideWindow(new Date(now), window)).toBe(insideByWallClock(now, window));
      }),
      { numRuns: propertyRuns(400) },
    );
  });
});
