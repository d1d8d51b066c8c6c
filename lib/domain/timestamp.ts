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
  const iso8601 =
    /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;
  const match = iso8601.exec(value.trim());
  if (!match) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match
    .slice(1)
    .map((group) => (group === undefined ? 0 : Number(group)));
  if (!calendarDateExists(year, month, day)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.parse reads fractions of any length and numeric offsets; the regex already vouched for the form.
  const millis = Date.parse(value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}

function calendarDateExists(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function describeBadTimestamp(value: unknown): string {
  if (typeof value === 'number' && value > MAX_EPOCH_SECONDS) {
    return `expected epoch seconds, got ${value} (epoch milliseconds? divide by 1000)`;
  }
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : String(value);
  return `expected ${TIMESTAMP_FORMS}, got ${shown}`;
}
