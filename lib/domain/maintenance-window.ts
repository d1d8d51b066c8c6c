import { AgentError } from './errors';
import type { UpgradeStep } from './plan-types';

/**
 * Maintenance windows (as SSM Maintenance Windows, GKE and AKS have them): the days a
 * window opens on, its wall-clock hours and an IANA time zone. A window opens on each of
 * its days at the start time, local time, and closes at the end time, the same day or,
 * when the end is not after the start ("22:00-04:00"), the next day. Wall times are
 * turned into instants with the zone's rules of that day (Intl.DateTimeFormat, no
 * library): a window is the time the wall clock shows its hours, so one that opens in a
 * spring-forward gap opens when the clocks jump (02:30 in Europe/Berlin on the last
 * Sunday of March opens at 03:00 CEST), one wholly inside the gap does not open that
 * day, and an ambiguous wall time of the autumn is its first occurrence (the repeated
 * hour is inside). Pure: the caller passes `now`.
 */

export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A window as configured, normalised: days in week order (MON first), hours "HH:MM-HH:MM", a zone Intl knows. */
export interface MaintenanceWindow {
  /** The days the window opens on. */
  readonly days: readonly Weekday[];
  /** "HH:MM-HH:MM", local time; an end not after the start closes the next day; "24:00" is midnight. */
  readonly hours: string;
  /** IANA time zone, e.g. Europe/Berlin. */
  readonly timeZone: string;
}

/** The window's configuration is malformed: one of these names the key. */
export abstract class InvalidMaintenanceWindowError extends AgentError {
  readonly retryable = false;
  /** The configuration key at fault (below maintenanceWindow). */
  abstract readonly key: 'days' | 'hours' | 'timeZone';
}

export class InvalidTimeZoneError extends InvalidMaintenanceWindowError {
  override readonly name = 'InvalidTimeZoneError';
  readonly key = 'timeZone';
  constructor(readonly timeZone: unknown) {
    super(
      `maintenance window time zone ${JSON.stringify(timeZone)} is not an IANA time zone: ` +
        'use a name such as Europe/Berlin, America/New_York or UTC (see `Intl.supportedValuesOf("timeZone")`)',
    );
  }
}

export class InvalidWindowDaysError extends InvalidMaintenanceWindowError {
  override readonly name = 'InvalidWindowDaysError';
  readonly key = 'days';
  constructor(
    readonly days: unknown,
    detail: string,
  ) {
    super(
      `maintenance window days ${JSON.stringify(days)}: ${detail}; ` +
        'give days as MON,TUE,WED,THU,FRI,SAT,SUN, ranges such as MON-FRI (FRI-MON wraps), or a list of them',
    );
  }
}

