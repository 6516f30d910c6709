/**
 * Budget periods as a user reads them: a local day, a week starting on a chosen weekday, a calendar
 * month, all cut at local midnight in one IANA time zone (daylight-saving days are 23 or 25 hours
 * long, as on a wall clock). The 5-hour block is not calendar time: it comes from the rollups
 * (status.ts).
 */
export type Weekday = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';
export const WEEKDAYS: readonly Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export interface Span {
  startMs: number;
  endMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, tz: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out as unknown as LocalParts;
}

/** The zone's offset from UTC at an instant, in ms (east positive). */
function offsetMs(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant of local midnight starting a calendar date (month may overflow: Date.UTC normalises it). */
export function localMidnight(year: number, month: number, day: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day);
  // Twice: the offset at the first estimate may differ from the offset at midnight (DST days).
  const first = guess - offsetMs(guess, tz);
  return guess - offsetMs(first, tz);
}

/** Whether a string names a time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export function daySpan(nowMs: number, tz: string): Span {
  const p = localParts(nowMs, tz);
  return { startMs: localMidnight(p.year, p.month, p.day, tz), endMs: localMidnight(p.year, p.month, p.day + 1, tz) };
}

export function weekSpan(nowMs: number, tz: string, weekStart: Weekday): Span {
  const p = localParts(nowMs, tz);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  const back = (weekday - WEEKDAYS.indexOf(weekStart) + 7) % 7;
  return {
    startMs: localMidnight(p.year, p.month, p.day - back, tz),
    endMs: localMidnight(p.year, p.month, p.day - back + 7, tz),
  };
}

export function monthSpan(nowMs: number, tz: string): Span {
  const p = localParts(nowMs, tz);
  return { startMs: localMidnight(p.year, p.month, 1, tz), endMs: localMidnight(p.year, p.month + 1, 1, tz) };
}
