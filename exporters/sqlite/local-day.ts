/** The local calendar day of an instant in an IANA zone, for the cost timeline's day buckets. */
import { HOUR_MS, QUARTER_MS } from './quarters.js';

export type DayOf = (ms: number) => string;

/**
 * Local day (YYYY-MM-DD in `tz`) of an instant. Intl formatting costs microseconds and a year's
 * timeline asks about 8,760 hour starts (plus a few quarter hours around each midnight), so each
 * zone's answers for quarter-hour instants are remembered (bounded).
 */
const dayKeys = new Map<string, { fmt: Intl.DateTimeFormat; byQuarter: Map<number, string> }>();

export function localDayFormatter(tz: string): DayOf {
  let zone = dayKeys.get(tz);
  if (!zone) {
    if (dayKeys.size >= 16) dayKeys.clear();
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    zone = { fmt, byQuarter: new Map() };
    dayKeys.set(tz, zone);
  }
  const { fmt, byQuarter } = zone;
  return (ms) => {
    if (ms % QUARTER_MS !== 0) return fmt.format(ms);
    let key = byQuarter.get(ms);
    if (key === undefined) {
      if (byQuarter.size >= 200_000) byQuarter.clear();
      byQuarter.set(ms, (key = fmt.format(ms)));
    }
    return key;
  };
}

/**
 * Local midnight of the day `ms` falls on, exact to the quarter hour: steps back an hour at a time
 * while still on that day (at most 25), then a quarter at a time (at most 3).
 */
export function dayStartMs(ms: number, dayOf: DayOf): number {
  const day = dayOf(ms);
  let first = Math.floor(ms / QUARTER_MS) * QUARTER_MS;
  for (let i = 0; i < 26 && dayOf(first - HOUR_MS) === day; i++) first -= HOUR_MS;
  for (let i = 0; i < 3 && dayOf(first - QUARTER_MS) === day; i++) first -= QUARTER_MS;
  return first;
}
