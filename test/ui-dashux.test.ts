/**
 * The dashboard for a demanding user, in real Chromium (Debian's /usr/bin/chromium via
 * playwright-core): screenshots of every view the router lists (light, dark, 400 px) into
 * test-artifacts/, no horizontal page scroll at 400 px, bill-grade numbers on the Cost view, the
 * Tools view's percentiles equal to the API's, "offline" within 5 s of the server stopping and
 * back by itself after a restart, and a wrong token said so in the login prompt.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestServer, type TestServer } from './helpers/server.js';
import { VIEW_PATHS } from '../web/src/router.js';
import { ms } from '../web/src/format.js';
import type { ToolsResponse } from '../collector/api/schemas/index.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const NOW = Date.now();
const MIN = 60_000;
const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

function seedEvents() {
  const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();
  const base = { session_id: 'dash-1', agent_type: 'claude_code', project: 'dash-project', branch: 'feature/very-long-branch-name-for-narrow-screens', source: 'otlp' };
  const events: Array<Record<string, unknown>> = [];
  // Priced calls: cents, thousands (a big one) and a tiny one.
  events.push({ ...base, event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 1_200_000, tokens_out: 40_000, cost_usd: 1234.5, client_timestamp: at(90 * MIN) });
  events.push({ ...base, event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 950_000, tokens_out: 1000, client_timestamp: at(80 * MIN) });
  events.push({ ...base, session_id: 'dash-2', agent_type: 'codex', project: 'other', event_type: 'api_request', model: 'gpt-5', tokens_in: 120, tokens_out: 10, cost_usd: 0.0042, client_timestamp: at(70 * MIN) });
  // A model with no price: never $0.00.
  events.push({ ...base, session_id: 'dash-3', event_type: 'api_request', model: 'mystery-model-x', tokens_in: 12_345, tokens_out: 100, client_timestamp: at(60 * MIN) });
  // Tool calls, one of them 58 minutes long.
  for (let i = 0; i < 40; i++) {
    events.push({ ...base, event_type: 'tool_use', tool_name: i % 2 ? 'Bash' : 'Read', duration_ms: 5 + i * i * 13, status: i % 9 === 0 ? 'error' : 'success', client_timestamp: at((50 - i) * MIN) });
  }
  events.push({ ...base, event_type: 'tool_use', tool_name: 'LongBuild', duration_ms: 58 * MIN, status: 'success', client_timestamp: at(5 * MIN) });
  // History from an import: older, arriving now.
  for (let i = 0; i < 30; i++) {
    events.push({ ...base, session_id: 'dash-old', source: 'import', event_type: 'tool_use', tool_name: 'Edit', duration_ms: 30, client_timestamp: at(3 * 86_400_000 + i * MIN) });
  }
  return events;
}

describe('dashboard views in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  const open = async (ctx: BrowserContext, pathname: string): Promise<Page> => {
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url + pathname);
    await expect.poll(() => page.locator('as-app .conn').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    return page;
  };
  const textOf = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => (el.shadowRoot ?? el).textContent ?? '');
  /** Every path of the router's view list, its parameters filled from the seeded data. */
  const viewPaths = () =>
    Object.entries(VIEW_PATHS).map(([view, p]) => [view, p.replace(':id', 'dash-1').replace(/:[a-z_]+/g, 'dash-project')] as const);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ env: { AGENTSTATS_STATS_INTERVAL: '500', AGENTSTATS_SSE_HEARTBEAT_MS: '1000' } });
    const res = await server.post('/api/events/batch', { events: seedEvents() });
    expect(res.status).toBe(200);
    browser = await chromium.launch(LAUNCH);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  for (const variant of ['light', 'dark', 'narrow'] as const) {
    it(`screenshots every view (${variant})${variant === 'narrow' ? ', none wider than 400 px' : ''}`, async () => {
      const ctx = await browser.newContext({
        viewport: variant === 'narrow' ? { width: 400, height: 800 } : { width: 1400, height: 900 },
        colorScheme: variant === 'dark' ? 'dark' : 'light',
      });
      const overflow: string[] = [];
      for (const [view, pathname] of viewPaths()) {
        const page = await open(ctx, pathname);
        await page.waitForTimeout(700); // data and charts drawn
        await page.screenshot({ path: path.join(ARTIFACTS, `view-${view}-${variant}.png`), fullPage: true });
        if (variant === 'narrow') {
          const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
          if (scroll > inner) overflow.push(`${view}: ${scroll} > ${inner}`);
        }
        await page.close();
      }
      await ctx.close();
      expect(overflow).toEqual([]);
    }, 60_000);
  }

  it('formats the Cost view for checking a bill', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await open(ctx, '/cost?range=24h&bucket=hour');
    const cost = page.locator('as-cost');
    await expect.poll(() => textOf(page, 'as-cost'), { timeout: 8000 }).toMatch(/\$1,2\d\d\.\d\d priced cost/);
    const text = await textOf(page, 'as-cost');
    expect(text).toContain('unpriced');
    expect(text).toMatch(/Prices: table of \d{4}-\d{2}-\d{2}/);
    // The model column: one format for every amount (same decimals), unpriced never $0.00.
    const modelRows = await cost.locator('section[aria-label="Cost by model"] .bk:not(.head)').allInnerTexts();
    const cells = modelRows.map((r) => r.split('\n').filter(Boolean));
    const money = cells.map((c) => c.find((x) => x.startsWith('$') || x === 'unpriced')!);
    expect(money).toContain('unpriced');
    const priced = money.filter((m) => m !== 'unpriced');
    expect(priced.length).toBeGreaterThanOrEqual(3);
    const decimals = new Set(priced.map((m) => m.split('.')[1]?.length));
    expect(decimals.size).toBe(1);
    expect(priced.every((m) => /^\$[\d,]+\.\d+$/.test(m))).toBe(true);
    expect(priced.some((m) => /^\$1,\d{3}\./.test(m))).toBe(true);
    expect(priced.every((m) => m !== '$0.00')).toBe(true);
    // The token column: one unit for all.
    // (A zero reads "0" in any unit.)
    const units = new Set(cells.map((c) => c.find((x) => /^[<\d][\d.,]*[KMB]?$/.test(x))!).filter((x) => x !== '0').map((x) => x.replace(/[\d.,<]/g, '')));
    expect(units.size).toBe(1);
    // Axis titles with units; the token series says it is per bucket.
    const axes = await page.locator('as-cost as-chart').getAttribute('data-axes');
    expect(axes).toContain('USD per hour');
    expect(axes).toContain('tokens per hour');
    await page.screenshot({ path: path.join(ARTIFACTS, 'cost-bill-format.png'), fullPage: true });
    await ctx.close();
  });

  it('shows the same percentiles as the API, and a 58-minute call as 58 minutes', async () => {
    const api = (await server.get<ToolsResponse>(`/api/tools?since=${new Date(NOW - 7 * 86_400_000 + MIN).toISOString()}`)).body;
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await open(ctx, '/tools');
    const rows = page.locator('as-tools a.row[data-tool]');
    await expect.poll(() => rows.count(), { timeout: 8000 }).toBe(api.tools.length);
    for (const t of api.tools) {
      const row = page.locator(`as-tools a.row[data-tool="${t.tool_name}"]`);
      for (const p of ['50', '95', '99'] as const) {
        expect(await row.locator(`[data-p="${p}"]`).innerText()).toBe(ms(t[`p${p}_ms`]));
      }
    }
    expect(await page.locator('as-tools a.row[data-tool="LongBuild"] [data-p="50"]').innerText()).toMatch(/^5[78]m \d+s$/);
    // Drill-down: the slowest calls, each a link to its moment in the session.
    await page.locator('as-tools a.row[data-tool="Bash"]').click();
    const calls = page.locator('as-tools .calls a.row');
    await expect.poll(() => calls.count(), { timeout: 5000 }).toBe(20);
    expect(await calls.first().getAttribute('href')).toMatch(/^\/sessions\/dash-1\?event=\d+$/);
    await page.locator('as-tools button', { hasText: 'failed' }).click();
    await expect.poll(() => calls.count(), { timeout: 5000 }).toBe(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'tools-drill-down.png'), fullPage: true });
    await ctx.close();
  });

  it('keeps live activity on top of the feed when history is imported', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await open(ctx, '/');
    const res = await server.post('/api/events/batch', {
      events: [{ session_id: 'dash-live', agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'LiveNow', duration_ms: 5, client_timestamp: new Date().toISOString() }],
    });
    expect(res.status).toBe(200);
    const first = page.locator('as-live-feed a.row').first();
    await expect.poll(() => first.innerText(), { timeout: 3000 }).toContain('LiveNow');
    // A burst of old history arrives after it: the live row stays first.
    const old = Array.from({ length: 50 }, (_, i) => ({
      session_id: 'dash-import2', agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'OldImport', source: 'import', duration_ms: 3,
      client_timestamp: new Date(NOW - 2 * 86_400_000 + i * 1000).toISOString(),
    }));
    expect((await server.post('/api/events/batch', { events: old })).status).toBe(200);
    // The feed holds them (a virtual list: only the rows in view are drawn), below the live one.
    const tools = () => page.locator('as-live-feed as-vlist').evaluate((el) => (el as unknown as { items: Array<{ tool_name: string | null }> }).items.map((e) => e.tool_name));
    await expect.poll(async () => (await tools()).filter((t) => t === 'OldImport').length, { timeout: 3000 }).toBe(50);
    const order = await tools();
    expect(order[0]).toBe('LiveNow');
    expect(order.indexOf('OldImport')).toBeGreaterThan(order.indexOf('LongBuild'));
    expect(await first.innerText()).toContain('LiveNow');
    await ctx.close();
  });

  it('says "offline" within 5 s of the server stopping, and comes back by itself', async () => {
    const ctx = await browser.newContext({ viewport: { width: 400, height: 800 } });
    const page = await open(ctx, '/');
    const conn = page.locator('as-app .conn');
    await server.stop();
    const stopped = Date.now();
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 5000, interval: 100 }).toBe('offline');
    const after = Date.now() - stopped;
    expect(after).toBeLessThan(5000);
    expect(await conn.innerText()).toContain('Offline');
    expect(await conn.locator('button.retry').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'offline-narrow.png') });
    server = await server.restart();
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await ctx.close();
    expect(pageErrors).toEqual([]);
  }, 30_000);
});

