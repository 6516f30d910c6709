/**
 * The import run: finds the files, skips the ones already read and unchanged, parses the rest on
 * the parse pool (several files at once, one task per file or per large slice of one), submits the
 * events to the pipeline in file order, and records how far each file was read once its events
 * are committed. Files are submitted in order (parents before forks, main transcripts before
 * subagent logs) while the following files are already being parsed.
 */
import type { CheckpointStore, ImportFileRecord } from '../../collector/core/storage.js';
import { packedBatch, type Consumer, type SubmitResult } from '../../collector/core/consumer.js';
import type { ChainRef } from '../../collector/core/chain.js';
import type { EventBatch } from './chain.js';
import { discover, type FoundFile } from './discover.js';
import { emptyCounters, type ParseCounters } from './emit.js';
import type { FileKind, GroupResult, ParseResult, ParseTask } from './parse-worker.js';

export interface ImportOptions {
  sources: Array<{ kind: FileKind; roots: string[] }>;
  sinceMs: number | null;
  /** These files instead of discovering the roots (the watcher's changed files, or files found early). */
  files?: FoundFile[];
  /** How long finding `files` took (found early, while the service was built): counted in `elapsed_ms`. */
  foundInMs?: number;
  /** Files parsed ahead of the one being submitted. */
  window: number;
  /** Bytes per parse task (a larger file is read in several consecutive tasks). */
  maxTaskBytes: number;
  settleResponsesMs: number;
  settleCallsMs: number;
  /** False for filtered runs (--since): they neither read nor write the per-file bookkeeping. */
  useState: boolean;
  now(): number;
  onProgress?(p: Progress): void;
  onWarning?(message: string): void;
}

export interface ImportDeps {
  store: CheckpointStore;
  pipeline: Pick<Consumer, 'submit' | 'queueDepth'>;
  maxQueueEvents: number;
  parse(task: ParseTask): Promise<ParseResult>;
  /** Several small files in one task (a task round trip costs ~0.1 ms of CPU); absent: one task per file. */
  parseGroup?(tasks: ParseTask[]): Promise<GroupResult[]>;
  /** The pipeline's processor chain, for the parse workers to run (null: the pipeline runs it). */
  chain: ChainRef | null;
}

export interface Progress {
  filesTotal: number;
  filesDone: number;
  bytesTotal: number;
  bytesDone: number;
  events: number;
  elapsedMs: number;
}

export interface ImportSummary extends ParseCounters {
  files_found: number;
  files_unchanged: number;
  files_read: number;
  files_failed: number;
  /** Files whose last response or tool call is still open (read again next run). */
  files_pending: number;
  bytes_read: number;
  events: number;
  stored: number;
  duplicates: number;
  /** Stored, but already counted from another source (live telemetry or hooks): adds nothing. */
  folded: number;
  elapsed_ms: number;
  by_source: Record<string, { files: number; events: number; stored: number }>;
}

interface Job extends FoundFile {
  start: number;
  state: Record<string, unknown> | null;
}

export function hasPending(state: Record<string, unknown> | null): boolean {
  if (!state) return false;
  return ['open', 'tools', 'calls'].some((k) => {
    const v = state[k];
    return v !== null && typeof v === 'object' && Object.keys(v).length > 0;
  });
}

/** A file this small (bytes to read) is parsed in one task with its neighbours, up to these bounds. */
const GROUP_FILE_BYTES = 1 << 20;
const GROUP_BYTES = 4 << 20;
const GROUP_FILES = 64;

/** Consecutive small files grouped (order kept); any other file alone. */
function units(jobs: Job[], grouping: boolean, maxTaskBytes: number): Job[][] {
  const out: Job[][] = [];
  let group: Job[] = [];
  let bytes = 0;
  const close = () => {
    if (group.length > 0) out.push(group);
    group = [];
    bytes = 0;
  };
  for (const job of jobs) {
    const size = job.size - job.start;
    if (!grouping || size > Math.min(GROUP_FILE_BYTES, maxTaskBytes)) {
      close();
      out.push([job]);
      continue;
    }
    if (group.length >= GROUP_FILES || bytes + size > GROUP_BYTES) close();
    group.push(job);
    bytes += size;
  }
  close();
  return out;
}

