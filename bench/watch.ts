/**
 * Live history watching: the real server (default config: receivers.files in watch mode) over a
 * generated history of 5,000 files, measured from outside through /proc/<pid>/stat (all threads).
 *
 *   1. CPU at rest for --rest-s seconds after the first import, against the same server and
 *      history with watching off (AGENTSTATS_WATCH_HISTORY=0): the watcher's own idle cost.
 *   2. CPU and latency while --rate-kb KB/s are appended to a few files (Claude transcripts and a
 *      Codex rollout, mostly tool output as real ones are): latency from the write to the event
 *      on the live stream (/api/stream), per API call.
 *
 *   npm run build && npm run bench:watch [-- --files=5000 --rest-s=30 --load-s=30 --rate-kb=1024]
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeTempDir, ROOT, startServer, type BenchServer } from './lib/server.js';
import { Samples } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '5000' },
    'rest-s': { type: 'string', default: '30' },
    'load-s': { type: 'string', default: '30' },
    'rate-kb': { type: 'string', default: '1024' },
  },
});
const FILES = Number(args.files);
const REST_S = Number(args['rest-s']);
const LOAD_S = Number(args['load-s']);
const RATE = Number(args['rate-kb']) * 1024;

const FIX = path.join(ROOT, 'test', 'fixtures');
const TOOL_HEAVY = readFileSync(path.join(FIX, 'claude-transcripts', 'spotter-tool_heavy.jsonl'), 'utf8');
const ALPHA = readFileSync(path.join(FIX, 'codex-rollouts', 'ccusage-session-alpha.jsonl'), 'utf8');
const CLOCK_TICK = 100; // USER_HZ on Linux

/** utime + stime of a process (all its threads), in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICK;
}

/** 5,000 files shaped like a history: Claude projects with sessions (1 in 8 with a subagent), Codex days. */
function generate(root: string, n: number): { claude: string; codex: string } {
  const claude = path.join(root, 'claude');
  const codex = path.join(root, 'codex');
  const now = Date.now();
  const codexFiles = Math.round(n / 5);
  for (let i = 0; i < n - codexFiles; i++) {
    const project = path.join(claude, 'projects', `-home-dev-project-${i % 200}`);
    const session = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    let file = path.join(project, `${session}.jsonl`);
    if (i % 8 === 7) file = path.join(project, session, 'subagents', `agent-a${i}.jsonl`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, TOOL_HEAVY.replace(/(msg_|req_|toolu_)/g, `$1b${i}`));
    // Spread over the last 30 days: at rest, none is being written.
    const mtime = new Date(now - 60_000 * (20 + ((i * 7919) % (30 * 24 * 60))));
    utimesSync(file, mtime, mtime);
  }
  for (let i = 0; i < codexFiles; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const file = path.join(codex, 'sessions', '2026', String(1 + (i % 12)).padStart(2, '0'), day, `rollout-2026-01-01T00-00-00-00000000-0000-4000-9000-${String(i).padStart(12, '0')}.jsonl`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, ALPHA);
    const mtime = new Date(now - 60_000 * (20 + ((i * 104729) % (30 * 24 * 60))));
    utimesSync(file, mtime, mtime);
  }
  return { claude, codex };
}

