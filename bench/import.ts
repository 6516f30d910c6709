/**
 * Import throughput: runs the real import CLI (`node dist/collector/import-main.js --source all`)
 * over a generated corpus into a fresh database, twice — the first run reads everything, the second
 * finds every file unchanged — and reports wall time, MB/s and events/s for each.
 *
 *   npm run bench:gen-corpus -- --out=bench/corpus --size-mb=600
 *   npm run bench:import -- --corpus=bench/corpus [--workers=N] [--ccusage=PATH]
 * With ccusage on PATH (or --ccusage=PATH) its `daily --json` time on the same files is reported too.
 *
 *   npm run bench:import -- --corpus=bench/corpus --against=DIR [--rounds=N]
 * compares this build's first import with another checkout's (built with `npx tsc -p tsconfig.json`
 * there, e.g. a git worktree of the commit before a change): N rounds (default 4) in A-B-B-A order,
 * each a fresh database, with each round's wall time, CPU and speed-up; then the stored totals,
 * which must be the same in every run of both builds (the run fails if they are not).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { parseFloor } from './lib/parse-floor.js';
import { findCcusage, timeCcusage } from './lib/ccusage.js';
import { parseSide } from './lib/parse-side.js';
import { storedTotals } from './lib/stored-totals.js';
import { alternate, ratioSummary, type Side } from './lib/compare.js';
import { keepOnInterrupt } from './lib/interrupt.js';
import { assertBuilt, builtScript, makeTempDir, ROOT } from './lib/server.js';

const CLI = builtScript(ROOT, 'import-main.js');
const MB = 1024 * 1024;

function corpusBytes(dir: string): { files: number; bytes: number; paths: string[] } {
  let files = 0;
  let bytes = 0;
  const paths: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.jsonl')) continue;
    files++;
    paths.push(path.join(entry.parentPath, entry.name));
    bytes += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes, paths };
}

interface Run {
  label: string;
  wallMs: number;
  /** CPU time of the import process (all its threads), from the child's rusage. */
  cpuS: number;
  summary: Record<string, number>;
}

async function runCli(label: string, corpus: string, home: string, dbPath: string, workers: string | undefined, cli = CLI): Promise<Run> {
  const args = [cli, '--source', 'all', '--json', ...(workers ? ['--workers', workers] : [])];
  const started = process.hrtime.bigint();
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(corpus, 'claude'),
      CODEX_HOME: path.join(corpus, 'codex'),
      AGENTSTATS_DB_PATH: dbPath,
    },
    maxBuffer: 16 * MB,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  // Children's CPU is not in resourceUsage(); read it from /proc (Linux) as cutime + cstime.
  return { label, wallMs, cpuS: childCpuSeconds(), summary: JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number> };
}

let childCpuBase = 0;
/** CPU seconds of the children waited for since the last call (Linux: /proc/self/stat fields 16–17). */
function childCpuSeconds(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const total = (Number(fields[13]) + Number(fields[14])) / 100; // clock ticks (USER_HZ = 100)
    const d = total - childCpuBase;
    childCpuBase = total;
    return d;
  } catch {
    return NaN;
  }
}

