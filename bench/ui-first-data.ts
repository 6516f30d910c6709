/**
 * npm run bench:ui — how long each dashboard view takes, in headless Chromium against the real
 * server with N events stored, from navigation start until its first data is on screen (issue 12:
 * < 1 s with 5M events). Every view of web/src/router.ts's VIEW_PATHS is opened cold (a fresh browser
 * context: own cache, own SSE stream) --runs times; then a filtered pass (a project, a 30-day custom
 * range) over Overview, Cost, Tools and Sessions.
 *
 *   --db=PATH             copy this database (never touched) and serve the copy; else preload:
 *   --events=N --days=N --sessions-per-day=N --seed=N --preload-cache=DIR   (as bench:query)
 *   --runs=N              cold loads per view (default 5)
 *   --timeout-ms=N        give up on a view's data after this long (default 30000)
 *   --project=NAME        the project for the project page and the filtered pass (default: the one
 *                         with the most events in the last 30 days)
 *   --query=WORDS         the Search view's query (default Bash)
 *   --no-filtered --keep --json
 */
import os from 'node:os';
import path from 'node:path';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir, ROOT, startServer, type BenchServer } from './lib/server.js';
import { BenchClient, waitHealthy } from './lib/http.js';
import { preload } from './lib/store.js';
import { launchChromium, measureLoad, type Marker, type PageLoad } from './lib/browser.js';
import { Samples, fmtInt, round } from './lib/stats.js';

const flags = parseFlags(process.argv.slice(2), [
  'db', 'events', 'days', 'sessions-per-day', 'seed', 'preload-cache', 'runs', 'timeout-ms', 'project', 'query', 'no-filtered', 'keep', 'json',
]);
const o = new OptionReader(flags);
const opts = {
  db: o.str('db', 'AGENTSTATS_BENCH_DB'),
  events: o.int('events', undefined, 5_000_000, 0),
  days: o.int('days', undefined, 365, 1),
  sessionsPerDay: o.int('sessions-per-day', undefined, 50, 1),
  seed: o.int('seed', undefined, 42, 0),
  preloadCache: o.str('preload-cache'),
  runs: o.int('runs', 'AGENTSTATS_BENCH_RUNS', 5, 1),
  timeoutMs: o.int('timeout-ms', undefined, 30_000, 1000),
  project: o.str('project'),
  query: o.str('query') ?? 'Bash',
  filtered: !o.bool('no-filtered'),
  keep: o.bool('keep'),
  json: o.bool('json'),
};
const TARGET_MS = 1000;

function log(line: string): void {
  (opts.json ? process.stderr : process.stdout).write(line + '\n');
}

/**
 * What shows each view's data (an element only a loaded API answer renders). Keyed by the views of
 * VIEW_PATHS: a view added to the router without a marker stops the benchmark.
 */
const MARKERS: Record<string, Marker> = {
  // The Events card: "–" until /api/stats (or, filtered, the filtered totals) answered.
  overview: { host: 'as-overview', selector: 'section.cards .card:nth-child(2) .value', text: /\d/ },
  sessions: { host: 'as-sessions', selector: 'a.row' },
  session: { host: 'as-session-page', selector: 'section.panel' },
  tools: { host: 'as-tools', selector: 'a.row[data-tool]' },
  cost: { host: 'as-cost', selector: 'section[aria-label="Cost by model"] .bk:not(.head)' },
  project: { host: 'as-project-page', selector: 'section[aria-label$="of the project"] .r:not(.head)' },
  search: { host: 'as-search', selector: 'a.hit' },
  errors: { host: 'as-errors', selector: 'b[data-k="total"]', text: /\d/ },
};

/** VIEW_PATHS of web/src/router.ts (read from the source: the router is browser code). */
function viewPaths(): Array<[string, string]> {
  const src = readFileSync(path.join(ROOT, 'web', 'src', 'router.ts'), 'utf8');
  const block = /export const VIEW_PATHS[^{]*\{([^}]*)\}/.exec(src);
  if (!block) throw new Error('VIEW_PATHS not found in web/src/router.ts');
  const entries = [...block[1].matchAll(/(\w+):\s*'([^']*)'/g)].map((m) => [m[1], m[2]] as [string, string]);
  const missing = entries.filter(([v]) => !MARKERS[v]).map(([v]) => v);
  if (missing.length) throw new Error(`no data marker for view(s) ${missing.join(', ')}: add one to MARKERS in bench/ui-first-data.ts`);
  return entries;
}

interface Case {
  name: string;
  view: string;
  path: string;
}

