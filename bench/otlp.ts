/**
 * npm run bench:otlp — OTLP/JSON logs requests of N records (default 100), decoded, mapped and
 * stored by the real server, beside the native batch rate (POST /api/events/batch with the same
 * number of equivalent events) measured in the same run against the same server. Rounds alternate
 * native and OTLP so drift (WAL growth, page cache) hits both alike. Results go in docs/otlp.md.
 *
 *   --events=N        events per kind and round (default 50k)
 *   --batch-size=N    records per request (default 100)
 *   --concurrency=N   keep-alive connections (default 8)
 *   --rounds=N        native/OTLP round pairs (default 2)
 *   --warmup=N        events per kind sent first, not measured (default 5k)
 *   --sessions=N      distinct sessions (default 100)
 *   --url=URL         a running server (loopback only); else one is started on a temp DB
 *   --json            print the result as JSON
 */
import path from 'node:path';
import { rmSync } from 'node:fs';
import { assertLoopbackUrl, OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir, startServer, type BenchServer } from './lib/server.js';
import { BenchClient, waitHealthy } from './lib/http.js';
import { fmtInt, processCpuSeconds, round, Samples } from './lib/stats.js';

const FLAGS = ['events', 'batch-size', 'concurrency', 'rounds', 'warmup', 'sessions', 'url', 'json', 'help'] as const;

function readOptions(argv: string[]) {
  const o = new OptionReader(parseFlags(argv, FLAGS));
  return {
    help: o.bool('help'),
    events: o.int('events', 'AGENTSTATS_BENCH_EVENTS', 50_000, 1),
    batchSize: o.int('batch-size', 'AGENTSTATS_BENCH_BATCH_SIZE', 100, 1, 5000),
    concurrency: o.int('concurrency', 'AGENTSTATS_BENCH_CONCURRENCY', 8, 1, 1000),
    rounds: o.int('rounds', undefined, 2, 1, 100),
    warmup: o.int('warmup', undefined, 5_000, 0),
    sessions: o.int('sessions', undefined, 100, 1),
    url: o.str('url', 'AGENTSTATS_BENCH_URL'),
    json: o.bool('json'),
  };
}
type Options = ReturnType<typeof readOptions>;

const T0 = Date.parse('2026-11-24T00:00:00Z');
let serial = 0;

/** One Claude Code turn's worth of shapes, cycling: api_request, tool_result, user_prompt. */
function eventFields(i: number, opts: Options) {
  const n = serial++;
  const session = `bench-${n % opts.sessions}`;
  const ms = T0 + n;
  const kind = i % 3;
  return { n, session, ms, kind };
}

function otlpRecord(f: ReturnType<typeof eventFields>) {
  const s = (v: string) => ({ stringValue: v });
  const int = (v: number) => ({ intValue: v });
  const common = [
    { key: 'session.id', value: s(f.session) },
    { key: 'event.sequence', value: int(f.n) },
    { key: 'event.timestamp', value: s(new Date(f.ms).toISOString()) },
    { key: 'prompt.id', value: s(`p-${f.n >> 3}`) },
    { key: 'terminal.type', value: s('tmux') },
  ];
  const name = ['api_request', 'tool_result', 'user_prompt'][f.kind];
  const specific =
    f.kind === 0
      ? [
          { key: 'model', value: s('claude-sonnet-4-6') },
          { key: 'input_tokens', value: int(120) },
          { key: 'output_tokens', value: int(480) },
          { key: 'cache_read_tokens', value: int(20000) },
          { key: 'cache_creation_tokens', value: int(900) },
          { key: 'cost_usd', value: { doubleValue: 0.0213 } },
          { key: 'duration_ms', value: int(4200) },
        ]
      : f.kind === 1
        ? [
            { key: 'tool_name', value: s('Bash') },
            { key: 'tool_use_id', value: s(`toolu-${f.n}`) },
            { key: 'success', value: s('true') },
            { key: 'duration_ms', value: s('85') },
          ]
        : [{ key: 'prompt_length', value: s('64') }];
  return {
    timeUnixNano: `${f.ms}000000`,
    observedTimeUnixNano: `${f.ms}000000`,
    body: s(`claude_code.${name}`),
    attributes: [{ key: 'event.name', value: s(name) }, ...common, ...specific],
  };
}

/** The event the OTLP receiver makes of the same record: same keys and similar metadata. */
function nativeEvent(f: ReturnType<typeof eventFields>) {
  const promptId = `p-${f.n >> 3}`;
  const base = { session_id: f.session, agent_type: 'claude_code', timestamp: new Date(f.ms).toISOString(), prompt_id: promptId,
    metadata: { 'event.sequence': f.n, 'terminal.type': 'tmux', otel: { scope: 'com.anthropic.claude_code.events' } } };
  if (f.kind === 0) {
    return { ...base, event_type: 'api_request', model: 'claude-sonnet-4-6', tokens_in: 120, tokens_out: 480,
      cache_read_tokens: 20000, cache_write_tokens: 900, cost_usd: 0.0213, duration_ms: 4200 };
  }
  if (f.kind === 1) {
    return { ...base, event_type: 'tool_use', tool_name: 'Bash', tool_use_id: `toolu-${f.n}`, status: 'success', duration_ms: 85,
      correlation_key: `tool:${f.session}:toolu-${f.n}` };
  }
  return { ...base, event_type: 'user_prompt', correlation_key: `prompt:${f.session}:${promptId}`,
    metadata: { ...base.metadata, prompt_length: 64 } };
}

