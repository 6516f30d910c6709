/**
 * The dashboard in headless Chromium for benchmarks: Debian's /usr/bin/chromium driven by
 * playwright-core (never a downloaded browser), one cold page load measured from navigation start
 * until a view's first data is on screen, and the API requests that page made (Resource Timing).
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.AGENTSTATS_BENCH_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * What shows that a view's data is on screen: an element inside the view's element (`host`, found
 * through every shadow root) that only a loaded API answer renders, and optionally text it must match
 * (a card reads "–" until its number arrives).
 */
export interface Marker {
  host: string;
  selector: string;
  text?: RegExp;
}

export interface ApiTiming {
  /** Path and query of the request. */
  path: string;
  /** From navigation start (ms). */
  start_ms: number;
  end_ms: number;
  duration_ms: number;
}

export interface PageLoad {
  /** Navigation start → the marker in the DOM (checked every animation frame); null on timeout. */
  first_data_ms: number | null;
  /** Navigation start → the first API request sent: the page shell (HTML, script, styles) alone. */
  first_api_ms: number | null;
  /** Navigation start → the last API answer of the page's load (once no request is in flight). */
  all_api_ms: number | null;
  slowest: ApiTiming | null;
  requests: ApiTiming[];
  errors: string[];
}

/** Runs in the page: the marker's element under its host, through shadow roots, or null. */
function findMarker(m: { host: string; selector: string; text: string | null }): number | false {
  const roots: Array<Document | ShadowRoot> = [document];
  const hosts: Element[] = [];
  while (roots.length) {
    const root = roots.pop()!;
    for (const el of root.querySelectorAll('*')) {
      if (el.localName === m.host) hosts.push(el);
      if (el.shadowRoot) roots.push(el.shadowRoot);
    }
  }
  const re = m.text === null ? null : new RegExp(m.text);
  for (const host of hosts) {
    const within: Array<Element | ShadowRoot> = [host.shadowRoot ?? host];
    while (within.length) {
      const root = within.pop()!;
      for (const el of root.querySelectorAll(m.selector)) if (!re || re.test(el.textContent ?? '')) return performance.now();
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) within.push(el.shadowRoot);
    }
  }
  return false;
}

const isApi = (url: string) => {
  const u = new URL(url);
  return u.pathname.startsWith('/api/') && u.pathname !== '/api/stream';
};

/**
 * One cold load of `url` in a fresh browser context (own cache and storage): the time to the
 * marker, then waits until the page has no API request in flight for `quietMs` and reads every
 * API request's timing from the page's Resource Timing entries.
 */
export async function measureLoad(browser: Browser, url: string, marker: Marker, timeoutMs: number, quietMs = 300): Promise<PageLoad> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  try {
    const page = await ctx.newPage();
    let inFlight = 0;
    let lastChange = Date.now();
    const done = (r: { url(): string }) => {
      if (isApi(r.url())) {
        inFlight--;
        lastChange = Date.now();
      }
    };
    page.on('request', (r) => {
      if (isApi(r.url())) {
        inFlight++;
        lastChange = Date.now();
      }
    });
    page.on('requestfinished', done);
    page.on('requestfailed', (r) => {
      done(r);
      if (isApi(r.url())) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
    });
    page.on('response', (r) => {
      if (isApi(r.url()) && r.status() >= 400) errors.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await page.goto(url, { waitUntil: 'commit' });
    let firstData: number | null = null;
    try {
      const handle = await page.waitForFunction(findMarker, { host: marker.host, selector: marker.selector, text: marker.text?.source ?? null }, { polling: 'raf', timeout: timeoutMs });
      firstData = Number(await handle.jsonValue());
    } catch (error) {
      errors.push(`no data on screen within ${timeoutMs} ms (${marker.host} ${marker.selector}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (inFlight > 0 || Date.now() - lastChange < quietMs)) await sleep(25);
    const requests = await apiTimings(page);
    const slowest = requests.reduce<ApiTiming | null>((a, b) => (!a || b.duration_ms > a.duration_ms ? b : a), null);
    const allApi = requests.length ? Math.max(...requests.map((r) => r.end_ms)) : null;
    const firstApi = requests.length ? Math.min(...requests.map((r) => r.start_ms)) : null;
    return { first_data_ms: firstData === null ? null : round1(firstData), first_api_ms: firstApi, all_api_ms: allApi, slowest, requests, errors };
  } finally {
    await ctx.close();
  }
}

async function apiTimings(page: Page): Promise<ApiTiming[]> {
  const entries = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: e.startTime, end: (e as PerformanceResourceTiming).responseEnd })),
  );
  return entries
    .filter((e) => isApi(e.name) && e.end > 0)
    .map((e) => {
      const u = new URL(e.name);
      return { path: u.pathname + u.search, start_ms: round1(e.start), end_ms: round1(e.end), duration_ms: round1(e.end - e.start) };
    });
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
