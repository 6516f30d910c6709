/**
 * Drill-down, custom range, the project page and export in real Chromium (Debian's
 * /usr/bin/chromium via playwright-core) against the real server, seeded through the ingest API.
 * Every figure checked on screen is compared with what the API answers for the same filters.
 * Screenshots (light, dark, 400 px) go to test-artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Route, chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestServer, type TestServer } from './helpers/server.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const HOUR = 3_600_000;
const NOW = Date.now();

/** Usage in three projects over the last 5 days, tool calls among it, two branches and models. */
function seed() {
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 120; i++) {
    const project = ['alpha', 'beta', 'gamma'][i % 3];
    const ts = new Date(NOW - (i % 40) * 3 * HOUR - 60_000).toISOString();
    const base = { session_id: `ud-${project}-${i % 5}`, agent_type: i % 4 === 0 ? 'codex' : 'claude_code', project, branch: i % 2 ? 'main' : 'feat/x', client_timestamp: ts };
    events.push({ ...base, event_id: `ud-api-${i}`, event_type: 'api_request', model: i % 3 === 1 ? 'model-b' : 'model-a', tokens_in: 1000 + i * 7, tokens_out: 100 + i, cost_usd: 0.01 * (i + 1) + 0.000123 });
    if (i % 2 === 0) events.push({ ...base, event_id: `ud-tool-${i}`, event_type: 'tool_use', tool_name: ['Bash', 'Read', 'Edit'][i % 3], status: i % 10 === 0 ? 'error' : 'success', duration_ms: 20 + i });
  }
  return events;
}

