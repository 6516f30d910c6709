/** The local calendar day of an instant in an IANA zone, for the cost timeline's day buckets. */

/**
 * Local day (YYYY-MM-DD in `tz`) of each hour start. Intl formatting costs microseconds and a
 * year's timeline has 8,760 hours, so each zone's answers are remembered (bounded).
 */
const dayKeys = new Map<string, { fmt: Intl.DateTimeFormat; byHour: Map<number, string> }>();

export function localDayFormatter(tz: string): (d: Date) => string {
  let zone = dayKeys.get(tz);
  if (!zone) {
    if (dayKeys.size >= 16) dayKeys.clear();
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    zone = { fmt, byHour: new Map() };
    dayKeys.set(tz, zone);
  }
  const { fmt, byHour } = zone;
  return (d) => {
    const ms = d.getTime();
    if (ms % 3_600_000 !== 0) return fmt.format(d);
    let key = byHour.get(ms);
    if (key === undefined) {
      if (byHour.size >= 200_000) byHour.clear();
      byHour.set(ms, (key = fmt.format(d)));
    }
    return key;
  };
}