/** Submits in order and keeps the pipeline's queue under half its limit (no 503s for ourselves). */
class Submitter {
  private readonly inFlight: Array<Promise<SubmitResult>> = [];
  constructor(private readonly deps: ImportDeps) {}

  async submit(batches: EventBatch[]): Promise<Array<Promise<SubmitResult>>> {
    const mine: Array<Promise<SubmitResult>> = [];
    for (const batch of batches) {
      // A processed batch the chain emptied is still sent: its drops are counted where it lands.
      const count = batch.packed.ids.length;
      if (count === 0 && !batch.processed) continue;
      while (this.inFlight.length > 0 && this.deps.pipeline.queueDepth + count > this.deps.maxQueueEvents / 2) {
        await this.inFlight.shift()!.catch(() => undefined);
      }
      const p = this.deps.pipeline.submit(packedBatch(batch.packed, batch.processed));
      p.catch(() => undefined); // awaited by the file's owner; this only silences the copy kept here
      this.inFlight.push(p);
      if (this.inFlight.length > 64) void this.inFlight.shift(); // already has its catch
      mine.push(p);
    }
    return mine;
  }
}

export async function runImport(opts: ImportOptions, deps: ImportDeps): Promise<ImportSummary> {
  const started = opts.now() - (opts.foundInMs ?? 0);
  const summary: ImportSummary = {
    ...emptyCounters(),
    files_found: 0,
    files_unchanged: 0,
    files_read: 0,
    files_failed: 0,
    files_pending: 0,
    bytes_read: 0,
    events: 0,
    stored: 0,
    duplicates: 0,
    folded: 0,
    elapsed_ms: 0,
    by_source: {},
  };

  const known = new Map<string, ImportFileRecord>();
  if (opts.useState) for (const r of deps.store.listImportFiles()) known.set(r.path, r);

  const jobs: Job[] = [];
  for (const source of opts.sources) {
    summary.by_source[source.kind] = { files: 0, events: 0, stored: 0 };
    const found = opts.files ? opts.files.filter((f) => f.kind === source.kind) : await discover(source.kind, source.roots);
    for (const file of found) {
      summary.files_found++;
      summary.by_source[source.kind].files++;
      if (opts.sinceMs !== null && file.mtimeMs < opts.sinceMs) {
        summary.files_unchanged++; // nothing written since --since
        continue;
      }
      const prev = known.get(file.path);
      const mtime = Math.round(file.mtimeMs);
      if (prev && prev.size === file.size && prev.mtime_ms === mtime && prev.offset === file.size && !hasPending(prev.state)) {
        summary.files_unchanged++;
        continue;
      }
      const resume = prev !== undefined && file.size >= prev.offset;
      jobs.push({ ...file, start: resume ? prev.offset : 0, state: resume ? prev.state : null });
    }
  }

  const progress: Progress = {
    filesTotal: jobs.length,
    filesDone: 0,
    bytesTotal: jobs.reduce((n, j) => n + (j.size - j.start), 0),
    bytesDone: 0,
    events: 0,
    elapsedMs: 0,
  };
  const report = () => opts.onProgress?.({ ...progress, elapsedMs: opts.now() - started });

  const submitter = new Submitter(deps);
  const toSave: ImportFileRecord[] = [];
  const flushState = (force: boolean) => {
    if (!opts.useState || toSave.length === 0 || (!force && toSave.length < 500)) return;
    deps.store.saveImportFiles(toSave.splice(0));
  };

  // Parsing and committing overlap: a file frees its place in the window once its events are
  // submitted; its commits are awaited apart (`settle`), so the parse pool never waits for the
  // store. Memory stays bounded by the Submitter (the pipeline's queue) and the window.
  const taskOf = (job: Job, start: number, state: Record<string, unknown> | null): ParseTask => ({
    path: job.path,
    kind: job.kind,
    start,
    end: job.size,
    state,
    nowMs: opts.now(),
    mtimeMs: job.mtimeMs,
    sinceMs: opts.sinceMs,
    maxBytes: opts.maxTaskBytes,
    settleResponsesMs: opts.settleResponsesMs,
    settleCallsMs: opts.settleCallsMs,
    stem: job.stem,
    subagent: job.subagent,
    chain: deps.chain,
  });

  const counted = (job: Job, result: ParseResult, from: number) => {
    for (const key of Object.keys(result.counters) as Array<keyof ParseCounters>) {
      summary[key] += result.counters[key];
    }
    summary.events += result.parsed;
    summary.by_source[job.kind].events += result.parsed;
    progress.events += result.parsed;
    progress.bytesDone += result.offset - from;
    summary.bytes_read += result.offset - from;
    report();
  };

  const failed = (job: Job, error: unknown) => {
    summary.files_failed++;
    opts.onWarning?.(`${job.path}: ${error instanceof Error ? error.message : String(error)}`);
  };

  const processFile = async (job: Job, prevTurn: Promise<void>, releaseTurn: () => void): Promise<{ settle: Promise<void> } | null> => {
    let offset = job.start;
    let state = job.state;
    let haveTurn = false;
    const commits: Array<Promise<SubmitResult>> = [];
    try {
      for (;;) {
        const result = await deps.parse(taskOf(job, offset, state));
        if (!haveTurn) {
          await prevTurn;
          haveTurn = true;
        }
        commits.push(...(await submitter.submit(result.batches)));
        counted(job, result, offset);
        offset = result.offset;
        state = result.state;
        if (result.complete) break;
      }
    } catch (error) {
      failed(job, error);
      releaseTurn();
      return null;
    }
    releaseTurn();
    return { settle: settleFile(job, commits, offset, state) };
  };

  /** Small files parsed in one task, then submitted in order as if one after the other. */
  const processGroup = async (group: Job[], prevTurn: Promise<void>, releaseTurn: () => void): Promise<{ settle: Promise<void> } | null> => {
    let results: GroupResult[];
    try {
      results = await deps.parseGroup!(group.map((job) => taskOf(job, job.start, job.state)));
    } catch (error) {
      results = group.map(() => ({ failed: error instanceof Error ? error.message : String(error) }));
    }
    await prevTurn;
    const settles: Array<Promise<void>> = [];
    for (let i = 0; i < group.length; i++) {
      const job = group[i];
      const result = results[i];
      if ('failed' in result) {
        failed(job, result.failed);
        continue;
      }
      const commits = await submitter.submit(result.batches);
      counted(job, result, job.start);
      // A grouped file is smaller than a task's byte bound: one task reads it to the end.
      settles.push(settleFile(job, commits, result.offset, result.state));
    }
    releaseTurn();
    return { settle: Promise.all(settles).then(() => undefined) };
  };

  const settleFile = async (job: Job, commits: Array<Promise<SubmitResult>>, offset: number, state: Record<string, unknown> | null): Promise<void> => {
    const results = await Promise.all(commits);
    for (const r of results) {
      summary.stored += r.ids.length;
      summary.duplicates += r.duplicates;
      summary.folded += r.folded;
      summary.by_source[job.kind].stored += r.ids.length;
    }
    summary.files_read++;
    if (hasPending(state) || offset < job.size) summary.files_pending++;
    progress.filesDone++;
    report();
    toSave.push({ path: job.path, size: job.size, mtime_ms: Math.round(job.mtimeMs), offset, state: state ?? {} });
    flushState(false);
  };

  // A window of files (or groups of small files) in flight; each submits only after the one before it has submitted.
  let turn: Promise<void> = Promise.resolve();
  const running = new Set<Promise<unknown>>();
  const settling: Array<Promise<void>> = [];
  for (const unit of units(jobs, deps.parseGroup !== undefined, opts.maxTaskBytes)) {
    while (running.size >= opts.window) await Promise.race(running);
    const prevTurn = turn;
    let releaseTurn!: () => void;
    turn = new Promise<void>((resolve) => (releaseTurn = resolve));
    const p = (unit.length === 1 ? processFile(unit[0], prevTurn, releaseTurn) : processGroup(unit, prevTurn, releaseTurn))
      .then((r) => {
        if (!r) return;
        r.settle.catch(() => undefined); // awaited below; this only keeps it from being unhandled meanwhile
        settling.push(r.settle);
      })
      .finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
  await Promise.all(settling);
  flushState(true);
  report();
  summary.elapsed_ms = opts.now() - started;
  return summary;
}