function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && s[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('drill-down, range, project page and export in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const textOf = (selector: string) => page.locator(selector).evaluate((el) => (el.shadowRoot ?? el).textContent ?? '');
  const params = () => new URL(page.url()).searchParams;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ env: { AGENTSTATS_STATS_INTERVAL: '500' } });
    const res = await server.post('/api/events/batch', { events: seed() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'light', acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  it('drills down from a project row: every panel is filtered, and a reload keeps it', async () => {
    await page.goto(server.url + '/cost?range=30d');
    const link = page.locator('as-cost a[data-drill="project"]', { hasText: 'alpha' });
    await link.waitFor({ timeout: 8000 });
    await link.click();
    await expect.poll(() => params().get('project')).toBe('alpha');
    await expect.poll(() => page.locator('as-filter-chips .chip[data-field="project"]').count()).toBe(1);
    // Cost: the total and every breakdown are the project's.
    const cost = page.locator('as-cost .big');
    await expect.poll(async () => page.locator('as-cost a[data-drill="project"]').allInnerTexts(), { timeout: 5000 }).toEqual(['alpha']);
    const apiAlpha = (await server.get('/api/stats/cost?project=alpha')).body;
    await expect.poll(async () => Number(await cost.getAttribute('data-usd'))).toBe(apiAlpha.totals.cost_usd);
    await shot('drill-cost');

    // Overview (the nav link carries the filter): cards read the project's totals.
    await page.locator('as-app nav a', { hasText: 'Overview' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    expect(params().get('project')).toBe('alpha');
    const cards = page.locator('as-overview .cards.filtered');
    await cards.waitFor({ timeout: 5000 });
    await expect.poll(async () => (await cards.innerText()).replace(/\s+/g, ' ')).toContain(`EVENTS ${apiAlpha.totals.events}`);
    expect((await cards.innerText()).replace(/\s+/g, ' ')).toContain(`API REQUESTS ${apiAlpha.totals.api_requests}`);
    // The live feed holds alpha's events only, and a new beta event does not enter it.
    const feedRows = page.locator('as-live-feed a.row');
    await expect.poll(() => feedRows.count(), { timeout: 5000 }).toBeGreaterThan(0);
    await server.post('/api/events/batch', { events: [
      { event_id: 'ud-live-beta', session_id: 'ud-beta-live', agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'BetaOnly', project: 'beta' },
      { event_id: 'ud-live-alpha', session_id: 'ud-alpha-live', agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'AlphaOnly', project: 'alpha' },
    ] });
    await expect.poll(() => textOf('as-live-feed'), { timeout: 3000 }).toContain('AlphaOnly');
    expect(await textOf('as-live-feed')).not.toContain('BetaOnly');
    // Sessions active now: only the project's (a live beta session does not join them).
    await expect.poll(() => page.locator('as-overview a.sess').allInnerTexts(), { timeout: 3000 }).toContainEqual(expect.stringContaining('alpha'));
    expect((await page.locator('as-overview a.sess').allInnerTexts()).every((t) => t.includes('alpha'))).toBe(true);
    const alphaSeqs = new Set(((await server.get('/api/events?project=alpha&limit=1000')).body.events as Array<{ seq: number }>).map((e) => e.seq));
    // The filtered feed replaces the unfiltered one when its own answer arrives.
    await expect.poll(async () => (await feedRows.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))))).every((s) => alphaSeqs.has(s))).toBe(true);
    await page.waitForTimeout(300);
    await shot('drill-overview');

    // Sessions: the server's list for project=alpha.
    await page.locator('as-app nav a', { hasText: 'Sessions' }).click();
    const expected = ((await server.get('/api/sessions?project=alpha')).body.sessions as Array<{ session_id: string }>).map((s) => s.session_id);
    await expect.poll(() => page.locator('as-sessions a.row').evaluateAll((els) => els.map((el) => el.getAttribute('title'))), { timeout: 5000 }).toEqual(expected);

    // Tools: counts for the project from /api/stats/tools.
    await page.locator('as-app nav a', { hasText: 'Tools' }).click();
    const tools = (await server.get('/api/stats/tools?project=alpha')).body.tools as Array<{ tool_name: string; calls: number }>;
    const toolRows = page.locator('as-tools .row');
    await expect.poll(() => toolRows.count(), { timeout: 5000 }).toBe(tools.length);
    const shown = (await toolRows.allInnerTexts()).map((t) => t.split('\n').map((x) => x.trim()).filter(Boolean));
    for (const t of tools) expect(shown.find((r) => r[0] === t.tool_name)?.[1]).toBe(String(t.calls));
    expect(await textOf('as-tools')).not.toContain('BetaOnly');

    // A reload keeps the filter and the filtered figures.
    await page.reload();
    await expect.poll(() => toolRows.count(), { timeout: 8000 }).toBe(tools.length);
    expect(params().get('project')).toBe('alpha');
    // A tool opened under the drill-down lists that project's calls only (slowest first).
    await page.locator('as-tools a.row[data-tool="Bash"]').click();
    const callRows = page.locator('as-tools .drill a.row');
    await expect.poll(() => callRows.count(), { timeout: 5000 }).toBeGreaterThan(0);
    const hrefs = await callRows.evaluateAll((els) => els.map((el) => el.getAttribute('href') ?? ''));
    expect(hrefs.every((h) => h.startsWith('/sessions/ud-alpha-'))).toBe(true);
    const apiCalls = (await server.get(`/api/tools/Bash/calls?project=alpha&since=${encodeURIComponent(new Date(NOW - 8 * 86_400_000).toISOString())}`)).body.calls;
    expect(hrefs.length).toBe(apiCalls.length);
    await page.locator('as-filter-chips .chip[data-field="project"] button').click();
    await expect.poll(() => params().get('project')).toBe(null);
  }, 60_000);

  it('applies a custom range from the URL to every panel, and refuses a backwards one', async () => {
    const since = new Date(NOW - 50 * HOUR).toISOString();
    const until = new Date(NOW - 20 * HOUR).toISOString();
    await page.goto(`${server.url}/cost?since=${since}&until=${until}`);
    const api = (await server.get(`/api/stats/cost?since=${since}&until=${until}`)).body;
    expect(api.totals.events).toBeGreaterThan(0);
    expect(api.totals.events).toBeLessThan((await server.get('/api/stats/cost')).body.totals.events);
    await expect.poll(async () => Number(await page.locator('as-cost .big').getAttribute('data-usd')), { timeout: 8000 }).toBe(api.totals.cost_usd);
    await expect.poll(() => page.locator('as-filter-chips .chip[data-field="range"]').count()).toBe(1);
    // The 5-hour blocks are the range's, and say so (not "last 7 days").
    expect(await page.locator('as-cost section[aria-label="5-hour blocks"] h2').innerText()).toContain('in the range');
    await page.goto(`${server.url}/sessions?since=${since}&until=${until}`);
    const expected = ((await server.get(`/api/sessions?since=${since}&until=${until}`)).body.sessions as Array<{ session_id: string }>).map((s) => s.session_id);
    await expect.poll(() => page.locator('as-sessions a.row').evaluateAll((els) => els.map((el) => el.getAttribute('title'))), { timeout: 5000 }).toEqual(expected);
    await page.goto(`${server.url}/?since=${since}&until=${until}`);
    await expect.poll(async () => (await page.locator('as-overview .cards').innerText()).replace(/\s+/g, ' '), { timeout: 5000 }).toContain(`EVENTS ${api.totals.events}`);

    // The picker refuses a range that ends before it starts; a broken URL range is named and ignored.
    const picker = page.locator('as-filter-chips as-range-picker');
    await picker.locator('input[name="from"]').fill('2026-03-10');
    await picker.locator('input[name="to"]').fill('2026-03-01');
    await picker.locator('button[type="submit"]').click();
    await expect.poll(() => picker.locator('[role="alert"]').innerText()).toContain('ends before it starts');
    expect(params().get('since')).toBe(since);
    await page.goto(`${server.url}/cost?since=${until}&until=${since}`);
    await expect.poll(() => page.locator('as-cost as-range-picker [role="alert"]').innerText(), { timeout: 5000 }).toContain('Range ignored: the range ends before it starts');
  }, 40_000);

  it('shows a project page with the project\'s numbers', async () => {
    await page.goto(server.url + '/project/beta');
    const total = page.locator('as-project-page [data-figure="cost"]');
    const since = await page.evaluate(() => {
      const x = new Date(Date.now() - 30 * 86_400_000);
      x.setHours(0, 0, 0, 0);
      return x.toISOString();
    });
    const api = (await server.get(`/api/stats/cost?project=beta&since=${since}`)).body;
    await expect.poll(async () => Number(await total.getAttribute('data-usd')), { timeout: 8000 }).toBe(api.totals.cost_usd);
    const tools = (await server.get(`/api/stats/tools?project=beta&since=${since}`)).body.tools as Array<{ calls: number }>;
    // The tool counts are the page's last answer (project-data.ts): wait for them, not only for the cost.
    await expect.poll(() => page.locator('as-project-page [data-figure="tool-calls"]').innerText(), { timeout: 8000 }).toBe(String(tools.reduce((n, t) => n + t.calls, 0)));
    expect(await page.locator('as-project-page a[data-drill="model"]').allInnerTexts()).toEqual(api.by_model.map((m: { model: string }) => m.model).filter(Boolean));
    expect(await page.locator('as-project-page a[data-drill="branch"]').allInnerTexts()).toEqual(api.by_branch.map((m: { branch: string }) => m.branch).filter(Boolean));
    await expect.poll(() => page.locator('as-project-page as-chart').getAttribute('data-points'), { timeout: 5000 }).not.toBe('0');
    await page.waitForTimeout(300);
    await shot('project-page');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(300);
    await shot('project-page-dark');
    await page.goto(server.url + '/cost?project=beta&range=30d');
    await page.waitForTimeout(800);
    await shot('drill-cost-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 400, height: 800 });
    await page.goto(server.url + '/project/beta');
    await expect.poll(async () => Number(await total.getAttribute('data-usd')), { timeout: 8000 }).toBe(api.totals.cost_usd);
    // Every part drawn (tool counts and sessions are answers of their own) before the width is measured.
    await expect.poll(() => page.locator('as-project-page [data-figure="tool-calls"]').innerText(), { timeout: 8000 }).not.toBe('–');
    await page.locator('as-project-page a.sess').first().waitFor({ timeout: 8000 });
    await page.waitForTimeout(300);
    await shot('project-page-400');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.goto(server.url + '/?project=beta');
    await page.waitForTimeout(800);
    await shot('drill-overview-400');
    await page.goto(server.url + '/cost?project=beta');
    await page.waitForTimeout(800);
    await shot('drill-cost-400');
    await page.setViewportSize({ width: 1400, height: 900 });
  }, 40_000);

  it('keeps what the project page has drawn while a refresh of it is under way', async () => {
    // The stream's first stats message refreshes the page while its first load is still out, and
    // both draw their answers as they come. Made certain here by delaying each answer (ms; first
    // load, refresh) so that they interleave: a load's answer used to replace what the other load
    // had drawn with its own parts, the others empty (sessions and cost vanished, then came back).
    const delays: Record<string, [number, number]> = { cost: [800, 0], sessions: [300, 1600], tools: [800, 600] };
    const seen = new Map<string, number>();
    const slow = (kind: string) => async (route: Route) => {
      const n = (seen.get(kind) ?? 0) + 1;
      seen.set(kind, n);
      const delay = delays[kind][n - 1] ?? 0;
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      await route.continue();
    };
    await page.route(/\/api\/stats\/cost\?.*project=beta/, slow('cost'));
    await page.route(/\/api\/sessions\?.*project=beta/, slow('sessions'));
    await page.route(/\/api\/stats\/tools\?.*project=beta/, slow('tools'));
    try {
      await page.goto(server.url + '/project/beta');
      const rows = page.locator('as-project-page section[aria-label="Sessions of the project"] a.sess');
      const usd = page.locator('as-project-page [data-figure="cost"]');
      const samples: Array<[number, string | null]> = [];
      for (let i = 0; i < 40; i++) {
        samples.push([await rows.count(), await usd.getAttribute('data-usd').catch(() => null)]);
        await page.waitForTimeout(75);
      }
      expect(seen.get('cost')).toBeGreaterThanOrEqual(2); // the refresh really ran
      const firstRows = samples.findIndex(([n]) => n > 0);
      const hasCost = (c: string | null) => c !== null && Number(c) > 0; // "0" until the cost is in
      const firstCost = samples.findIndex(([, c]) => hasCost(c));
      expect(firstRows).toBeGreaterThanOrEqual(0);
      expect(firstCost).toBeGreaterThanOrEqual(0);
      expect(samples.slice(firstRows).map(([n]) => n > 0)).not.toContain(false);
      expect(samples.slice(firstCost).map(([, c]) => hasCost(c))).not.toContain(false);
    } finally {
      await page.unrouteAll();
    }
  });

  it('exports the project page\'s sessions for its range (the last 30 days), not all time', async () => {
    const old = new Date(NOW - 40 * 86_400_000).toISOString();
    expect((await server.post('/api/events', { session_id: 'ud-beta-old', agent_type: 'codex', event_type: 'session_start', project: 'beta', client_timestamp: old })).status).toBe(201);
    await page.goto(server.url + '/project/beta');
    const panel = page.locator('as-project-page section[aria-label="Sessions of the project"]');
    await panel.locator('a.sess').first().waitFor({ timeout: 8000 });
    const listed = await panel.locator('a.sess').count();
    const [file] = await Promise.all([page.waitForEvent('download'), panel.locator('as-export-menu button[data-format="csv"]').click()]);
    const rows = parseCsv(readFileSync(await file.path(), 'utf8'));
    expect(rows.slice(1, -1).map((r) => r[0])).not.toContain('ud-beta-old');
    expect(rows.length - 2).toBe(listed);
  });

  it('exports a CSV whose totals equal the table\'s and the API\'s', async () => {
    await page.goto(server.url + '/cost?range=all&model=model-a');
    const panel = page.locator('as-cost section[aria-label="Cost by project"]');
    await panel.locator('a[data-drill="project"]').first().waitFor({ timeout: 8000 });
    const [download] = await Promise.all([page.waitForEvent('download'), panel.locator('as-export-menu button[data-format="csv"]').click()]);
    expect(download.suggestedFilename()).toBe('agentstats-by_project-all-time.csv');
    const rows = parseCsv(readFileSync(await download.path(), 'utf8'));
    const api = (await server.get('/api/stats/cost?model=model-a')).body;
    const col = (name: string) => rows[0].indexOf(name);
    const total = rows[rows.length - 1];
    expect(total[0]).toBe('Total');
    expect(Number(total[col('cost_usd')])).toBe(api.totals.cost_usd);
    expect(Number(total[col('total_tokens')])).toBe(api.totals.total_tokens);
    // The table's rows: every project the panel lists, each with the API's raw figures.
    const shownProjects = await panel.locator('a[data-drill="project"]').allInnerTexts();
    expect(rows.slice(1, -1).map((r) => r[0])).toEqual(shownProjects);
    const rowSum = rows.slice(1, -1).reduce((n, r) => n + Number(r[col('cost_usd')]), 0);
    expect(rowSum).toBeCloseTo(api.totals.cost_usd, 6);
    expect(Number(await page.locator('as-cost .big').getAttribute('data-usd'))).toBe(api.totals.cost_usd);

    // The Tools table (all rows shown) is written in the browser from what it shows.
    await page.goto(server.url + '/tools');
    await page.locator('as-tools .row').first().waitFor({ timeout: 5000 });
    const [toolsFile] = await Promise.all([page.waitForEvent('download'), page.locator('as-tools as-export-menu button[data-format="csv"]').click()]);
    const toolRows = parseCsv(readFileSync(await toolsFile.path(), 'utf8'));
    const stats = (await server.get('/api/stats')).body;
    const calls = stats.tools.reduce((n: number, t: { calls: number }) => n + t.calls, 0);
    expect(toolRows[toolRows.length - 1].slice(0, 3)).toEqual(['Total', String(calls), String(stats.tools.reduce((n: number, t: { errors: number }) => n + t.errors, 0))]);
    expect(await page.locator('as-tools .sum').innerText()).toContain(`Calls ${calls}`);

    // Under a project filter with the 24h preset, the export holds the table's range, not all time.
    await page.goto(server.url + '/tools?project=alpha&range=24h');
    await page.locator('as-tools .row').first().waitFor({ timeout: 5000 });
    const sum = await page.locator('as-tools .sum').innerText();
    const [dayFile] = await Promise.all([page.waitForEvent('download'), page.locator('as-tools as-export-menu button[data-format="csv"]').click()]);
    const dayRows = parseCsv(readFileSync(await dayFile.path(), 'utf8'));
    const dayCalls = dayRows[dayRows.length - 1][1];
    expect(sum).toContain(`Calls ${dayCalls}`);
    const allTime = (await server.get('/api/stats/tools?project=alpha')).body.tools.reduce((n: number, t: { calls: number }) => n + t.calls, 0);
    expect(Number(dayCalls)).toBeLessThan(allTime);
    expect(pageErrors).toEqual([]);
  }, 40_000);
});
