/**
 * The dashboard end to end in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core;
 * nothing is downloaded): empty state, the live feed without reload, `npm run seed`, every view,
 * a session page, the cost chart, the dark theme, and a reconnect after a server restart.
 * Screenshots of each view go to test-artifacts/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestServer, type TestServer } from './helpers/server.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const run = promisify(execFile);

const ev = (fields: Record<string, unknown>) => ({
  session_id: 'ui-live',
  agent_type: 'claude_code',
  event_type: 'tool_use',
  status: 'success',
  duration_ms: 42,
  project: 'ui-project',
  ...fields,
});

describe('dashboard in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  const post = async (events: unknown[]) => {
    const res = await server.post('/api/events/batch', { events });
    expect(res.status).toBe(200);
    return res.body.ids as string[];
  };
  const seqOf = async (eventId: string) => {
    const { body } = await server.get(`/api/events?limit=50`);
    return body.events.find((e: { event_id: string }) => e.event_id === eventId).seq as number;
  };
  /** Text of a component, its shadow root included (innerText of a host does not reach into it). */
  const textOf = (selector: string) => page.locator(selector).evaluate((el) => (el.shadowRoot ?? el).textContent ?? '');
  const feedRow = (seq: number) => page.locator(`as-live-feed a.row[data-seq="${seq}"]`);
  /** Claude Code's OTLP metrics as it really sends them: delta sums, every value asDouble. */
  const claudeMetrics = (points: Array<[name: string, value: number, type?: string]>) => {
    const now = `${Date.now()}000000`;
    const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });
    return {
      resourceMetrics: [{
        resource: { attributes: [attr('service.name', 'claude-code')] },
        scopeMetrics: [{
          scope: { name: 'com.anthropic.claude_code' },
          metrics: points.map(([name, value, type]) => ({
            name,
            sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ startTimeUnixNano: now, timeUnixNano: now, asDouble: value,
              attributes: [attr('session.id', 'ui-metrics'), ...(type ? [attr('type', type)] : [])] }] },
          })),
        }],
      }],
    };
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ env: { AGENTSTATS_STATS_INTERVAL: '500', AGENTSTATS_SSE_HEARTBEAT_MS: '1000' } });
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

  it('shows a new user how to connect each agent', async () => {
    await page.goto(server.url + '/');
    const empty = page.locator('as-empty-state');
    await expect.poll(() => empty.isVisible(), { timeout: 10000 }).toBe(true);
    const text = await textOf('as-empty-state');
    expect(text).toContain('No events yet');
    for (const needle of ['CLAUDE_CODE_ENABLE_TELEMETRY=1', `OTEL_EXPORTER_OTLP_ENDPOINT=${server.url}`, 'hooks/claude-code/install.sh', '[otel]', `${server.url}/v1/logs`, 'hooks/codex/install.sh', '"otlpEndpoint"', 'hooks/gemini-cli/install.sh', 'npm run seed']) {
      expect(text).toContain(needle);
    }
    await expect.poll(() => page.locator('as-app .conn').getAttribute('data-state')).toBe('live');
    // No metrics yet: the code-activity row is not drawn at all.
    expect(await page.locator('as-overview .figures').count()).toBe(0);
    await shot('empty-state');
  });

  it('shows posted events in the live feed within a second, without reload', async () => {
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    const [id] = await post([ev({ tool_name: 'Bash', event_id: 'ui-first' })]);
    const acked = Date.now();
    await feedRow(await seqOf(id)).waitFor({ timeout: 1000 });
    expect(Date.now() - acked).toBeLessThan(1000);
    const row = await feedRow(await seqOf(id)).innerText();
    expect(row).toContain('Claude Code');
    expect(row).toContain('Bash');
    expect(navigations).toEqual([]);

    // One event in the busiest hour: the events axis ticks whole numbers only (it once read "1, 1, 0").
    const chart = page.locator('as-overview as-chart');
    await expect.poll(() => chart.getAttribute('data-points'), { timeout: 8000 }).toBe('1');
    expect(await chart.getAttribute('data-y-ticks')).toBe('0,1');
  });

  it('marks folded sightings, imported events and other days in the feed', async () => {
    // The same tool call from the hook, then from OTel: the stream sends both; the second is folded.
    const call = ev({ session_id: 'ui-fold', tool_name: 'Read', tool_use_id: 'toolu_ui1', correlation_key: 'tool:ui-fold:toolu_ui1' });
    const [hookId] = await post([{ ...call, source: 'hook' }]);
    const [otelId] = await post([{ ...call, source: 'otlp' }]);
    const otelRow = feedRow(await seqOf(otelId));
    await otelRow.waitFor({ timeout: 2000 });
    expect(await otelRow.getAttribute('class')).toContain('folded');
    expect(await otelRow.innerText()).toContain('also seen via hook');
    expect(await otelRow.locator('.tag.fold').getAttribute('title')).toContain('not added to counts');
    const hookRow = feedRow(await seqOf(hookId));
    expect(await hookRow.getAttribute('class')).not.toContain('folded');

    // An import of old history arrives now, but sorts by its own (older) time below live activity,
    // and shows its date and a tag.
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const [importId] = await post([ev({ session_id: 'ui-import', tool_name: 'Grep', source: 'import', client_timestamp: old })]);
    const importRow = feedRow(await seqOf(importId));
    await importRow.waitFor({ timeout: 2000 });
    expect(await importRow.locator('.tag.import').innerText()).toBe('imported');
    const timeCell = (row: typeof importRow) => row.locator('span').first().innerText();
    expect(await timeCell(importRow)).toMatch(/[A-Za-z]{3}/); // a month name: not today
    // A history-file event read as the agent writes it (live watching) is live activity, not an import.
    const [watchedId] = await post([ev({ session_id: 'ui-watched', tool_name: 'Glob', source: 'import', client_timestamp: new Date(Date.now() - 2000).toISOString() })]);
    const watchedRow = feedRow(await seqOf(watchedId));
    await watchedRow.waitFor({ timeout: 2000 });
    expect(await watchedRow.locator('.tag.import').innerText()).toBe('file');
    expect(await timeCell(hookRow)).toMatch(/^\d{2}:\d{2}:\d{2}$/); // today: the time of day only
    expect(await page.locator('as-live-feed a.row').first().getAttribute('data-seq')).not.toBe(String(await seqOf(importId)));
    await shot('feed-marks');
  });

  it('fills up with `npm run seed` and shows the overview cards and timeline', async () => {
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/seed.ts'], {
      cwd: ROOT,
      env: { ...process.env, AGENTSTATS_URL: server.url },
    });
    expect(stdout).toMatch(/seed: sent \d+ events in \d+ sessions/);
    const cards = page.locator('as-overview .cards');
    await expect.poll(async () => (await cards.innerText()).match(/ACTIVE SESSIONS\s+(\d+)/i)?.[1], { timeout: 5000 }).not.toBe('0');
    // More than the one hour the first event filled: the seeded hours are drawn.
    await expect.poll(async () => Number(await page.locator('as-overview as-chart').getAttribute('data-points')), { timeout: 8000 }).toBeGreaterThan(2);
    const feedCount = await page.locator('as-live-feed a.row').count();
    expect(feedCount).toBeGreaterThan(10);

    // Code activity from OTLP metrics arrives with the next stats message; zero figures stay hidden.
    const res = await server.post('/v1/metrics', claudeMetrics([
      ['claude_code.lines_of_code.count', 120, 'added'],
      ['claude_code.lines_of_code.count', 30, 'removed'],
      ['claude_code.commit.count', 2],
      ['claude_code.active_time.total', 3720, 'cli'],
    ]));
    expect(res.status).toBe(200);
    const figures = page.locator('as-overview .figures');
    await expect.poll(() => figures.isVisible(), { timeout: 5000 }).toBe(true);
    const row = await figures.innerText();
    for (const needle of ['+120 lines added', '−30 removed', '2 commits', '1h 2m active']) expect(row).toContain(needle);
    expect(row).not.toContain('pull request');
    await page.waitForTimeout(300);
    await shot('overview');
  });

  it('lists sessions with filters in the URL, opens a session page, and the back button returns', async () => {
    await page.keyboard.press('2'); // keyboard shortcut to Sessions
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sessions');
    const rows = page.locator('as-sessions a.row');
    await expect.poll(() => rows.count(), { timeout: 5000 }).toBeGreaterThan(5);
    await shot('sessions');

    await page.locator('as-sessions select[aria-label="Status"]').selectOption('active');
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('active');
    await expect.poll(async () => (await rows.allInnerTexts()).every((t) => t.includes('active'))).toBe(true);
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe(null);
    await expect.poll(() => page.locator('as-sessions select[aria-label="Status"]').inputValue()).toBe('');

    // Branch (like every Sessions filter) is asked of the server, not applied to the loaded page.
    const asked: string[] = [];
    const onRequest = (r: { url(): string }) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/sessions') asked.push(u.searchParams.get('branch') ?? '');
    };
    page.on('request', onRequest);
    await page.locator('as-sessions select[aria-label="Branch"]').selectOption('feat/dashboard');
    await expect.poll(() => new URL(page.url()).searchParams.get('branch')).toBe('feat/dashboard');
    const expected = (await server.get('/api/sessions?branch=feat%2Fdashboard')).body.sessions.map((r: { session_id: string }) => r.session_id);
    expect(expected.length).toBeGreaterThan(1);
    const shownIds = () => rows.evaluateAll((els) => els.map((el) => el.getAttribute('title')));
    await expect.poll(shownIds).toEqual(expected);
    await shot('sessions-branch');
    expect(asked).toContain('feat/dashboard');
    page.off('request', onRequest);
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('branch')).toBe(null);
    await expect.poll(() => page.locator('as-sessions select[aria-label="Branch"]').inputValue()).toBe('');

    // The seeded Claude Code session on "agentstats" that started a subagent.
    const parent = page.locator('as-sessions a.row', { hasText: 'agentstats' }).filter({ hasNotText: '↳' }).first();
    await parent.click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/sessions\/[0-9a-f-]{36}$/);
    const head = page.locator('as-session-page .head');
    await expect(head.innerText()).resolves.toContain('agentstats');
    const timeline = page.locator('as-session-page .t-timeline a.row, as-session-page .t-timeline .row');
    await expect.poll(() => timeline.count(), { timeout: 5000 }).toBeGreaterThan(5);
    await shot('session');

    await page.locator('as-session-page [role="tab"]', { hasText: 'Subagents' }).click();
    await expect.poll(() => textOf('as-session-tree'), { timeout: 5000 }).toContain('code-reviewer');
    await page.locator('as-session-page [role="tab"]', { hasText: 'Tool calls' }).click();
    await expect.poll(() => page.locator('as-session-page .t-tools .row').count()).toBeGreaterThan(0);

    // Tabs replace the history entry, so one step back leaves the session page.
    await page.goBack();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sessions');
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
  });

  it('shows the unpriced footnote only when a session has unpriced tokens', async () => {
    const rows = page.locator('as-sessions a.row');
    const note = page.locator('as-sessions .unpriced-note');
    // Partly unpriced: "$1.23*"; wholly unpriced: "unpriced", never "$0.00".
    const starred = async () => (await rows.allInnerTexts()).some((t) => t.includes('*') || t.includes('unpriced'));
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    expect(await note.count()).toBe((await starred()) ? 1 : 0);
    await post([ev({ session_id: 'ui-unpriced', event_type: 'api_request', model: 'no-such-model-ui', tokens_in: 500, tokens_out: 50 })]);
    await expect.poll(starred, { timeout: 5000 }).toBe(true);
    expect(await note.count()).toBe(1);
  });

  it('lists a folded API call dimmed on its session page and counts it once', async () => {
    const api = (fields: Record<string, unknown>) =>
      ev({ session_id: 'ui-fold', event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 1000, tokens_out: 100, duration_ms: 900, ...fields });
    await post([api({ source: 'otlp', request_id: 'req_ui_1', correlation_key: 'api:req_ui_1', cost_usd: 0.5 })]);
    await post([api({ source: 'import', request_id: 'req_ui_1', correlation_key: 'api:req_ui_1', cost_usd: 0.5 })]);
    await post([api({ source: 'otlp', request_id: 'req_ui_2', correlation_key: 'api:req_ui_2', cost_usd: 0.4 })]);
    await page.goto(server.url + '/sessions/ui-fold?tab=api');
    const head = page.locator('as-session-page .head');
    await expect.poll(() => head.innerText(), { timeout: 5000 }).toMatch(/API calls\s+2\b/i);
    expect(await head.innerText()).toMatch(/Cost\s+\$0\.90/i);

    const rows = page.locator('as-session-page .t-api .row');
    await expect.poll(() => rows.count()).toBe(3);
    const folded = page.locator('as-session-page .t-api .row.folded');
    expect(await folded.count()).toBe(1);
    expect(await folded.getAttribute('data-source')).toBe('import');
    expect(await folded.innerText()).toContain('also seen via otlp');
    const tab = (name: string) => page.locator('as-session-page [role="tab"]', { hasText: name });
    expect(await tab('API calls').locator('.count').innerText()).toBe('2');
    expect(await tab('API calls').getAttribute('title')).toContain('1 more sighting');
    expect(await page.locator('as-session-page .api-sum').innerText()).toMatch(/^2 calls · \$0\.90/);
    // The tool call from the hook and from OTel (posted above): one call, two rows.
    expect(await tab('Tool calls').locator('.count').innerText()).toBe('1');
    await shot('session-folded');
    await tab('Tool calls').click();
    await expect.poll(() => page.locator('as-session-page .t-tools .row').count()).toBe(2);
    expect(await page.locator('as-session-page .t-tools .row.folded').getAttribute('data-source')).toBe('otlp');
  });

  it('shows tool calls, error rates and latency', async () => {
    await page.locator('as-app nav a', { hasText: 'Tools' }).click();
    const rows = page.locator('as-tools .row');
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    expect(await textOf('as-tools')).toMatch(/Bash|exec_command/);
    await shot('tools');

    // The shared list controls: `/` focuses the view's filter; a sorted header flips on click.
    await page.keyboard.press('/');
    expect(await page.locator('as-tools').evaluate((el) => el.shadowRoot!.activeElement?.getAttribute('aria-label'))).toBe('Filter tools');
    await page.locator('as-tools').evaluate((el) => (el.shadowRoot!.activeElement as HTMLElement).blur());
    const calls = page.locator('as-tools .thead [aria-sort]', { hasText: 'Calls' });
    expect(await calls.getAttribute('aria-sort')).toBe('descending');
    await calls.locator('button').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('dir')).toBe('asc');
    await expect.poll(() => calls.getAttribute('aria-sort')).toBe('ascending');
    const counts = (await rows.allInnerTexts()).map((t) => Number(t.split('\n')[1].replace(/,/g, '')));
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('draws the cost chart', async () => {
    await page.goto(server.url + '/cost?range=24h&bucket=hour');
    const chart = page.locator('as-cost as-chart');
    await expect.poll(() => chart.getAttribute('data-points'), { timeout: 8000 }).not.toBe('0');
    // Bars are drawn in the accent colour: count clearly blue pixels on the uPlot canvas.
    const blue = await chart.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i + 2] > data[i] + 80 && data[i + 2] > data[i + 1] + 40) n++;
      return n;
    });
    expect(blue).toBeGreaterThan(200);
    expect(await textOf('as-cost')).toContain('5-hour blocks');
    await shot('cost');
  });

  it('switches to the dark theme with the toggle', async () => {
    await page.goto(server.url + '/');
    // A reload brings the newest 200 events only; the header says so and gives the stored total.
    await expect.poll(() => textOf('as-live-feed'), { timeout: 5000 }).toMatch(/200 latest · [\d,]+ total/);
    await page.locator('as-app button[aria-label="Switch to dark theme"]').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(120);
    await page.waitForTimeout(300);
    await shot('overview-dark');
    await page.locator('as-app button[aria-label="Switch to light theme"]').click();
  });

  it('reconnects after a server restart and resumes the feed', async () => {
    await expect.poll(() => page.locator('as-app .conn').getAttribute('data-state')).toBe('live');
    server = await server.restart();
    // Posted right after the restart, very likely before the page is back: the resume brings it.
    const [id] = await post([ev({ tool_name: 'AfterRestart' })]);
    await expect.poll(() => page.locator('as-app .conn').getAttribute('data-state'), { timeout: 15000 }).toBe('live');
    await feedRow(await seqOf(id)).waitFor({ timeout: 10000 });
    const [later] = await post([ev({ tool_name: 'AfterReconnect' })]);
    await feedRow(await seqOf(later)).waitFor({ timeout: 2000 });
    expect(pageErrors).toEqual([]);
  }, 40000);
});
