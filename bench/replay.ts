/**
 * The first import's work in ONE thread, phase by phase: the parse worker's function over every
 * file of a corpus with the import's processor chain (as a parse thread does it), then the writer
 * storing the packed batches (as the writer thread does it), then the search index brought up to
 * the last event. No pool, no pipeline, no timing between threads: the same work every run.
 *
 *   npm run bench:replay -- --corpus=DIR [--phase=parse|write|all] [--files=N] [--group=1000] [--json]
 *
 * On a machine whose speed drifts, wall and even CPU seconds move more than a small change is
 * worth; the instructions this run executes do not (±0.3 %). Count them with Debian's valgrind,
 * once per phase, and subtract (docs/benchmarks.md, "Issue 14, sixth round"):
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null --smc-check=all-non-file \
 *     node --single-threaded dist/bench/replay.js --corpus=DIR --phase=parse     # parse side
 *   ... --phase=write                                        # minus that: the store's side
 *
 * (`--single-threaded` keeps V8's compiler and GC on the counted thread.) `write` minus `parse` is
 * what the import's storage does: creating the database, the transactions, the search index and
 * the close's checkpoint. `all` also reads the stored totals back and prints them, so that a change
 * which alters what is stored shows at once.
 *
 * It is a model of the import, not the import: batches are written in file order in transactions
 * of up to --group events (a real import interleaves the files its parsing threads finish, in
 * groups of whatever is queued, up to 4,000), and the parse phase keeps every packed batch until
 * the write phase. Compare counts between builds, not with the import's wall time.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../collector/config/index.js';
import type { ChainRef } from '../collector/core/chain.js';
import type { PackedPart, WriteBatch } from '../collector/core/storage.js';
import { defaultConfig } from '../collector/service/default-config.js';
import { resolveComponents } from '../collector/service/resolve.js';
import { migrate, tune } from '../exporters/sqlite/schema.js';
import { FINISH_STEP_EVENTS, SearchIndexer } from '../exporters/sqlite/search-index.js';
import { Writer } from '../exporters/sqlite/writer.js';
import { OptionReader, parseFlags } from './lib/options.js';
import { corpusFiles, parseFiles } from './lib/parse-side.js';
import { storedTotals } from './lib/stored-totals.js';
import { makeTempDir } from './lib/server.js';

interface Phase {
  name: string;
  wall_ms: number;
  cpu_ms: number;
}

/** Wall and CPU milliseconds of `work` (CPU of the whole process: one thread under --single-threaded). */
async function timed<T>(name: string, phases: Phase[], work: () => Promise<T> | T): Promise<T> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const used = process.cpuUsage(cpu);
  phases.push({ name, wall_ms: Math.round(performance.now() - started), cpu_ms: Math.round((used.user + used.system) / 1000) });
  return result;
}

/**
 * What a run-once import with the default config uses: its first pipeline's processor chain and
 * its SQLite exporter's session timeouts.
 */
async function importSetup(emptyDir: string): Promise<{ chain: ChainRef; idleAfterMs: number; endAfterMs: number }> {
  // An empty home and working directory: no config file of this machine's user is read.
  const loaded = loadConfig({ defaults: defaultConfig(), env: { HOME: emptyDir }, cwd: emptyDir });
  const resolved = await resolveComponents(loaded, { withoutHttp: true });
  const [key, pipeline] = Object.entries(loaded.config.service.pipelines)[0];
  const component = (section: string, id: string) => resolved.find((r) => r.section === section && r.id === id)!;
  const specs = (pipeline.processors ?? []).map((id) => ({ id, module: component('processors', id).module, config: component('processors', id).config, baseDir: loaded.baseDir }));
  const sqlite = component('exporters', pipeline.exporters[0]).config as { session_timeout_minutes: number; end_after_minutes: number };
  return { chain: { key, specs }, idleAfterMs: sqlite.session_timeout_minutes * 60_000, endAfterMs: sqlite.end_after_minutes * 60_000 };
}