/** Resolves once the server says its first pass is done. */
async function firstPass(server: BenchServer, timeoutMs = 600_000): Promise<void> {
  const start = Date.now();
  while (!/watching history files|history import done/.test(server.output())) {
    if (Date.now() - start > timeoutMs) throw new Error('first pass did not finish');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function restCpu(server: BenchServer, seconds: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 3000)); // let start-up work (WAL checkpoint, GC) finish
  const before = cpuSeconds(server.pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return ((cpuSeconds(server.pid) - before) / seconds) * 100;
}

/** Every event on /api/stream, with its arrival time. */
interface StreamedEvent {
  event_type?: string;
  request_id?: string | null;
  correlation_key?: string | null;
}

function listen(url: string, onEvent: (e: StreamedEvent, at: number) => void): () => void {
  const req = http.get(`${url}/api/stream`, { headers: { accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    let buf = '';
    res.on('data', (chunk: string) => {
      buf += chunk;
      for (let end = buf.indexOf('\n\n'); end !== -1; end = buf.indexOf('\n\n')) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        if (!block.includes('event: event')) continue;
        const data = block.split('\n').find((l) => l.startsWith('data:'));
        if (data) onEvent(JSON.parse(data.slice(5)) as StreamedEvent, Date.now());
      }
    });
  });
  req.on('error', () => undefined);
  return () => req.destroy();
}

const pad = (n: number) => 'x'.repeat(Math.max(0, n));

async function underLoad(server: BenchServer, roots: { claude: string; codex: string }) {
  const sessions = 4;
  const claudeFiles = Array.from({ length: sessions }, (_, i) => path.join(roots.claude, 'projects', '-home-dev-live', `live-${i}.jsonl`));
  const codexFile = path.join(roots.codex, 'sessions', '2026', '12', '31', 'rollout-2026-12-31T00-00-00-11111111-2222-4333-8444-555555555555.jsonl');
  mkdirSync(path.dirname(claudeFiles[0]), { recursive: true });
  mkdirSync(path.dirname(codexFile), { recursive: true });
  const written = new Map<string, number>();
  const latency = new Samples();
  const stop = listen(server.url, (e, at) => {
    const key = e.request_id ?? e.correlation_key ?? '';
    const t = written.get(key);
    if (t !== undefined && e.event_type === 'api_request') {
      latency.add(at - t);
      written.delete(key);
    }
  });
  await new Promise((r) => setTimeout(r, 500));

  const tickMs = 100;
  const perTick = (RATE * tickMs) / 1000;
  const perFile = Math.floor(perTick / (sessions + 1));
  let n = 0;
  let bytes = 0;
  let total = { input: 0, cached: 0, output: 0, reasoning: 0 };
  const cpuBefore = cpuSeconds(server.pid);
  const started = Date.now();
  while (Date.now() - started < LOAD_S * 1000) {
    const tickStart = Date.now();
    for (const [i, file] of claudeFiles.entries()) {
      n++;
      const ts = new Date().toISOString();
      const req = `req_live_${n}`;
      const common = { sessionId: `live-${i}`, cwd: '/home/dev/live', gitBranch: 'main', version: '2.1.220', timestamp: ts, isSidechain: false };
      const assistant = JSON.stringify({ ...common, type: 'assistant', requestId: req, uuid: `u${n}`,
        message: { id: `msg_live_${n}`, role: 'assistant', model: 'claude-sonnet-4-6', content: [{ type: 'text', text: 'ok' }],
          usage: { input_tokens: 3, output_tokens: 100 + (n % 50), cache_read_input_tokens: 20000, cache_creation_input_tokens: 500 } } });
      const end = JSON.stringify({ ...common, type: 'system', subtype: 'turn_duration', durationMs: 1000 });
      const output = JSON.stringify({ ...common, type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${n}`, content: '' }] }, toolUseResult: pad(perFile - assistant.length - end.length - 400) });
      const chunk = `${output}\n${assistant}\n${end}\n`;
      written.set(req, Date.now());
      appendFileSync(file, chunk);
      bytes += chunk.length;
    }
    n++;
    const call = { input: 5000 + (n % 97), cached: 4000, output: 200 + (n % 13), reasoning: 50 };
    total = { input: total.input + call.input, cached: total.cached + call.cached, output: total.output + call.output, reasoning: total.reasoning + call.reasoning };
    const sum = (u: typeof total) => ({ input_tokens: u.input, cached_input_tokens: u.cached, output_tokens: u.output, reasoning_output_tokens: u.reasoning, total_tokens: u.input + u.output });
    const tokenCount = JSON.stringify({ timestamp: new Date().toISOString(), type: 'event_msg', payload: { type: 'token_count', info: { model: 'gpt-5.2-codex', total_token_usage: sum(total), last_token_usage: sum(call) } } });
    const out = JSON.stringify({ timestamp: new Date().toISOString(), type: 'response_item', payload: { type: 'function_call_output', call_id: `c${n}`, output: pad(perFile - tokenCount.length - 200) } });
    const key = `codex-call:11111111-2222-4333-8444-555555555555:${call.input}:${call.cached}:${call.output}:${call.reasoning}`;
    written.set(key, Date.now());
    appendFileSync(codexFile, `${out}\n${tokenCount}\n`);
    bytes += out.length + tokenCount.length + 2;
    const wait = tickMs - (Date.now() - tickStart);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const seconds = (Date.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 3000)); // the last appends arrive
  const cpu = ((cpuSeconds(server.pid) - cpuBefore) / (seconds + 3)) * 100;
  stop();
  return { mbPerS: bytes / seconds / 1024 / 1024, cpu, latency: latency.summary(), seen: latency.count, lost: written.size, calls: n };
}

async function main() {
  const dir = makeTempDir('agentstats-bench-watch-');
  try {
    console.log(`generating ${FILES} history files…`);
    const roots = generate(path.join(dir, 'history'), FILES);
    const env = (watch: boolean) => ({
      CLAUDE_CONFIG_DIR: roots.claude,
      CODEX_HOME: roots.codex,
      AGENTSTATS_LOG_LEVEL: 'info',
      AGENTSTATS_WATCH_HISTORY: watch ? '1' : '0',
    });

    // The same database for both: the first server imports, the others find everything read.
    const db = path.join(dir, 'agentstats.db');
    const t0 = Date.now();
    let server = await startServer(db, env(true));
    await firstPass(server);
    const importS = (Date.now() - t0) / 1000;
    await server.stop();

    const rest: Record<string, number[]> = { watch: [], off: [] };
    for (let round = 0; round < 2; round++) {
      for (const mode of ['watch', 'off'] as const) {
        server = await startServer(db, env(mode === 'watch'));
        await firstPass(server);
        rest[mode].push(await restCpu(server, REST_S));
        if (mode === 'watch' && round === 0) console.log(`folders watched: ${/folders_watched":(\d+)/.exec(server.output())?.[1]}`);
        await server.stop();
      }
    }

    server = await startServer(db, env(true));
    await firstPass(server);
    const load = await underLoad(server, roots);
    await server.stop();

    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
    console.log(`\nCPU: ${cpus()[0]?.model ?? '?'} × ${cpus().length}; node ${process.version}`);
    console.log(`history: ${FILES} files; first import (start-up to first pass done): ${importS.toFixed(1)} s\n`);
    console.log('| measurement | result |');
    console.log('|---|---|');
    console.log(`| CPU at rest, watching (${REST_S} s, 2 rounds) | ${fmt(rest.watch)} % of one core |`);
    console.log(`| CPU at rest, watching off (same server, AGENTSTATS_WATCH_HISTORY=0) | ${fmt(rest.off)} % of one core |`);
    console.log(`| append rate | ${load.mbPerS.toFixed(2)} MB/s into 5 files for ${LOAD_S} s (${load.calls} API calls) |`);
    console.log(`| CPU under that load | ${load.cpu.toFixed(1)} % of one core |`);
    console.log(`| write → live stream latency (per API call) | p50 ${load.latency.p50} ms, p95 ${load.latency.p95} ms, p99 ${load.latency.p99} ms, max ${load.latency.max} ms (${load.seen} seen, ${load.lost} missing) |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