describe('login prompt', () => {
  it('says a wrong token is wrong, and takes the right one', async () => {
    const server = await startTestServer({ env: { AGENTSTATS_TOKEN: 'the-right-token-123' } });
    const browser = await chromium.launch(LAUNCH);
    try {
      const page = await browser.newPage();
      await page.goto(server.url + '/');
      const form = page.locator('as-app form.token');
      await form.waitFor({ timeout: 10_000 });
      // The prompt stays put while the stream keeps retrying (0.5, 1, 2 s…) against the 401s: it is
      // never taken away and redrawn, which would empty what the user is typing.
      await page.evaluate(() => {
        const find = () => document.querySelector('as-app')?.shadowRoot?.querySelector('form.token') ?? null;
        const first = find();
        const w = window as unknown as { promptReplaced: number };
        w.promptReplaced = 0;
        setInterval(() => {
          if (find() !== first) w.promptReplaced++;
        }, 10);
      });
      await form.locator('input').fill('typed-slowly');
      await page.waitForTimeout(4000);
      expect(await form.locator('input').inputValue()).toBe('typed-slowly');
      expect(await page.evaluate(() => (window as unknown as { promptReplaced: number }).promptReplaced)).toBe(0);
      await form.locator('input').fill('a-wrong-token');
      await form.locator('button').click();
      await expect.poll(() => form.locator('.token-error').innerText().catch(() => ''), { timeout: 5000 }).toContain('Wrong token');
      await page.screenshot({ path: path.join(ARTIFACTS, 'token-wrong.png') });
      await form.locator('input').fill('the-right-token-123');
      // The right one is kept and the page reloads with it.
      await Promise.all([page.waitForEvent('load', { timeout: 20_000 }), form.locator('button').click()]);
      await expect.poll(() => page.locator('as-app .conn').getAttribute('data-state'), { timeout: 20_000 }).toBe('live');
    } finally {
      await browser.close();
      await server.cleanup();
    }
  }, 50_000);
});
