/**
 * The dashboard's health strip in real Chromium (Debian's /usr/bin/chromium via playwright-core):
 * after events are posted it shows each component's counts and the queue depth, refusals and
 * failures are highlighted, and it fits a 400 px wide window. The server runs a processor plugin
 * (from a config file) that throws on one tool, so there is a real failure to show.
 * Screenshots go to test-artifacts/health-strip-*.png (1280 and 400 px, light; 400 px dark).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, makeTempDir, startTestServer, type TestServer } from './helpers/server.js';
import { writeBoomConfig } from './helpers/boom-plugin.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const ev = (fields: Record<string, unknown> = {}) => ({ session_id: 'ui-health', agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'Bash', ...fields });

describe('health strip in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  /** A chip's text, read through the strip's shadow root. */
  const chip = (selector: string) =>
    page.locator('as-health-strip').evaluate((el, sel) => el.shadowRoot?.querySelector(sel)?.textContent?.replace(/\s+/g, ' ').trim() ?? null, selector);
  const chipState = (selector: string) =>
    page.locator('as-health-strip').evaluate((el, sel) => el.shadowRoot?.querySelector(sel)?.getAttribute('data-state') ?? null, selector);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = makeTempDir();
    const config = writeBoomConfig(dir);
    server = await startTestServer({ dir, env: { AGENTSTATS_CONFIG: config, AGENTSTATS_STATS_INTERVAL: '500' } });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  it('shows every component with zeros, then the counts after events are posted', async () => {
    await page.goto(server.url + '/');
    await expect.poll(() => chip('[data-component="receiver:native"]'), { timeout: 10000 }).toBe('native 0');
    expect(await chip('[data-queue="events"]')).toBe('queue 0');

    // Two stored, one repeated inside the batch, one invalid; one re-sent; one a processor throws on.
    const batch = await server.post('/api/events/batch', { events: [ev({ event_id: 'uh-a' }), ev({ event_id: 'uh-b' }), ev({ event_id: 'uh-a' }), { session_id: 'x' }] });
    expect(batch.body.ids).toEqual(['uh-a', 'uh-b']);
    expect((await server.post('/api/events', ev({ event_id: 'uh-b' }))).status).toBe(200);
    expect((await server.post('/api/events', ev({ event_id: 'uh-c', tool_name: 'Boom' }))).status).toBe(500);
    await fetch(`${server.url}/api/hooks/claude-code`, { method: 'POST', body: '{not json' });

    // Refreshed with the stream's stats messages: no reload.
    await expect.poll(() => chip('[data-component="receiver:native"]'), { timeout: 10000 }).toBe('native 2 2 dup 1 refused 1 failed');
    expect(await chipState('[data-component="receiver:native"]')).toBe('failed');
    // The hooks POST went out after the native ones: a health answer taken between them shows the
    // native counts but not yet this one (the strip re-reads /api/health at most every 2 s).
    await expect.poll(() => chip('[data-component="receiver:hooks"]'), { timeout: 10000 }).toBe('hooks 0 1 refused');
    expect(await chipState('[data-component="receiver:hooks"]')).toBe('refused');
    expect(await chip('[data-component="processor:dedupe"]')).toBe('dedupe 3 1 dup');
    expect(await chip('[data-component="processor:boom"]')).toBe('boom 3 1 failed');
    expect(await chip('[data-component="exporter:sqlite"]')).toBe('sqlite 2 1 dup');
    expect(await chipState('[data-component="exporter:sqlite"]')).toBe('ok');
    // The failure is drawn in the error colour, not just named.
    const color = await page.locator('as-health-strip').evaluate((el) => {
      const fail = el.shadowRoot!.querySelector('[data-component="receiver:native"] .fail')!;
      return [getComputedStyle(fail).color, getComputedStyle(document.documentElement).getPropertyValue('--err').trim()];
    });
    expect(color[0]).toBe('rgb(217, 63, 63)');
    expect(color[1]).toBe('#d93f3f');

    await page.locator('as-health-strip').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'health-strip-1280.png'), fullPage: true });
    await page.locator('as-health-strip').screenshot({ path: path.join(ARTIFACTS, 'health-strip-1280-strip.png') });
  });

  it('fits a 400 px wide window', async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    await expect.poll(() => chip('[data-component="exporter:sse"]')).not.toBeNull();
    const fit = await page.locator('as-health-strip').evaluate((el) => {
      const strip = el.shadowRoot!.querySelector('.strip') as HTMLElement;
      const chips = [...el.shadowRoot!.querySelectorAll('.c')].map((c) => c.getBoundingClientRect());
      return { scroll: strip.scrollWidth, client: strip.clientWidth, right: Math.max(...chips.map((r) => r.right)), height: strip.getBoundingClientRect().height };
    });
    expect(fit.scroll).toBeLessThanOrEqual(fit.client);
    expect(fit.right).toBeLessThanOrEqual(400);
    // Compact: a few lines, not a column of one chip per line (9 components + the queue).
    expect(fit.height).toBeLessThan(400);
    await page.locator('as-health-strip').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'health-strip-400.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.locator('as-health-strip').screenshot({ path: path.join(ARTIFACTS, 'health-strip-400-dark.png') });
    expect(pageErrors).toEqual([]);
  });
});
