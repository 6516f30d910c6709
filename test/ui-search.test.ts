/**
 * Search and the errors view in real Chromium (Debian's /usr/bin/chromium via playwright-core):
 * `/` opens search, a command from a Bash call is found and opens its session at that event
 * (scrolled to, highlighted); the errors view shows the seeded errors and a row opens the session
 * at that moment. Screenshots (light, dark, 400 px) go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestServer, type TestServer } from './helpers/server.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const SESSION = 'ui-search-session';

describe('search and errors views in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let bashSeq = 0;
  const pageErrors: string[] = [];

  const hook = async (body: Record<string, unknown>) => {
    const res = await fetch(`${server.url}/api/hooks/claude-code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ env: { AGENTSTATS_STORE_PROMPTS: '1' } });
    const t0 = Date.now() - 3_600_000;
    const at = (i: number) => new Date(t0 + i * 20_000).toISOString();
    const base = { session_id: SESSION, agent_type: 'claude_code', project: 'searchable', cwd: '/work/searchable' };
    // Sixty ordinary calls around the one the test looks for, so the page must scroll to it.
    const events: unknown[] = [];
    for (let i = 0; i < 60; i++) {
      events.push({ ...base, event_type: 'tool_use', tool_name: 'Read', status: 'success', duration_ms: 12, metadata: { tool_input: { file_path: `/work/searchable/f${i}.ts` } }, client_timestamp: at(i < 20 ? i : i + 1) });
    }
    events.push(
      { ...base, event_type: 'api_error', model: 'claude-opus-4-1', status: 'error', metadata: { error_type: 'overloaded_error', status_code: 529 }, client_timestamp: at(70) },
      { ...base, event_type: 'api_error', model: 'claude-opus-4-1', status: 'error', metadata: { error_type: 'rate_limit_error', status_code: 429 }, client_timestamp: at(71) },
      { ...base, event_type: 'tool_use', tool_name: 'Edit', status: 'error', duration_ms: 40, client_timestamp: at(72) },
    );
    expect((await server.post('/api/events/batch', { events })).status).toBe(200);
    await hook({ session_id: SESSION, cwd: '/work/searchable', hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_use_id: 'toolu_ui1', tool_input: { command: 'make flibbertigibbet-release' }, tool_response: { exit_code: 0 } });
    // The hook event lands with the receipt time: the newest of the session.
    for (let i = 0; i < 200 && bashSeq === 0; i++) {
      const r = (await server.get('/api/search?q=flibbertigibbet')).body as { hits: Array<{ seq: number }> };
      bashSeq = r.hits[0]?.seq ?? 0;
      if (!bashSeq) await new Promise((res) => setTimeout(res, 25));
    }
    expect(bashSeq).toBeGreaterThan(0);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  it('`/` opens search; a command is found and opens its session at that event', async () => {
    await page.goto(server.url + '/');
    await page.locator('as-overview').waitFor();
    await page.keyboard.press('/');
    await page.waitForURL(/\/search$/);
    const input = page.locator('as-search input[type="search"]');
    await expect.poll(() => input.evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    await page.keyboard.type('flibbertigibbet');
    await page.keyboard.press('Enter');
    const hit = page.locator(`as-search a.hit[data-seq="${bashSeq}"]`);
    await hit.waitFor();
    expect(await page.locator('as-search a.hit').count()).toBe(1);
    expect(await hit.locator('mark').first().textContent()).toBe('flibbertigibbet');
    expect(await hit.textContent()).toContain('make flibbertigibbet-release');
    await page.screenshot({ path: path.join(ARTIFACTS, 'search.png') });

    await hit.click();
    await page.waitForURL(new RegExp(`/sessions/${SESSION}\\?event=${bashSeq}$`));
    const target = page.locator(`as-session-page .row.target[data-seq="${bashSeq}"]`);
    await target.waitFor();
    expect(await target.getAttribute('aria-current')).toBe('true');
    expect(await page.locator('as-session-page .row.target').count()).toBe(1);
    await expect.poll(() => target.isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-session-event.png') });
  });

  it('a deep link to an older event scrolls the timeline to it', async () => {
    const read = (await server.get(`/api/search?q=${encodeURIComponent('"f5.ts"')}`)).body as { hits: Array<{ seq: number }> };
    const seq = read.hits[0].seq;
    await page.goto(`${server.url}/sessions/${SESSION}?event=${seq}`);
    const target = page.locator(`as-session-page .row.target[data-seq="${seq}"]`);
    await target.waitFor();
    await expect.poll(() => target.isVisible()).toBe(true);
    // The page scrolls again after its first frame: wait for the row to be on screen.
    await expect.poll(async () => {
      const y = (await target.boundingBox())?.y ?? -1;
      return y > 0 && y < 900;
    }).toBe(true);
  });

  it('the errors view shows the seeded errors, and a row opens the session at that moment', async () => {
    await page.goto(server.url + '/');
    await page.locator('as-overview').waitFor();
    await page.keyboard.press('6');
    await page.waitForURL(/\/errors$/);
    const total = page.locator('as-errors b[data-k="total"]');
    await expect.poll(() => total.textContent()).toBe('3');
    expect(await page.locator('as-errors b[data-k="api"]').textContent()).toBe('2');
    expect(await page.locator('as-errors b[data-k="tool"]').textContent()).toBe('1');
    const rows = page.locator('as-errors .recent a.row');
    expect(await rows.count()).toBe(3);
    const classes = await page.locator('as-errors [aria-label="API error class"] .row').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent).join(' ')));
    expect(classes.sort()).toEqual(['overloaded_error 1', 'rate_limit_error 1']);
    expect(Number(await page.locator('as-errors as-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'errors.png'), fullPage: true });

    const first = rows.first();
    const seq = Number(await first.getAttribute('data-seq'));
    await first.click();
    await page.waitForURL(new RegExp(`/sessions/${SESSION}\\?event=${seq}$`));
    const target = page.locator(`as-session-page .row.target[data-seq="${seq}"]`);
    await target.waitFor();
    expect(await target.textContent()).toContain('tool_use');
    expect(pageErrors).toEqual([]);
  });

  it('number keys 1–6 open every view; 5 (search) leaves the keys working, `/` and the tab focus the input', async () => {
    await page.goto(server.url + '/');
    await page.locator('as-overview').waitFor();
    const paths = ['/', '/sessions', '/tools', '/cost', '/search', '/errors'];
    for (const [i, want] of paths.entries()) {
      await page.keyboard.press(String(i + 1));
      await expect.poll(() => new URL(page.url()).pathname).toBe(want);
      await page.locator(`as-app main > :last-child`).waitFor();
    }
    const input = page.locator('as-search input[type="search"]');
    const focused = () => input.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el);
    await page.keyboard.press('5');
    await input.waitFor();
    await page.waitForTimeout(100);
    expect(await focused()).toBe(false);
    await page.keyboard.press('1');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await page.locator('as-app nav a', { hasText: 'Search' }).click();
    await expect.poll(focused).toBe(true);
  });

  it('errors and search follow the custom range; a project chip they cannot apply says so', async () => {
    const old = 'since=2020-01-01T00:00:00.000Z&until=2020-01-02T00:00:00.000Z';
    await page.goto(`${server.url}/errors?${old}`);
    await expect.poll(() => page.locator('as-errors b[data-k="total"]').textContent()).toBe('0');
    expect(await page.locator('as-errors .recent a.row').count()).toBe(0);
    await page.goto(`${server.url}/search?q=flibbertigibbet&${old}`);
    await expect.poll(() => page.locator('as-search').evaluate((el) => el.shadowRoot!.textContent)).toContain('Nothing stored matches.');
    const now = `since=${new Date(Date.now() - 86_400_000).toISOString()}&until=${new Date(Date.now() + 86_400_000).toISOString()}`;
    await page.goto(`${server.url}/search?q=flibbertigibbet&${now}`);
    await page.locator(`as-search a.hit[data-seq="${bashSeq}"]`).waitFor();
    await page.goto(`${server.url}/errors?${now}&project=searchable`);
    await expect.poll(() => page.locator('as-errors b[data-k="total"]').textContent()).toBe('3');
    const chip = page.locator('as-filter-chips .chip[data-field="project"]');
    expect(await chip.getAttribute('data-ignored')).not.toBeNull();
    expect(await chip.textContent()).toContain('not applied here');
    await page.goto(`${server.url}/tools?project=searchable`);
    expect(await page.locator('as-filter-chips .chip[data-field="project"]').getAttribute('data-ignored')).toBeNull();
    expect(pageErrors).toEqual([]);
  });

  it('dark theme and 400 px: screenshots, no horizontal page scroll', async () => {
    for (const [name, opts] of [
      ['dark', { viewport: { width: 1400, height: 900 }, colorScheme: 'dark' as const }],
      ['400px', { viewport: { width: 400, height: 860 }, colorScheme: 'light' as const }],
    ] as const) {
      const p = await browser.newPage(opts);
      for (const view of ['search?q=flibbertigibbet', 'errors']) {
        await p.goto(`${server.url}/${view}`);
        await p.locator(view.startsWith('search') ? 'as-search a.hit' : 'as-errors .recent a.row').first().waitFor();
        await p.screenshot({ path: path.join(ARTIFACTS, `${view.split('?')[0]}-${name}.png`), fullPage: true });
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${view} ${name}`).toBeLessThanOrEqual(0);
      }
      await p.close();
    }
  });
});