function row(r: Run, corpusMb: number): string {
  const s = r.summary;
  const secs = r.wallMs / 1000;
  return (
    `| ${r.label} | ${secs.toFixed(2)} s | ${(s.bytes_read / MB / secs).toFixed(1)} MB/s | ` +
    `${Math.round(s.events / secs).toLocaleString('en-US')} events/s | ${s.files_read} read, ${s.files_unchanged} unchanged | ` +
    `${s.events.toLocaleString('en-US')} parsed, ${s.stored.toLocaleString('en-US')} stored, ${s.duplicates} dup | ` +
    `${(s.bytes_read / MB).toFixed(1)} of ${corpusMb.toFixed(1)} MB | ${r.cpuS.toFixed(2)} s | ` +
    `${s.events ? ((1000 * r.cpuS) / s.events).toFixed(3) : '–'} | ${s.elapsed_ms} ms |`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: path.join(ROOT, 'bench', 'corpus') },
      workers: { type: 'string' },
      'keep-db': { type: 'boolean', default: false },
      ccusage: { type: 'string' },
      against: { type: 'string' },
      rounds: { type: 'string' },
    },
  });
  const corpus = path.resolve(values.corpus);
  const { files, bytes, paths } = corpusBytes(corpus);
  if (files === 0) throw new Error(`no .jsonl files under ${corpus}: run npm run bench:gen-corpus first`);
  if (values.rounds !== undefined && !values.against) throw new Error('--rounds goes with --against=DIR');
  if (values.against) {
    const rounds = Number(values.rounds ?? 4);
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number of at least 1, not ${values.rounds}`);
    // Untimed: the corpus in the page cache before the first round, as the floor does below.
    await parseFloor(paths, 1);
    await compareBuilds(corpus, path.resolve(values.against), rounds, values.workers);
    return;
  }
  const dir = makeTempDir('agentstats-bench-import-');
  if (values['keep-db']) keepOnInterrupt(dir);
  const dbPath = path.join(dir, 'bench.db');
  try {
    // The floor first (it also warms the page cache for the import): read + JSON.parse every line.
    const floor1 = await parseFloor(paths, 1);
    const floor = await parseFloor(paths, availableParallelism());
    const side = await parseSide(corpus);
    childCpuSeconds();
    const first = await runCli('first run', corpus, dir, dbPath, values.workers);
    const second = await runCli('unchanged re-run', corpus, dir, dbPath, values.workers);
    const dbMb = statSync(dbPath).size / MB;
    const totals = storedTotals(dbPath);
    const ccusageBin = findCcusage(values.ccusage);
    const peer = ccusageBin ? await timeCcusage(ccusageBin, corpus, dir) : null;
    const n = (x: number) => x.toLocaleString('en-US');
    const peerLine = peer
      ? `ccusage (${peer.bin}, \`daily --json --offline\`, best of 3): ${peer.bestSeconds.toFixed(2)} s; ` +
        `ratio first run / ccusage = ${(first.wallMs / 1000 / peer.bestSeconds).toFixed(2)}×; its totals: tokens_in ${n(peer.totals.inputTokens)}, ` +
        `tokens_out ${n(peer.totals.outputTokens)}, cache_read ${n(peer.totals.cacheReadTokens)}, cache_write ${n(peer.totals.cacheCreationTokens)}, ` +
        `cost $${peer.totals.totalCost.toFixed(6)}\n`
      : '(ccusage not found: --ccusage=PATH or on PATH; no comparison with it)\n';
    process.stdout.write(
      `corpus: ${files} files, ${(bytes / MB).toFixed(1)} MB (${corpus})\n` +
        `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}\n` +
        `database after import: ${dbMb.toFixed(1)} MB\n\n` +
        `parse floor (read + JSON.parse of every line): ${floor1.seconds.toFixed(2)} s on 1 thread, ` +
        `${floor.seconds.toFixed(2)} s on ${floor.threads} (${floor.lines.toLocaleString('en-US')} lines, ` +
        `${(floor.bytes / MB / floor.seconds).toFixed(0)} MB/s)\n` +
        `parse side alone (the parse worker's function over every file on 1 thread, no pipeline, chain off; best of ` +
        `${side.passes - 1} passes after a warm-up): ${side.cpuSeconds.toFixed(2)} CPU-s for ${side.events.toLocaleString('en-US')} events ` +
        `(${(side.cpuSeconds / floor1.seconds).toFixed(2)}× the 1-thread floor)\n` +
        `ratio first run / parse floor on ${floor.threads} threads = ${(first.wallMs / 1000 / floor.seconds).toFixed(2)}×\n` +
        peerLine +
        '\n' +
        '| run | wall time | throughput | event rate | files | events | bytes read | CPU | CPU-s per 1k events | own work (elapsed_ms) |\n|---|---|---|---|---|---|---|---|---|---|\n' +
        row(first, bytes / MB) +
        '\n' +
        row(second, bytes / MB) +
        '\n\n' +
        `first run summary: ${JSON.stringify(first.summary)}\n` +
        `stored totals (must not change between versions): ${totals}\n`,
    );
  } finally {
    if (values['keep-db']) process.stdout.write(`database kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** One first import into a fresh database, with the totals it stored (read by this build's reader). */
async function firstImport(cli: string, corpus: string, workers: string | undefined): Promise<Run & { totals: string }> {
  const dir = makeTempDir('agentstats-bench-import-');
  try {
    const dbPath = path.join(dir, 'bench.db');
    childCpuSeconds();
    const run = await runCli('first run', corpus, dir, dbPath, workers, cli);
    let totals: string;
    try {
      totals = storedTotals(dbPath);
    } catch (error) {
      totals = `not readable by this build (${error instanceof Error ? error.message : String(error)})`;
    }
    return { ...run, totals };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function compareBuilds(corpus: string, against: string, rounds: number, workers: string | undefined): Promise<void> {
  const clis: Record<Side, string> = { this: CLI, against: builtScript(against, 'import-main.js') };
  assertBuilt(clis.against);
  process.stdout.write(`comparing the first import of ${corpus}: ${ROOT} against ${against}, ${rounds} round(s)\n`);
  const line = (r: Run) => `${(r.wallMs / 1000).toFixed(2)} s (CPU ${r.cpuS.toFixed(2)} s)`;
  const results = await alternate(
    rounds,
    (side) => firstImport(clis[side], corpus, workers),
    (r) => 1000 / r.wallMs,
    (r) => process.stdout.write(`round ${r.round}: this ${line(r.this)} | against ${line(r.against)} | speed-up ${r.ratio}×\n`),
  );
  const summary = ratioSummary(results);
  const totals = new Set(results.flatMap((r) => [r.this.totals, r.against.totals]));
  process.stdout.write(
    `\nthis build's first import is ${summary.median}× as fast as ${against}'s (median; rounds ${summary.min}–${summary.max}×)\n` +
      (totals.size === 1
        ? `stored totals, the same in every run of both: ${[...totals][0]}\n`
        : `stored totals DIFFER:\n${[...totals].map((t) => `  ${t}`).join('\n')}\n`),
  );
  if (totals.size !== 1) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`bench:import: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
