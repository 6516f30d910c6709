/**
 * Budget periods as a user reads them: a local day, a week starting on a chosen weekday, a calendar
 * month, all cut at local midnight in one IANA time zone (daylight-saving days are 23 or 25 hours
 * long, as on a wall clock). The 5-hour block is not calendar time: it comes from the rollups
 * (status.ts).
 */
import { isTimeZone, localMidnight, localParts, WEEKDAYS, type Weekday } from '../../collector/core/calendar.js';

export { isTimeZone, localMidnight, WEEKDAYS, type Weekday };

export interface Span {
  startMs: number;
  endMs: number;
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