export class InvalidWindowHoursError extends InvalidMaintenanceWindowError {
  override readonly name = 'InvalidWindowHoursError';
  readonly key = 'hours';
  constructor(
    readonly hours: unknown,
    detail: string,
  ) {
    super(
      `maintenance window hours ${JSON.stringify(hours)}: ${detail}; ` +
        'give local start and end as HH:MM-HH:MM, e.g. 02:00-06:00, or 22:00-04:00 to close the next day, 00:00-24:00 for a whole day',
    );
  }
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** @throws InvalidWindowDaysError */
export function parseWindowDays(value: unknown): Weekday[] {
  const items =
    typeof value === 'string'
      ? value.split(',')
      : Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? value.flatMap((v: string) => v.split(','))
        : undefined;
  if (items === undefined) throw new InvalidWindowDaysError(value, 'not a text or a list of texts');
  const chosen = new Set<number>();
  for (const raw of items) {
    const item = raw.trim().toUpperCase();
    if (item === '') throw new InvalidWindowDaysError(value, 'an empty day');
    const ends = item.split('-').map((d) => d.trim());
    if (ends.length > 2) throw new InvalidWindowDaysError(value, `"${raw.trim()}" is not a day or a range`);
    // One day or two: `split` gives at least one part.
    const [a, b = a] = ends.map((day) => dayIndex(value, day)) as [number, number?];
    for (let d = a; ; d = (d + 1) % 7) {
      chosen.add(d);
      if (d === b) break;
    }
  }
  // Week order as people write it: MON first.
  return [1, 2, 3, 4, 5, 6, 0].filter((d) => chosen.has(d)).map((d) => WEEKDAYS[d] as Weekday);
}

function dayIndex(value: unknown, day: string): number {
  const i = WEEKDAYS.indexOf(day.slice(0, 3) as Weekday);
  if (i === -1 || !(day.length === 3 || FULL_DAY_NAMES[i] === day)) {
    throw new InvalidWindowDaysError(value, `"${day}" is not a day of the week`);
  }
  return i;
}

const FULL_DAY_NAMES = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** Minutes after local midnight of the start and the end (the end in 1..1440). @throws InvalidWindowHoursError */
export function parseWindowHours(value: unknown): { readonly start: number; readonly end: number } {
  if (typeof value !== 'string') throw new InvalidWindowHoursError(value, 'not a text');
  const match = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!match) throw new InvalidWindowHoursError(value, 'not HH:MM-HH:MM');
  const [sh, sm, eh, em] = match.slice(1).map(Number) as [number, number, number, number];
  if (sh > 23 || sm > 59)
    throw new InvalidWindowHoursError(value, 'the start is not a time of day (00:00-23:59)');
  if (em > 59 || eh > 24 || (eh === 24 && em !== 0))
    throw new InvalidWindowHoursError(value, 'the end is not a time of day (00:00-24:00)');
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  if (start === end)
    throw new InvalidWindowHoursError(value, 'the window is empty (start and end are the same time)');
  return { start, end: end === 0 ? 1440 : end };
}

/** The zone as Intl names it. @throws InvalidTimeZoneError */
export function checkTimeZone(value: unknown): string {
  // An empty or blank name is refused by Intl itself.
  // Stryker disable next-line ConditionalExpression: without it, trim() on a non-string throws inside the try below, with the same result (equivalent)
  if (typeof value !== 'string') throw new InvalidTimeZoneError(value);
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value.trim() }).resolvedOptions().timeZone;
  } catch {
    throw new InvalidTimeZoneError(value);
  }
}

/**
 * A window from configuration: days (default every day), hours, time zone (default UTC).
 * @throws InvalidWindowDaysError, InvalidWindowHoursError, InvalidTimeZoneError
 */
export function parseMaintenanceWindow(raw: {
  readonly days?: unknown;
  readonly hours?: unknown;
  readonly timeZone?: unknown;
}): MaintenanceWindow {
  const days = parseWindowDays(raw.days ?? 'MON-SUN');
  const { start, end } = parseWindowHours(raw.hours);
  const timeZone = checkTimeZone(raw.timeZone ?? 'UTC');
  return { days, hours: `${hhmm(start)}-${hhmm(end)}`, timeZone };
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "MON-FRI 02:00-06:00 Europe/Berlin": for messages and events. */
export function describeWindow(window: MaintenanceWindow): string {
  return `${window.days.join(',')} ${window.hours} ${window.timeZone}`;
}

// ---- Time zone arithmetic (Intl only).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  // Stryker disable next-line ConditionalExpression: a cache; a new formatter each time reads the same (equivalent)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock at `ms` in the zone, as if it were UTC (ms). */
function wallAt(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  // Literal parts (the separators) come in too, as NaN under their own key, and are not read.
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = Number(p.value);
  const year = parts.year ?? 1970;
  // Years before 100 would be read as 19xx by Date.UTC.
  const d = new Date(0);
  d.setUTCFullYear(year, (parts.month ?? 1) - 1, parts.day ?? 1);
  d.setUTCHours(parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, 0);
  return d.getTime() + (((ms % 1000) + 1000) % 1000);
}

/** The zone's offset (ms, local minus UTC) at the instant `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  return wallAt(ms, timeZone) - ms;
}

/**
 * The instant a local wall time (given as if UTC, ms) happens in the zone: the earlier
 * of two in an autumn overlap; in a spring gap, the instant the clocks jump over it.
 */
export function instantOfWallTime(wall: number, timeZone: string): number {
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const fits = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t);
  if (fits.length > 0) return Math.min(...fits);
  // A gap: the wall time never shows; the clocks jump past it at the transition.
  let lo = wall - after; // still on the offset before the jump
  let hi = wall - before; // already on the offset after it
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** One opening of a window: [opensAt, closesAt) in ms. */
interface Opening {
  readonly opensAt: number;
  readonly closesAt: number;
}

/** The openings of the windows that open on local dates from `firstDay` (a local midnight as if UTC), `count` days. */
function openings(window: MaintenanceWindow, firstDay: number, count: number): Opening[] {
  const { start, end } = parseWindowHours(window.hours);
  const days = new Set(window.days.map((d) => WEEKDAYS.indexOf(d)));
  return (
    Array.from({ length: count }, (_, i) => firstDay + i * DAY_MS)
      .filter((day) => days.has(new Date(day).getUTCDay()))
      .map((day) => ({
        opensAt: instantOfWallTime(day + start * MINUTE_MS, window.timeZone),
        // Stryker disable next-line EqualityOperator: start and end are never equal (parseWindowHours refuses it) (equivalent)
        closesAt: instantOfWallTime((end > start ? day : day + DAY_MS) + end * MINUTE_MS, window.timeZone),
      }))
      // A short window inside a spring gap does not happen that day.
      .filter((o) => o.closesAt > o.opensAt)
  );
}

/** The local midnight (as if UTC) of the date `ms` falls on in the zone. */
function localDay(ms: number, timeZone: string): number {
  const wall = wallAt(ms, timeZone);
  return wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);
}

