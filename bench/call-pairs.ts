/**
 * npm run bench:call-pairs — what pairing Claude calls without request ids costs the store's
 * transaction (exporters/sqlite/call-pairs.ts), beside the exact `api:<request id>` key it stands in
 * for, in CPU microseconds per event. Writes through SqliteStore.writeBatch on a temp database, in
 * one process, batches of 100:
 *
 *   exact   N calls live (api:<id>), then the same N imported (each folds on its key)
 *   paired  N calls live (claude-call:<session>:<figures>), then the same N imported (each pairs)
 *   flood   N identical calls of one session from one source (none pairs, all wait): the worst case
 *
 *   --calls=N     calls per scenario and side (default 50000)
 *   --sessions=N  sessions the calls are spread over (default 100)
 *   --rounds=N    rounds of the three scenarios, each on a fresh database (default 3)
 *   --json        one JSON object on stdout
 */
import path from 'node:path';
import { rmSync } from 'node:fs';
import { apiRequestKey, claudeCallKey } from '../collector/core/correlation.js';
import { validateEvent, type CanonicalEvent } from '../collector/core/event.js';
import { OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir } from './lib/server.js';
import { openStore } from './lib/store.js';
import { round, Samples } from './lib/stats.js';

const o = new OptionReader(parseFlags(process.argv.slice(2), ['calls', 'sessions', 'rounds', 'json']));
const calls = o.int('calls', undefined, 50_000, 100);
const sessions = o.int('sessions', undefined, 100, 1);
const rounds = o.int('rounds', undefined, 3, 1, 20);
const json = o.bool('json');
const T0 = Date.parse('2026-11-24T00:00:00Z');
const ctx = { now: () => new Date(T0 + 86_400_000), newId: () => 'unused' };

type Scenario = 'exact' | 'paired' | 'flood';

function call(i: number, source: 'otlp' | 'import', scenario: Scenario): CanonicalEvent {
  const session = scenario === 'flood' ? 'flood' : `s-${i % sessions}`;
  // Distinct figures per call, as a conversation's growing cache reads make them; the flood repeats one.
  const figures = scenario === 'flood' ? { input: 3, output: 10, cacheRead: 20_000, cacheWrite: 900 } : { input: 3, output: 10 + (i % 500), cacheRead: 20_000 + i, cacheWrite: 900 };
  const key = scenario === 'exact' ? apiRequestKey(`req_${i}`) : claudeCallKey(session, figures);
  const r = validateEvent(
    {
      event_id: `${scenario}-${source}-${i}`,
      source,
      session_id: session,
      agent_type: 'claude_code',
      event_type: 'api_request',
      model: 'claude-opus-4-6',
      tokens_in: figures.input,
      tokens_out: figures.output,
      cache_read_tokens: figures.cacheRead,
      cache_write_tokens: figures.cacheWrite,
      cost_usd: 0.01,
      correlation_key: key,
      // Live at the response's end, the transcript a second earlier; 2 s between calls.
      client_timestamp: new Date(T0 + i * 2000 - (source === 'import' ? 1000 : 0)).toISOString(),
    },
    ctx,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.event;
}

/** CPU time per event (this process: the store writes in it) for each side of the scenario. */
function runScenario(scenario: Scenario, dir: string): Record<string, number> {
  const dbPath = path.join(dir, `${scenario}.db`);
  const store = openStore(dbPath);
  const sides: Array<'otlp' | 'import'> = scenario === 'flood' ? ['otlp'] : ['otlp', 'import'];
  const out: Record<string, number> = {};
  let folded = 0;
  for (const source of sides) {
    const batches: CanonicalEvent[][] = [];
    for (let i = 0; i < calls; i += 100) batches.push(Array.from({ length: Math.min(100, calls - i) }, (_, k) => call(i + k, source, scenario)));
    const cpu = process.cpuUsage();
    for (const events of batches) folded += store.writeBatch({ events }).foldedIds.size;
    const used = process.cpuUsage(cpu);
    out[source === 'otlp' ? 'live' : 'import'] = (used.user + used.system) / calls;
  }
  store.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  const expected = scenario === 'flood' ? 0 : calls;
  if (folded !== expected) throw new Error(`${scenario}: ${folded} folded, expected ${expected}`);
  return out;
}

// CPU time rather than wall time: the shared machine's load moves wall time by ±30 %, CPU time by a few.
const dir = makeTempDir('agentstats-bench-pairs-');
const samples = new Map<string, Samples>();
try {
  for (let r = 0; r < rounds; r++) {
    for (const scenario of ['exact', 'paired', 'flood'] as const) {
      for (const [side, us] of Object.entries(runScenario(scenario, dir))) {
        const name = `${scenario} ${side}`;
        if (!samples.has(name)) samples.set(name, new Samples());
        samples.get(name)!.add(us);
        if (!json) process.stdout.write(`round ${r + 1} ${name.padEnd(14)} ${round(us, 1)} µs CPU/event\n`);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const summary = Object.fromEntries(
  [...samples].map(([name, s]) => [name, { median: round(s.percentile(0.5), 1), min: round(s.percentile(0), 1), max: round(s.percentile(1), 1) }]),
);
if (json) process.stdout.write(JSON.stringify({ calls, sessions, rounds, cpu_us_per_event: summary }) + '\n');
else for (const [name, v] of Object.entries(summary)) process.stdout.write(`${name.padEnd(14)} median ${v.median} µs CPU/event (${v.min}–${v.max})\n`);
