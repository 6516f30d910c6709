/**
 * The `agentstats` report commands against a real server and its SQLite file: each report's totals
 * equal /api/stats/cost for the same range and zone (India's half-hour offset included), rows add
 * up to them, filters and per-model breakdowns agree with the filtered API, the --json shape is
 * ccusage's, tables fit the width asked for, and with the server stopped the same command reads the
 * database file and prints the same numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { runCli } from './helpers/cli.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-01-05T00:00:00Z');
const MODELS = ['claude-sonnet-4-5', 'claude-opus-4-1', 'gpt-5', 'no-such-model-x'];

function events() {
  const out = [];
  // 12 days, an API call every 2h 15m (so calls fall on every quarter of the hour and across India's midnight).
  for (let i = 0, t = START; t < START + 12 * 24 * HOUR; i++, t += 2.25 * HOUR) {
    out.push({
      event_id: `cli-${i}`,
      session_id: `5e55${String(i % 5).padStart(4, '0')}-0000-4000-8000-00000000000${i % 5}`,
      agent_type: i % 3 === 0 ? 'codex' : 'claude_code',
      event_type: 'api_request',
      model: MODELS[i % MODELS.length],
      project: i % 2 ? 'alpha' : 'beta',
      tokens_in: 1000 + i,
      tokens_out: 300 + i,
      cache_read_tokens: 4000,
      cache_write_tokens: 200,
      client_timestamp: new Date(t + (i % 4) * 15 * 60_000).toISOString(),
    });
  }
  return out;
}

type Totals = { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; totalTokens: number; totalCost: number; unpricedTokens: number };

function fromApi(t: Record<string, number>): Totals {
  return {
    inputTokens: t.tokens_in,
    outputTokens: t.tokens_out,
    cacheCreationTokens: t.cache_write_tokens,
    cacheReadTokens: t.cache_read_tokens,
    totalTokens: t.total_tokens,
    totalCost: t.cost_usd,
    unpricedTokens: t.unpriced_tokens,
  };
}

function pick(t: Totals): Totals {
  const { inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, totalTokens, totalCost, unpricedTokens } = t;
  return { inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, totalTokens, totalCost, unpricedTokens };
}

function sumRows(rows: Totals[]): Totals {
  const s = { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, totalCost: 0, unpricedTokens: 0 };
  for (const r of rows) for (const k of Object.keys(s) as Array<keyof Totals>) s[k] += r[k];
  s.totalCost = Math.round(s.totalCost * 1e6) / 1e6;
  return s;
}

describe('agentstats reports', () => {
  let server: TestServer;
  let env: Record<string, string>;
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: { ...env, ...extra }, cwd: server.dir });
  const json = async (args: string[]) => {
    const r = await cli([...args, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Record<string, any>;
  };
  const apiOutputs = new Map<string, Record<string, any>>();
  const CASES: Array<{ name: string; args: string[] }> = [
    { name: 'daily', args: ['daily', '-s', '20260106', '-u', '20260114', '-z', 'Asia/Kolkata'] },
    { name: 'weekly', args: ['weekly', '--since', '2026-01-06', '--until', '2026-01-16', '--timezone', 'Asia/Kolkata', '-w', 'monday'] },
    { name: 'monthly', args: ['monthly', '-z', 'America/New_York'] },
    { name: 'daily-project', args: ['daily', '--project', 'alpha', '--agent', 'claude_code', '-z', 'Asia/Kolkata', '--order', 'desc'] },
    { name: 'session', args: ['session', '--since', '20260110', '-z', 'UTC'] },
    { name: 'blocks', args: ['blocks', '--since', '20260108', '--until', '20260110', '-z', 'UTC'] },
  ];

  beforeAll(async () => {
    server = await startTestServer();
    const res = await server.post('/api/events/batch', { events: events() });
    expect(res.status).toBe(200);
    env = { HOME: server.dir, AGENTSTATS_PORT: String(server.port), AGENTSTATS_DB_PATH: server.dbPath, TZ: 'UTC' };
    for (const c of CASES) apiOutputs.set(c.name, await json(c.args));
  }, 60_000);
  afterAll(async () => server?.cleanup());

  it('daily in Asia/Kolkata: totals are /api/stats/cost for the same range and zone, and the days add up to them', async () => {
    const out = apiOutputs.get('daily')!;
    expect(out.agentstats.source).toBe('api');
    const since = new Date(Date.parse('2026-01-05T18:30:00Z')).toISOString(); // 6 January, local midnight
    const until = new Date(Date.parse('2026-01-14T18:30:00Z')).toISOString(); // after 14 January
    expect([out.agentstats.since, out.agentstats.until]).toEqual([since, until]);
    const api = await server.get(`/api/stats/cost?since=${since}&until=${until}&tz=Asia/Kolkata&bucket=day`);
    expect(pick(out.totals)).toEqual(fromApi(api.body.totals));
    expect(out.totals.totalCost).toBeGreaterThan(0);
    expect(out.daily.map((d: { date: string }) => d.date)).toEqual(api.body.timeline.map((b: { bucket: string }) => b.bucket));
    expect(out.daily).toHaveLength(9);
    const sum = sumRows(out.daily);
    expect(sum.totalTokens).toBe(out.totals.totalTokens);
    expect(sum.totalCost).toBeCloseTo(out.totals.totalCost, 5);
    // ccusage's shape: every row has modelsUsed and modelBreakdowns that add up to the row.
    for (const d of out.daily) {
      expect(Object.keys(d)).toEqual(expect.arrayContaining(['date', 'inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'totalTokens', 'totalCost', 'modelsUsed', 'modelBreakdowns']));
      expect(sumRows(d.modelBreakdowns.map((m: Totals & { cost: number }) => ({ ...m, totalCost: m.cost }))).totalTokens).toBe(d.totalTokens);
      for (const m of d.modelBreakdowns) expect(Object.keys(m)).toEqual(expect.arrayContaining(['modelName', 'inputTokens', 'outputTokens', 'cost']));
    }
    // The unknown model's tokens are unpriced, not $0.
    const unknown = out.daily.flatMap((d: { modelBreakdowns: Array<{ modelName: string; unpricedTokens: number }> }) => d.modelBreakdowns).filter((m: { modelName: string }) => m.modelName === 'no-such-model-x');
    expect(unknown.length).toBeGreaterThan(0);
    for (const m of unknown) expect(m.unpricedTokens).toBeGreaterThan(0);
  });

  it('weekly (weeks from Monday) and monthly totals equal /api/stats/cost', async () => {
    const weekly = apiOutputs.get('weekly')!;
    const since = '2026-01-05T18:30:00.000Z';
    const until = '2026-01-16T18:30:00.000Z';
    const api = await server.get(`/api/stats/cost?since=${since}&until=${until}&tz=Asia/Kolkata`);
    expect(pick(weekly.totals)).toEqual(fromApi(api.body.totals));
    expect(weekly.weekly.map((w: { week: string }) => w.week)).toEqual(['2026-01-05', '2026-01-12']);
    expect(sumRows(weekly.weekly).totalTokens).toBe(weekly.totals.totalTokens);

    const monthly = apiOutputs.get('monthly')!;
    const all = await server.get('/api/stats/cost?tz=America/New_York');
    expect(pick(monthly.totals)).toEqual(fromApi(all.body.totals));
    expect(monthly.monthly.map((m: { month: string }) => m.month)).toEqual(['2026-01']);
  });

  it('--project and --agent use the server-side filters; --order desc', async () => {
    const out = apiOutputs.get('daily-project')!;
    const api = await server.get('/api/stats/cost?project=alpha&agent_type=claude_code&tz=Asia/Kolkata');
    expect(pick(out.totals)).toEqual(fromApi(api.body.totals));
    const unfiltered = await server.get('/api/stats/cost?tz=Asia/Kolkata');
    expect(out.totals.totalTokens).toBeLessThan(unfiltered.body.totals.total_tokens);
    const dates = out.daily.map((d: { date: string }) => d.date);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('session and blocks: the sessions in the range with their whole cost; blocks as /api/stats/blocks has them', async () => {
    const sessions = apiOutputs.get('session')!;
    const api = await server.get('/api/sessions?limit=100');
    expect(sessions.sessions.map((s: { sessionId: string }) => s.sessionId).sort()).toEqual(api.body.sessions.map((s: { session_id: string }) => s.session_id).sort());
    const cost = api.body.sessions.reduce((a: number, s: { cost_usd: number }) => a + s.cost_usd, 0);
    expect(sessions.totals.totalCost).toBeCloseTo(cost, 5);
    for (const s of sessions.sessions) expect(Object.keys(s)).toEqual(expect.arrayContaining(['sessionId', 'totalCost', 'lastActivity', 'modelsUsed', 'projectPath']));

    const blocks = apiOutputs.get('blocks')!;
    const apiBlocks = await server.get('/api/stats/blocks?since=2026-01-08T00:00:00.000Z&until=2026-01-11T00:00:00.000Z&limit=50');
    expect(blocks.blocks.map((b: { startTime: string; costUSD: number; totalTokens: number }) => [b.startTime, b.costUSD, b.totalTokens])).toEqual(
      apiBlocks.body.blocks.map((b: { start: string; cost_usd: number; total_tokens: number }) => [b.start, b.cost_usd, b.total_tokens]),
    );
    expect(blocks.blocks.length).toBeGreaterThan(3);
  });

  it('tables fit the width, carry a totals row, no colour in a pipe; money like a bill', async () => {
    for (const width of [60, 100, 160]) {
      const r = await cli(['daily', '--breakdown', '-z', 'Asia/Kolkata'], { COLUMNS: String(width) });
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      const table = lines.slice(0, lines.findIndex((l) => l.startsWith('Total')) + 1);
      for (const line of table) expect(line.length).toBeLessThanOrEqual(width);
      expect(r.stdout.includes('\u001b[')).toBe(false);
      expect(table.at(-1)).toMatch(/^Total\s.*\$\d[\d,]*\.\d\d \+ unpriced$/);
      expect(r.stdout).toMatch(/└ no-such-model-x .*unpriced$/m);
      if (width >= 160) expect(lines[0]).toMatch(/Date\s+Models\s+Input\s+Output\s+Cache write\s+Cache read\s+Total tokens\s+Cost \(USD\)/);
    }
    const forced = await cli(['monthly'], { FORCE_COLOR: '1' });
    expect(forced.stdout.includes('\u001b[')).toBe(true);
    const none = await cli(['monthly'], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(none.stdout.includes('\u001b[')).toBe(false);
  });

  it('bad options are usage errors (exit 2) with the reason', async () => {
    expect(await cli(['daily', '--since', '2026-13-01'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--since') });
    expect(await cli(['daily', '--timezone', 'Mars/Olympus'])).toMatchObject({ code: 2, stderr: expect.stringContaining('IANA') });
    expect(await cli(['blocks', '--project', 'alpha'])).toMatchObject({ code: 2 });
    expect(await cli(['nonsense'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command') });
  });

  it('with the server stopped, every report reads the database file and prints the same numbers', async () => {
    await server.stop();
    for (const c of CASES) {
      const out = await json(c.args);
      expect(out.agentstats.source).toBe('database');
      const api = apiOutputs.get(c.name)!;
      const strip = (o: Record<string, any>) => ({ ...o, agentstats: { ...o.agentstats, source: null, where: null, now: null } });
      expect(strip(out), c.name).toEqual(strip(api));
    }
    const table = await cli(['daily', '-z', 'Asia/Kolkata']);
    expect(table.stdout).toContain(`from the database file ${server.dbPath} (the server is not answering)`);
    const refused = await cli(['daily', '--source', 'api']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ECONNREFUSED|connect/);
  });
});