/** Whether `now` is inside an opening of the window. */
export function isInsideWindow(now: Date, window: MaintenanceWindow): boolean {
  const t = now.getTime();
  // A window closes at most a day (and a DST hour) after the date it opens on.
  return openings(window, localDay(t, window.timeZone) - 2 * DAY_MS, 3).some(
    (o) => o.opensAt <= t && t < o.closesAt,
  );
}

/** How far ahead nextWindowStart looks: a week, and a week more for a window lost to a DST gap. */
const SEARCH_DAYS = 16;

/**
 * The first instant at or after `now` at which a window opens (ISO 8601, UTC). `now` is
 * not itself returned when it is inside a window that opened earlier: see `windowWait`.
 */
export function nextWindowStart(now: Date, window: MaintenanceWindow): string {
  const t = now.getTime();
  const next = openings(window, localDay(t, window.timeZone) - DAY_MS, SEARCH_DAYS).find(
    (o) => o.opensAt >= t,
  );
  // Unreachable: every configured day opens a window within SEARCH_DAYS.
  if (next === undefined) throw new InvalidWindowDaysError(window.days, 'no window opens in two weeks');
  return new Date(next.opensAt).toISOString();
}

/**
 * Where `now` stands: undefined when inside a window (start now), else when the next
 * window opens (ISO 8601 UTC, whole seconds up, so a Wait state's timestamp is not before it).
 */
export function windowWait(now: Date, window: MaintenanceWindow | undefined): string | undefined {
  if (window === undefined || isInsideWindow(now, window)) return undefined;
  const at = Date.parse(nextWindowStart(now, window));
  return new Date(Math.ceil(at / 1000) * 1000).toISOString();
}

/**
 * The first instant at or after `now` inside a window (ms): `now` itself when inside.
 * For the schedule guard, which replays a plan against the windows.
 */
export function firstOpenInstant(now: number, window: MaintenanceWindow): number {
  const date = new Date(now);
  return isInsideWindow(date, window) ? now : Date.parse(nextWindowStart(date, window));
}

/**
 * Whether the step at `index` is the first of its hop (the first step of the plan, or
 * the first of the next hop: its pre-hop moves, else its control plane). Only these
 * wait for a window: a hop once started runs to its end, in or out of the window.
 */
export function opensHop(steps: readonly UpgradeStep[], index: number): boolean {
  const step = steps[index];
  if (step === undefined || step.kind === 'gate') return false;
  // The first step has no step before it: undefined is no hop.
  return steps[index - 1]?.hop !== step.hop;
}
