/**
 * Timestamps as AWS hands them out. The EKS API sends epoch seconds on the wire
 * (fractional: 1527807879.988), AWS CLI v1 prints them as such, CLI v2 and the
 * SDKs print ISO 8601 with an offset (2024-03-14T11:31:44.348000-04:00). The
 * snapshot takes either and keeps one form: UTC ISO 8601 with milliseconds, so
 * the rest of the code compares and slices one kind of string.
 */

/** Epoch seconds up to 9999-12-31T23:59:59Z: a larger number is almost surely milliseconds. */
const MAX_EPOCH_SECONDS = 253_402_300_799;

export const TIMESTAMP_FORMS =
  'an ISO 8601 timestamp with a zone (2024-03-14T11:31:44Z, offsets allowed) or epoch seconds (1710415904.348)';

/** Why a value is not a timestamp, or undefined when it is one. */
export function timestampProblem(value: unknown): string | undefined {
  return normalizeTimestamp(value) === undefined ? describeBadTimestamp(value) : undefined;
}

/**
 * The value as UTC ISO 8601 (`2024-03-14T15:31:44.348Z`), or undefined when it is
 * neither an ISO 8601 string with a zone nor a number of epoch seconds.
 */
export function normalizeTimestamp(value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value > MAX_EPOCH_SECONDS) return undefined;
    return new Date(Math.round(value * 1000)).toISOString();
  }
  if (typeof value !== 'string') return undefined;
  // A zone is required on a date-time: without one the instant depends on the reader's time zone.
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|([+-])(\d{2}):?(\d{2})))?$/.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 9, 10].map(
    (group) => Number(match[group] ?? 0),
  ) as [number, number, number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  // Built from the fields, not Date.parse: engines differ on what they let through
  // (V8 reads 2023-02-29 as March 1st and takes +0130 without its colon).
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute - offset, second, millis);
  return instant.toISOString();
}

/** Days in the month (1-12) of that year: the day before the next month's first. */
function daysInMonth(year: number, month: number): number {
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, month, 0);
  return lastDay.getUTCDate();
}

function describeBadTimestamp(value: unknown): string {
  // Stryker disable next-line EqualityOperator: MAX_EPOCH_SECONDS itself is a timestamp, never described (equivalent)
  if (typeof value === 'number' && value > MAX_EPOCH_SECONDS) {
    return `expected epoch seconds, got ${value} (epoch milliseconds? divide by 1000)`;
  }
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : String(value);
  return `expected ${TIMESTAMP_FORMS}, got ${shown}`;
}
