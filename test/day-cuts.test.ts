/**
 * Days end at local midnight in every time zone (issue 10, point 15): zones whose offset is not whole
 * hours (India +5:30, Nepal +5:45, Adelaide +9:30/+10:30, Newfoundland −3:30/−2:30) get their day
 * buckets and since/until cut at local midnight exactly, DST days have 23 or 25 hours, and the days
 * add up to the range's total. Real server, real SQLite file, HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

const MIN = 60_000;
const QUARTER = 15 * MIN;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** One local midnight per case (UTC instant, checked against Intl below); the cases are days apart. */
const MIDNIGHTS = [
  { tz: 'Asia/Kolkata', before: '2026-01-14', after: '2026-01-15', midnight: '2026-01-14T18:30:00.000Z' }, // +5:30
  { tz: 'Asia/Kathmandu', before: '2026-01-24', after: '2026-01-25', midnight: '2026-01-24T18:15:00.000Z' }, // +5:45
  { tz: 'Australia/Adelaide', before: '2026-02-03', after: '2026-02-04', midnight: '2026-02-03T13:30:00.000Z' }, // +10:30 (summer time)
  { tz: 'Australia/Adelaide', before: '2026-07-14', after: '2026-07-15', midnight: '2026-07-14T14:30:00.000Z' }, // +9:30
  { tz: 'America/St_Johns', before: '2026-02-13', after: '2026-02-14', midnight: '2026-02-14T03:30:00.000Z' }, // −3:30
  { tz: 'America/St_Johns', before: '2026-07-24', after: '2026-07-25', midnight: '2026-07-25T02:30:00.000Z' }, // −2:30 (summer time)
];

/** DST change days: the local day, its local midnight and the next one — 23 or 25 hours apart (Lord Howe: 23.5, 24.5). */
const DST_DAYS = [
  { tz: 'Australia/Adelaide', day: '2026-10-04', start: '2026-10-03T14:30:00.000Z', end: '2026-10-04T13:30:00.000Z', hours: 23 },
  { tz: 'Australia/Adelaide', day: '2026-04-05', start: '2026-04-04T13:30:00.000Z', end: '2026-04-05T14:30:00.000Z', hours: 25 },
  { tz: 'America/St_Johns', day: '2026-03-08', start: '2026-03-08T03:30:00.000Z', end: '2026-03-09T02:30:00.000Z', hours: 23 },
  { tz: 'America/St_Johns', day: '2026-11-01', start: '2026-11-01T02:30:00.000Z', end: '2026-11-02T03:30:00.000Z', hours: 25 },
  // Lord Howe Island moves its clocks by half an hour (+10:30 / +11).
  { tz: 'Australia/Lord_Howe', day: '2025-10-05', start: '2025-10-04T13:30:00.000Z', end: '2025-10-05T13:00:00.000Z', hours: 23.5 },
  { tz: 'Australia/Lord_Howe', day: '2025-04-06', start: '2025-04-05T13:00:00.000Z', end: '2025-04-06T13:30:00.000Z', hours: 24.5 },
];

