/**
 * Import throughput: runs the real import CLI (`node dist/collector/import-main.js --source all`)
 * over a generated corpus into a fresh database, twice — the first run reads everything, the second
 * finds every file unchanged — and reports wall time, MB/s and events/s for each.
 *
 *   npm run bench:gen-corpus -- --out=bench/corpus --size-mb=600
 *   npm run bench:import -- --corpus=bench/corpus [--workers=N]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'dist', 'collector', 'import-main.js');
const MB = 1024 * 1024;

function corpusBytes(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.jsonl')) continue;
    files++;
    bytes += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

interface Run {
  label: string;
  wallMs: number;
  summary: Record<string, number>;
}

async function runCli(label: string, corpus: string, home: string, dbPath: string, workers: string | undefined): Promise<Run> {
  const args = [CLI, '--source', 'all', '--json', ...(workers ? ['--workers', workers] : [])];
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
  return { label, wallMs, summary: JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number> };
}

function row(r: Run, corpusMb: number): string {
  const s = r.summary;
  const secs = r.wallMs / 1000;
  return (
    `| ${r.label} | ${secs.toFixed(2)} s | ${(s.bytes_read / MB / secs).toFixed(1)} MB/s | ` +
    `${Math.round(s.events / secs).toLocaleString('en-US')} events/s | ${s.files_read} read, ${s.files_unchanged} unchanged | ` +
    `${s.events.toLocaleString('en-US')} parsed, ${s.stored.toLocaleString('en-US')} stored, ${s.duplicates} dup | ` +
    `${(s.bytes_read / MB).toFixed(1)} of ${corpusMb.toFixed(1)} MB |`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: path.join(ROOT, 'bench', 'corpus') },
      workers: { type: 'string' },
      'keep-db': { type: 'boolean', default: false },
    },
  });
  const corpus = path.resolve(values.corpus);
  const { files, bytes } = corpusBytes(corpus);
  if (files === 0) throw new Error(`no .jsonl files under ${corpus}: run npm run bench:gen-corpus first`);
  const dir = mkdtempSync(path.join(tmpdir(), 'agentstats-bench-import-'));
  const dbPath = path.join(dir, 'bench.db');
  try {
    const first = await runCli('first run', corpus, dir, dbPath, values.workers);
    const second = await runCli('unchanged re-run', corpus, dir, dbPath, values.workers);
    const dbMb = statSync(dbPath).size / MB;
    process.stdout.write(
      `corpus: ${files} files, ${(bytes / MB).toFixed(1)} MB (${corpus})\n` +
        `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}\n` +
        `database after import: ${dbMb.toFixed(1)} MB\n\n` +
        '| run | wall time | throughput | event rate | files | events | bytes read |\n|---|---|---|---|---|---|---|\n' +
        row(first, bytes / MB) +
        '\n' +
        row(second, bytes / MB) +
        '\n\n' +
        `first run summary: ${JSON.stringify(first.summary)}\n`,
    );
  } finally {
    if (values['keep-db']) process.stdout.write(`database kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench:import: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