function bodies(kind: 'otlp' | 'native', events: number, opts: Options): string[] {
  const out: string[] = [];
  for (let done = 0; done < events; done += opts.batchSize) {
    const n = Math.min(opts.batchSize, events - done);
    const fields = Array.from({ length: n }, (_, i) => eventFields(i, opts));
    if (kind === 'native') {
      out.push(JSON.stringify({ events: fields.map(nativeEvent) }));
    } else {
      const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] };
      out.push(JSON.stringify({ resourceLogs: [{ resource, scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords: fields.map(otlpRecord) }] }] }));
    }
  }
  return out;
}

interface RunResult {
  events: number;
  seconds: number;
  failures: number;
}

async function run(
  client: BenchClient,
  pathname: string,
  list: string[],
  perRequest: number[],
  opts: Options,
  latency = new Samples(),
): Promise<RunResult> {
  const result: RunResult = { events: 0, seconds: 0, failures: 0 };
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < list.length) {
      const i = next++;
      const res = await client.request('POST', pathname, list[i]);
      latency.add(res.ms);
      // OTLP answers {} when every record was stored; native answers its stored ids.
      const ok = res.status === 200 && (pathname === '/v1/logs' ? res.body === '{}' : (JSON.parse(res.body) as { ids: string[] }).ids.length === perRequest[i]);
      if (ok) result.events += perRequest[i];
      else result.failures++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function sizes(events: number, batch: number): number[] {
  return Array.from({ length: Math.ceil(events / batch) }, (_, i) => Math.min(batch, events - i * batch));
}

async function main(): Promise<void> {
  const opts = readOptions(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write((await import('node:fs')).readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0] + '*/\n');
    return;
  }
  const log = (line: string) => (opts.json ? process.stderr : process.stdout).write(line + '\n');
  let server: BenchServer | null = null;
  let dir: string | null = null;
  let url: string;
  if (opts.url) {
    url = assertLoopbackUrl(opts.url).origin;
  } else {
    dir = makeTempDir();
    server = await startServer(path.join(dir, 'agentstats.db'));
    url = server.url;
  }
  const client = new BenchClient(url, opts.concurrency, 60_000);
  try {
    await waitHealthy(client);
    if (opts.warmup > 0) {
      await run(client, '/api/events/batch', bodies('native', opts.warmup, opts), sizes(opts.warmup, opts.batchSize), opts);
      await run(client, '/v1/logs', bodies('otlp', opts.warmup, opts), sizes(opts.warmup, opts.batchSize), opts);
    }
    const total = () => ({ events: 0, seconds: 0, failures: 0, latency: new Samples() });
    const totals = { native: total(), otlp: total() };
    const cpuBefore = server ? await processCpuSeconds(server.pid) : null;
    for (let r = 0; r < opts.rounds; r++) {
      for (const kind of ['native', 'otlp'] as const) {
        const list = bodies(kind, opts.events, opts);
        const t = totals[kind];
        const pathname = kind === 'otlp' ? '/v1/logs' : '/api/events/batch';
        const res = await run(client, pathname, list, sizes(opts.events, opts.batchSize), opts, t.latency);
        t.events += res.events;
        t.seconds += res.seconds;
        t.failures += res.failures;
        log(`round ${r + 1} ${kind.padEnd(6)} ${fmtInt(res.events)} events in ${round(res.seconds, 2)} s = ${fmtInt(res.events / res.seconds)} events/s (failures ${res.failures})`);
      }
    }
    const cpuAfter = server ? await processCpuSeconds(server.pid) : null;
    const summary = Object.fromEntries(
      (['native', 'otlp'] as const).map((k) => [k, {
        events: totals[k].events,
        seconds: round(totals[k].seconds, 3),
        events_per_s: Math.round(totals[k].events / totals[k].seconds),
        failures: totals[k].failures,
        request_ms: totals[k].latency.summary(),
      }]),
    );
    const ratio = round(summary.otlp.events_per_s / summary.native.events_per_s, 2);
    const result = { batch_size: opts.batchSize, concurrency: opts.concurrency, rounds: opts.rounds, ...summary, otlp_vs_native: ratio,
      server_cpu_s: cpuBefore !== null && cpuAfter !== null ? round(cpuAfter - cpuBefore, 2) : null };
    if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      log(`native batch: ${fmtInt(summary.native.events_per_s)} events/s, p50 ${summary.native.request_ms.p50} ms/request`);
      log(`OTLP/JSON   : ${fmtInt(summary.otlp.events_per_s)} events/s, p50 ${summary.otlp.request_ms.p50} ms/request (${ratio}× native)`);
    }
    if (totals.native.failures + totals.otlp.failures > 0) process.exitCode = 1;
  } finally {
    client.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench:otlp failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
