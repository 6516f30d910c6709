/**
 * Calendar arithmetic for the CLI: local days in an IANA zone, the instants they start at, and the
 * week and month a day belongs to. No SQL, no storage: the server cuts days the same way
 * (exporters/sqlite/local-day.ts), and the CLI only needs the bounds it asks for.
 */

import { isTimeZone, localParts, offsetMs, WEEKDAYS, type Weekday } from '../core/calendar.js';

const DAY_MS = 86_400_000;

export { isTimeZone };

/** The machine's zone (what ccusage and the dashboard use by default). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** YYYY-MM-DD of the instant in the zone. */
export function localDay(ms: number, tz: string): string {
  const c = localParts(ms, tz);
  return `${c.year}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
}

/** HH:MM of the instant in the zone. */
export function localTime(ms: number, tz: string): string {
  const c = localParts(ms, tz);
  return `${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
}

function parseDay(day: string): { y: number; m: number; d: number } {
  const [y, m, d] = day.split('-').map(Number);
  return { y, m, d };
}

/**
 * The instant local midnight starts `day` (YYYY-MM-DD) in the zone. On a day that begins with a
 * daylight-saving jump the first instant that exists is taken.
 */
export function dayStartMs(day: string, tz: string): number {
  const { y, m, d } = parseDay(day);
  const wall = Date.UTC(y, m - 1, d);
  let guess = wall - offsetMs(wall, tz);
  // Two refinements settle the offset on either side of a transition.
  for (let i = 0; i < 2; i++) guess = wall - offsetMs(guess, tz);
  if (localDay(guess, tz) !== day) {
    // Midnight did not exist (clocks jumped over it): the day starts at the jump.
    const before = localDay(guess, tz) < day;
    let lo = before ? guess : guess - DAY_MS;
    let hi = before ? guess + DAY_MS : guess;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (localDay(mid, tz) < day) lo = mid;
      else hi = mid;
    }
    return hi;
  }
  return guess;
}

/** The day after (or `n` days after) a YYYY-MM-DD date, as a calendar date. */
export function addDays(day: string, n: number): string {
  const { y, m, d } = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d) + n * DAY_MS).toISOString().slice(0, 10);
}

export const WEEK_DAYS = WEEKDAYS;
export type WeekDay = Weekday;

/** The first day (YYYY-MM-DD) of the week holding `day`, weeks starting on `start`. */
export function weekOf(day: string, start: WeekDay): string {
  const { y, m, d } = parseDay(day);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  const back = (weekday - WEEK_DAYS.indexOf(start) + 7) % 7;
  return addDays(day, -back);
}

/** YYYY-MM of a YYYY-MM-DD date. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/**
 * A --since/--until value: YYYYMMDD (as ccusage takes it) or YYYY-MM-DD, a day in the report's
 * zone; or an ISO date-time with a zone or Z, an instant. Returns the day or the instant, or null.
 */
export function parseDateArg(value: string): { day: string } | { instant: number } | null {
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(value) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) {
    const day = `${m[1]}-${m[2]}-${m[3]}`;
    const ms = Date.parse(`${day}T00:00:00Z`);
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day ? null : { day };
  }
  m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.exec(value);
  if (m) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : { instant: ms };
  }
  return null;
}