function localDay(tz: string, ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

function usage(id: string, ms: number, tokensIn: number) {
  return {
    event_id: id,
    session_id: 'day-cuts',
    agent_type: 'claude_code',
    event_type: 'api_request',
    model: 'claude-haiku-4-5',
    tokens_in: tokensIn,
    tokens_out: 0,
    client_timestamp: new Date(ms).toISOString(),
  };
}

/** Around each midnight: 23:50, 23:59:59.999, 00:00 and 00:10 local, each with its own token count. */
const AROUND = [
  { offset: -10 * MIN, tokens: 1 },
  { offset: -1, tokens: 1000 },
  { offset: 0, tokens: 100 },
  { offset: 10 * MIN, tokens: 10 },
];

/** Every quarter hour from an hour before a DST day to an hour after it; token counts 1, 2, 3, …. */
function dstEvents(d: (typeof DST_DAYS)[number]) {
  const out: Array<{ ms: number; tokens: number }> = [];
  for (let ms = Date.parse(d.start) - HOUR, i = 1; ms < Date.parse(d.end) + HOUR; ms += QUARTER, i++) out.push({ ms: ms + 7 * MIN, tokens: i });
  return out;
}

describe('day and range cuts at local midnight in zones with non-whole-hour offsets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    const events = [
      ...MIDNIGHTS.flatMap((c, i) => AROUND.map((a, j) => usage(`m${i}-${j}`, Date.parse(c.midnight) + a.offset, a.tokens))),
      ...DST_DAYS.flatMap((d, i) => dstEvents(d).map((e, j) => usage(`d${i}-${j}`, e.ms, e.tokens))),
    ];
    const res = await server.post('/api/events/batch', { events });
    expect(res.status).toBe(200);
    expect(res.body.ids).toHaveLength(events.length);
  });
  afterAll(async () => server?.cleanup());

  const cost = async (params: Record<string, string>) => {
    const { status, body } = await server.get(`/api/stats/cost?${new URLSearchParams(params)}`);
    expect(status).toBe(200);
    return body;
  };

  it.each(MIDNIGHTS)('$tz: 23:50 and 00:10 around $midnight fall on $before and $after', async (c) => {
    const midnight = Date.parse(c.midnight);
    // The table's midnights are what the zone database says.
    expect([localDay(c.tz, midnight - 1), localDay(c.tz, midnight)]).toEqual([c.before, c.after]);
    const window = { since: new Date(midnight - 2 * DAY).toISOString(), until: new Date(midnight + 2 * DAY).toISOString() };
    const body = await cost({ ...window, bucket: 'day', tz: c.tz });
    expect(body.timeline.map((b: any) => [b.bucket, b.tokens_in])).toEqual([
      [c.before, 1001],
      [c.after, 110],
    ]);
    // The later day starts at that local midnight, to the minute.
    expect(body.timeline[1].start).toBe(c.midnight);
    // All days add up to the range's total.
    expect(body.totals.tokens_in).toBe(1111);
    expect(body.timeline.reduce((n: number, b: any) => n + b.tokens_in, 0)).toBe(body.totals.tokens_in);
    expect(body.timeline.reduce((n: number, b: any) => n + b.cost_usd, 0)).toBeCloseTo(body.totals.cost_usd, 9);
  });

  it.each(MIDNIGHTS)('$tz: since and until at local midnight $midnight include and exclude exactly', async (c) => {
    const midnight = Date.parse(c.midnight);
    const since = await cost({ since: c.midnight, until: new Date(midnight + DAY).toISOString(), bucket: 'day', tz: c.tz });
    expect(since.totals.tokens_in).toBe(110); // 00:00 and 00:10; not 23:59:59.999
    expect(since.by_model.map((m: any) => [m.model, m.tokens_in])).toEqual([['claude-haiku-4-5', 110]]);
    expect(since.timeline.map((b: any) => [b.bucket, b.tokens_in])).toEqual([[c.after, 110]]);
    const until = await cost({ since: new Date(midnight - DAY).toISOString(), until: c.midnight, bucket: 'day', tz: c.tz });
    expect(until.totals.tokens_in).toBe(1001); // 23:50 and 23:59:59.999; not 00:00
    expect(until.by_agent.map((a: any) => [a.agent_type, a.tokens_in])).toEqual([['claude_code', 1001]]);
    expect(until.timeline.map((b: any) => [b.bucket, b.tokens_in])).toEqual([[c.before, 1001]]);
    // Hour buckets: the hour holding midnight is cut at since/until too.
    const hours = await cost({ since: c.midnight, until: new Date(midnight + HOUR).toISOString(), bucket: 'hour', tz: c.tz });
    expect(hours.timeline.reduce((n: number, b: any) => n + b.tokens_in, 0)).toBe(110);
  });

  it.each(DST_DAYS)('$tz: $day has $hours hours', async (d) => {
    const start = Date.parse(d.start);
    const end = Date.parse(d.end);
    expect((end - start) / HOUR).toBe(d.hours);
    expect(localDay(d.tz, start)).toBe(d.day);
    expect(localDay(d.tz, end - 1)).toBe(d.day);
    expect(localDay(d.tz, start - 1)).not.toBe(d.day);
    expect(localDay(d.tz, end)).not.toBe(d.day);

    const events = dstEvents(d);
    const window = { since: new Date(start - 2 * HOUR).toISOString(), until: new Date(end + 2 * HOUR).toISOString() };
    const body = await cost({ ...window, bucket: 'day', tz: d.tz });
    const byDay = new Map<string, number>();
    for (const e of events) byDay.set(localDay(d.tz, e.ms), (byDay.get(localDay(d.tz, e.ms)) ?? 0) + e.tokens);
    expect(body.timeline.map((b: any) => [b.bucket, b.tokens_in])).toEqual([...byDay]);
    const day = body.timeline.find((b: any) => b.bucket === d.day);
    // One event per quarter hour: 92 in a 23-hour day, 100 in a 25-hour one, 94 and 98 on Lord Howe.
    expect(day.events).toBe(d.hours * 4);
    expect(day.start).toBe(d.start);
    expect(body.timeline[body.timeline.length - 1].start).toBe(d.end);
    expect(body.timeline.reduce((n: number, b: any) => n + b.tokens_in, 0)).toBe(body.totals.tokens_in);
    expect(body.totals.events).toBe(events.length);

    // The day alone, cut by since/until at its two local midnights.
    const alone = await cost({ since: d.start, until: d.end, bucket: 'day', tz: d.tz });
    expect(alone.totals.events).toBe(d.hours * 4);
    expect(alone.totals.tokens_in).toBe(byDay.get(d.day));
    expect(alone.timeline.map((b: any) => [b.bucket, b.start, b.events])).toEqual([[d.day, d.start, d.hours * 4]]);
  });

  it('widens a since/until off the quarter hour to the quarter hours it touches', async () => {
    const c = MIDNIGHTS[0];
    const midnight = Date.parse(c.midnight);
    // since 00:07 reads from 00:00; until 23:52 reads to 00:00 (the quarter 23:45–00:00 is whole).
    const since = await cost({ since: new Date(midnight + 7 * MIN).toISOString(), until: new Date(midnight + HOUR).toISOString() });
    expect(since.totals.tokens_in).toBe(110);
    const until = await cost({ since: new Date(midnight - HOUR).toISOString(), until: new Date(midnight - 8 * MIN).toISOString() });
    expect(until.totals.tokens_in).toBe(1001);
  });
});