interface CaseResult extends Case {
  first_data_ms: ReturnType<Samples['summary']> | null;
  /** The page shell alone: navigation start → first API request. */
  first_api_ms: ReturnType<Samples['summary']> | null;
  all_api_ms: ReturnType<Samples['summary']> | null;
  /** The slowest API request of each run (path and duration). */
  slowest: Array<{ path: string; duration_ms: number } | null>;
  failures: number;
  errors: string[];
  ok: boolean;
}

async function getJson<T>(client: BenchClient, p: string): Promise<T> {
  const r = await client.request('GET', p);
  if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}: ${r.body.slice(0, 300)}`);
  return JSON.parse(r.body) as T;
}

/** A real session (the newest with the most events among the latest 50), the busiest project of 30 days. */
async function pickSubjects(client: BenchClient): Promise<{ session: string; project: string }> {
  const { sessions } = await getJson<{ sessions: Array<{ session_id: string; event_count: number }> }>(client, '/api/sessions?limit=50');
  if (!sessions.length) throw new Error('no session stored: the database is empty');
  const session = sessions.reduce((a, b) => (b.event_count > a.event_count ? b : a)).session_id;
  const { projects } = await getJson<{ projects: string[] }>(client, '/api/filter-options');
  const real = projects.filter(Boolean);
  if (opts.project) {
    if (!real.includes(opts.project)) throw new Error(`--project=${opts.project} is not among /api/filter-options' projects`);
    return { session, project: opts.project };
  }
  if (!real.length) throw new Error('no project in /api/filter-options');
  const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const cost = await getJson<{ by_project?: Array<{ project: string; events?: number; total_tokens?: number }> }>(client, `/api/stats/cost?since=${encodeURIComponent(since)}`);
  const ranked = (cost.by_project ?? []).filter((r) => real.includes(r.project)).sort((a, b) => (b.events ?? b.total_tokens ?? 0) - (a.events ?? a.total_tokens ?? 0));
  return { session, project: ranked[0]?.project ?? real[0] };
}