/**
 * Consecutive batches in transactions of up to `group` events. A real import's groups depend on what
 * is queued when the writer thread is free (up to 4,000 events; ~1,050 on average, docs/benchmarks.md).
 */
function groupBatches(parts: PackedPart[], group: number): WriteBatch[] {
  const out: WriteBatch[] = [];
  let current: PackedPart[] = [];
  let events = 0;
  for (const part of parts) {
    if (current.length > 0 && events + part.ids.length > group) {
      out.push({ events: [], packed: current });
      current = [];
      events = 0;
    }
    current.push(part);
    events += part.ids.length;
  }
  if (current.length > 0) out.push({ events: [], packed: current });
  return out;
}

async function main(): Promise<void> {
  const opts = new OptionReader(parseFlags(process.argv.slice(2), ['corpus', 'phase', 'files', 'group', 'json']));
  const corpus = opts.str('corpus');
  if (!corpus) throw new Error('--corpus=DIR is required (npm run bench:gen-corpus -- --out=DIR --size-mb=600)');
  const phase = opts.choice('phase', undefined, 'all', ['parse', 'write', 'all'] as const);
  const fileLimit = opts.int('files', undefined, Number.MAX_SAFE_INTEGER, 1);
  const group = opts.int('group', undefined, 1000, 1);
  const dir = makeTempDir('agentstats-bench-replay-');
  const phases: Phase[] = [];
  try {
    const { chain, idleAfterMs, endAfterMs } = await importSetup(dir);
    const files = (await corpusFiles(path.resolve(corpus))).slice(0, fileLimit);
    if (files.length === 0) throw new Error(`no agent history under ${corpus}: run npm run bench:gen-corpus first`);
    // A fixed "now": every run makes the same events (settling, session states, created_at).
    const nowMs = Date.parse('2026-11-30T00:00:00Z');
    const parts: PackedPart[] = [];
    const parsed = await timed('parse', phases, () =>
      parseFiles(files, { nowMs, chain, onBatch: (batch) => parts.push({ at: 0, ...batch.packed }) }),
    );
    const kept = parts.reduce((n, p) => n + p.ids.length, 0);
    let stored: number | null = null;
    let transactions: number | null = null;
    let totals: string | null = null;
    if (phase !== 'parse') {
      const dbPath = path.join(dir, 'replay.db');
      const db = new Database(dbPath);
      tune(db);
      migrate(db);
      const writer = new Writer(db, { now: () => new Date(nowMs), idleAfterMs, endAfterMs });
      const batches = groupBatches(parts, group);
      transactions = batches.length;
      stored = await timed('write', phases, () => batches.reduce((n, b) => n + writer.writeBatchPlaced(b).placed.length, 0));
      await timed('search index', phases, () => {
        const indexer = new SearchIndexer(db);
        while (indexer.step(FINISH_STEP_EVENTS) > 0);
      });
      db.close();
      if (phase === 'all') totals = storedTotals(dbPath);
    }
    const report = { corpus, files: files.length, phase, group, events_parsed: parsed, events_kept: kept, events_stored: stored, transactions, phases, stored_totals: totals };
    if (opts.bool('json')) {
      console.log(JSON.stringify(report));
      return;
    }
    console.log(`${files.length} files: ${parsed.toLocaleString('en-US')} events parsed, ${kept.toLocaleString('en-US')} kept by the chain (${chain.specs.map((s) => s.id).join(', ')})`);
    for (const p of phases) console.log(`  ${p.name.padEnd(13)} ${String(p.wall_ms).padStart(6)} ms wall ${String(p.cpu_ms).padStart(6)} ms CPU`);
    if (stored !== null) console.log(`  stored ${stored.toLocaleString('en-US')} events in ${transactions} transactions${totals ? `; totals: ${totals}` : ''}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:replay: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