/** The search index may still be catching up on a preloaded file: measure once it is done. */
async function waitIndexed(client: BenchClient): Promise<void> {
  for (let last = -1; ; ) {
    const r = await getJson<{ pending?: number }>(client, `/api/search?q=${encodeURIComponent(opts.query)}&limit=1`);
    const pending = r.pending ?? 0;
    if (pending === 0) return;
    if (pending !== last) log(`search index: ${fmtInt(pending)} events pending, waiting`);
    last = pending;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function cases(session: string, project: string): Case[] {
  const list: Case[] = viewPaths().map(([view, p]) => {
    let pathname = p.replace(':id', encodeURIComponent(session)).replace(/:[a-z_]+/g, encodeURIComponent(project));
    if (view === 'search') pathname += `?q=${encodeURIComponent(opts.query)}`;
    return { name: view, view, path: pathname };
  });
  if (!opts.filtered) return list;
  // The range picker's 30 whole days ending today (UTC, Chromium's zone here).
  const until = new Date();
  until.setUTCHours(24, 0, 0, 0);
  const since = new Date(until.getTime() - 30 * 86_400_000);
  const range = `since=${encodeURIComponent(since.toISOString())}&until=${encodeURIComponent(until.toISOString())}`;
  for (const [view, p] of [['overview', '/'], ['cost', '/cost'], ['tools', '/tools'], ['sessions', '/sessions']]) {
    list.push({ name: `${view} ?project`, view, path: `${p}?project=${encodeURIComponent(project)}` });
    list.push({ name: `${view} 30d range`, view, path: `${p}?${range}` });
  }
  return list;
}

async function runCase(browser: Awaited<ReturnType<typeof launchChromium>>, base: string, c: Case): Promise<CaseResult> {
  const first = new Samples();
  const all = new Samples();
  const shell = new Samples();
  const slowest: CaseResult['slowest'] = [];
  const errors: string[] = [];
  let failures = 0;
  for (let i = 0; i < opts.runs; i++) {
    const load: PageLoad = await measureLoad(browser, base + c.path, MARKERS[c.view], opts.timeoutMs);
    if (load.first_data_ms === null) failures++;
    else first.add(load.first_data_ms);
    if (load.all_api_ms !== null) all.add(load.all_api_ms);
    if (load.first_api_ms !== null) shell.add(load.first_api_ms);
    slowest.push(load.slowest ? { path: load.slowest.path, duration_ms: load.slowest.duration_ms } : null);
    for (const e of load.errors) if (!errors.includes(e)) errors.push(e);
  }
  const f = first.count ? first.summary() : null;
  return {
    ...c,
    first_data_ms: f,
    first_api_ms: shell.count ? shell.summary() : null,
    all_api_ms: all.count ? all.summary() : null,
    slowest,
    failures,
    errors,
    ok: failures === 0 && f !== null && f.max < TARGET_MS,
  };
}

async function main(): Promise<void> {
  const dir = makeTempDir('agentstats-ui-');
  const dbPath = path.join(dir, 'agentstats.db');
  let server: BenchServer | null = null;
  let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
  const results: CaseResult[] = [];
  let stored: unknown;
  let subjects: { session: string; project: string };
  let source: string;
  try {
    const started = performance.now();
    if (opts.db) {
      // A copy: the server migrates and writes what it opens, and the given file must stay as it is.
      if (!existsSync(opts.db)) throw new Error(`--db=${opts.db} does not exist`);
      for (const suffix of ['', '-wal']) if (existsSync(opts.db + suffix)) copyFileSync(opts.db + suffix, dbPath + suffix);
      source = `copy of ${opts.db}`;
    } else {
      preload(dbPath, { events: opts.events, days: opts.days, sessionsPerDay: opts.sessionsPerDay, ids: 'v7', seed: opts.seed, cacheDir: opts.preloadCache, log });
      source = `preload of ${fmtInt(opts.events)} events`;
    }
    log(`database: ${source}, ${fmtInt(statSync(dbPath).size / 1e6)} MB in ${round((performance.now() - started) / 1000, 1)} s`);
    server = await startServer(dbPath, { AGENTSTATS_WATCH_HISTORY: '0' });
    log(`server: pid ${server.pid} at ${server.url}`);
    const client = new BenchClient(server.url, 1, 120_000, process.env.AGENTSTATS_TOKEN ?? null);
    try {
      stored = (await waitHealthy(client)).events;
      await waitIndexed(client);
      subjects = await pickSubjects(client);
    } finally {
      client.close();
    }
    log(`session ${subjects.session}, project ${subjects.project}, ${fmtInt(Number(stored ?? 0))} events stored`);
    browser = await launchChromium();
    for (const c of cases(subjects.session, subjects.project)) {
      const r = await runCase(browser, server.url, c);
      results.push(r);
      log(`  ${r.name}: first data p50 ${r.first_data_ms?.p50 ?? '–'} ms, max ${r.first_data_ms?.max ?? '–'} ms${r.failures ? `, ${r.failures} runs without data` : ''}`);
    }
  } finally {
    await browser?.close();
    await server?.stop();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
  report(results, stored, subjects, source);
}

function report(results: CaseResult[], stored: unknown, subjects: { session: string; project: string }, source: string): void {
  const machine = { cpus: os.availableParallelism(), cpu_model: os.cpus()[0]?.model ?? null, node: process.version, loadavg: os.loadavg().map((l) => round(l, 2)) };
  if (opts.json) {
    process.stdout.write(JSON.stringify({ benchmark: 'ui-first-data', machine, options: opts, database: source, stored_events: stored, subjects, target_ms: TARGET_MS, results }) + '\n');
    return;
  }
  const w = Math.max(20, ...results.map((r) => r.name.length));
  const lines = [
    `\nAgentStats dashboard: first data on screen — ${fmtInt(Number(stored ?? 0))} events stored, ${opts.runs} cold loads per view (headless Chromium)`,
    `machine: ${machine.cpus} cores (${machine.cpu_model}), node ${machine.node}, load ${machine.loadavg.join(' ')}; project ${subjects.project}`,
    `${'view'.padEnd(w)}  first data p50 / p95 / max ms   shell p50   all API done p50 / max   slowest API request (p50 of the runs' slowest)   < ${TARGET_MS} ms`,
  ];
  for (const r of results) {
    const f = r.first_data_ms;
    const slow = r.slowest.filter((s): s is { path: string; duration_ms: number } => s !== null).sort((a, b) => a.duration_ms - b.duration_ms);
    const mid = slow[Math.max(0, Math.ceil(slow.length / 2) - 1)];
    const fd = f ? `${f.p50} / ${f.p95} / ${f.max}` : 'no data';
    const sh = r.first_api_ms ? String(r.first_api_ms.p50) : '–';
    const aa = r.all_api_ms ? `${r.all_api_ms.p50} / ${r.all_api_ms.max}` : '–';
    const sp = mid ? `${mid.duration_ms} ms ${mid.path.length > 70 ? mid.path.slice(0, 67) + '…' : mid.path}` : '–';
    lines.push(`${r.name.padEnd(w)}  ${fd.padStart(27)}   ${sh.padStart(9)}   ${aa.padStart(20)}   ${sp.padEnd(48)}   ${r.ok ? 'ok' : 'OVER'}${r.failures ? ` (${r.failures} without data)` : ''}`);
  }
  const errs = results.filter((r) => r.errors.length);
  for (const r of errs) lines.push(`${r.name}: ${r.errors.slice(0, 3).join('; ')}`);
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`bench:ui: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
