/**
 * The files receiver: history files the agents write themselves (Claude Code transcripts, Codex
 * rollouts), read from where each file was last left and parsed on a piscina pool.
 *
 * Mode `once` imports what is new and stops: `npm run import` builds the service with this
 * receiver alone and calls runOnce(); in a running server it imports once in the background at
 * start. Mode `watch` (a running server only) imports what is new, then follows the folders and
 * reads what is appended (watch.ts). Read positions live in the storage's checkpoint store, so
 * the importer and the server share them.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { FILE_KINDS } from '../../collector/core/agents.js';
import type { ReceiverFactory } from '../../collector/core/component.js';
import { defaultRoots, discoverAll } from './discover.js';
import type { FileKind, GroupResult, ParseResult, ParseTask } from './parse-worker.js';
import { createProgressBar } from './progress.js';
import { runImport, type ImportSummary } from './runner.js';
import type { FoundFile } from './discover.js';
import type { CheckpointStore } from '../../collector/core/storage.js';
import { startWatching, type Watching } from './watch.js';

export interface FilesReceiverConfig {
  /** `once`: import what is new, then stop; `watch` (a server): then follow the folders. */
  mode: 'once' | 'watch';
  sources: FileKind[];
  /** Claude Code projects folder; null = $CLAUDE_CONFIG_DIR/projects or ~/.claude/projects. */
  claude_code_dir: string | null;
  /** Codex sessions folder; null = $CODEX_HOME/sessions or ~/.codex/sessions. */
  codex_dir: string | null;
  /** Only events from this time on (ISO time); a filtered run keeps no read positions. */
  since: string | null;
  /** Parsing threads; null = cores − 1, at most 8. */
  workers: number | null;
  /** Minutes a file must be quiet before its last response is taken as final. */
  settle_minutes: number;
  /** A progress bar on stderr when it is a terminal. */
  progress: boolean;
  /** Watch mode: how often files changed in the last 15 minutes are stat'ed. */
  poll_ms: number;
  /** Watch mode: how often the whole tree is walked (new files in unwatched folders, deletions). */
  scan_seconds: number;
  /** Watch mode: folders watched with fs.watch at most (the most recently written first). */
  max_watched_dirs: number;
}

/** A file changed within this is polled every poll_ms. */
const HOT_MS = 15 * 60_000;
/** A burst of writes is read in one pass. */
const DEBOUNCE_MS = 75;

const factory: ReceiverFactory<FilesReceiverConfig> = {
  kind: 'receiver',
  type: 'files',
  description: 'Claude Code transcripts and Codex rollouts from disk (the history importer).',
  needsHttp: false,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      mode: {
        enum: ['once', 'watch'],
        description: '`once`: import what is new, then stop (a server imports at start); `watch`: a server then follows the folders and reads what is appended.',
      },
      sources: {
        type: 'array',
        items: { enum: [...FILE_KINDS] },
        minItems: 1,
        uniqueItems: true,
        description: 'Which agents\' history to read.',
      },
      claude_code_dir: { type: ['string', 'null'], description: 'Claude Code projects folder (null: `$CLAUDE_CONFIG_DIR/projects` or `~/.claude/projects`).' },
      codex_dir: { type: ['string', 'null'], description: 'Codex sessions folder (null: `$CODEX_HOME/sessions` or `~/.codex/sessions`).' },
      since: { type: ['string', 'null'], description: 'Only events from this time on; such a run keeps no read positions.' },
      workers: { type: ['integer', 'null'], minimum: 1, maximum: 64, description: 'Parsing threads (null: cores − 1, at most 8).' },
      settle_minutes: { type: 'number', minimum: 0, description: 'Minutes a file must be quiet before its last response is final.' },
      progress: { type: 'boolean', description: 'Progress bar on stderr when it is a terminal.' },
      poll_ms: { type: 'integer', minimum: 50, maximum: 60_000, description: 'Watch mode: how often files written in the last 15 minutes are checked.' },
      scan_seconds: { type: 'number', minimum: 1, description: 'Watch mode: how often the whole tree is walked (new files in unwatched folders, deletions).' },
      max_watched_dirs: { type: 'integer', minimum: 0, maximum: 100_000, description: 'Watch mode: folders watched with fs.watch at most (most recently written first); the rest are found by the walk.' },
    },
  },
  defaultConfig: () => ({
    mode: 'once',
    sources: [...FILE_KINDS],
    claude_code_dir: null,
    codex_dir: null,
    since: null,
    workers: null,
    settle_minutes: 10,
    progress: false,
    poll_ms: 1000,
    scan_seconds: 300,
    max_watched_dirs: 1000,
  }),
  validate: (c) => (c.since !== null && !Number.isFinite(Date.parse(c.since)) ? [`since: not a time: "${c.since}"`] : []),
  create(config, host) {
    const workers = config.workers ?? Math.min(8, Math.max(1, availableParallelism() - 1));
    const dirOf = (kind: FileKind) => (kind === 'claude-code' ? config.claude_code_dir : config.codex_dir);
    const sources = config.sources.map((kind) => {
      const dir = dirOf(kind);
      return { kind, roots: dir ? [host.resolvePath(dir)] : defaultRoots(kind) };
    });
    const sinceMs = config.since ? Date.parse(config.since) : null;
    const settleMs = config.settle_minutes * 60_000;

    // A watching server keeps no idle parsing threads: they start for a pass and end 30 s after.
    const newPool = (watching: boolean) =>
      new Piscina({
        filename: new URL('./parse-worker.js', import.meta.url).href,
        minThreads: watching ? 0 : workers,
        maxThreads: workers,
        idleTimeout: watching ? 30_000 : Infinity,
      });

    /** `files`: found already (a watcher's pass, or found early); `progress`: a bar on a terminal. */
    const importWith = async (
      parsePool: Piscina,
      given: { files?: FoundFile[]; foundInMs?: number; store?: CheckpointStore; progress: boolean },
    ): Promise<ImportSummary> => {
      const { files, store } = given;
      const bar = given.progress && config.progress && process.stderr.isTTY ? createProgressBar(process.stderr) : null;
      const summary = await runImport(
        {
          sources,
          files,
          foundInMs: given.foundInMs,
          sinceMs,
          window: workers * 2,
          maxTaskBytes: 32 * 1024 * 1024,
          settleResponsesMs: settleMs,
          settleCallsMs: Math.max(settleMs, 24 * 3_600_000),
          useState: sinceMs === null,
          now: () => host.clock.now().getTime(),
          onProgress: bar ? (p) => bar.update(p) : undefined,
          onWarning: (msg) => host.logger.warn(`skipped ${msg}`),
        },
        {
          store: store ?? host.checkpoints(),
          pipeline: host.next,
          // The importer keeps at most half of this waiting: a few groups ahead of the writer is
          // enough to keep it busy, and peak memory stays low (docs/benchmarks.md, bench:import).
          maxQueueEvents: Math.min(host.next.maxQueueEvents, 16_000),
          parse: (task: ParseTask) => parsePool.run(task) as Promise<ParseResult>,
          parseGroup: (tasks: ParseTask[]) => parsePool.run(tasks, { name: 'parseGroup' }) as Promise<GroupResult[]>,
          chain: host.chain,
        },
      );
      bar?.done();
      // Stored and duplicate events are counted per submit by the host; a file that could not
      // be read is one failed item (its events are unknown).
      host.telemetry.record('failed', summary.files_failed);
      return summary;
    };

    // `npm run import` starts its parsing threads and looks for the files now, so both happen while
    // the rest of the service is built (the writer thread starting) instead of after.
    let early: Piscina | null = host.runMode === 'once' ? newPool(false) : null;
    // ...and loads the pipeline's processors in them: a processor that cannot be created stops the
    // import at start (the pipeline's own pool starts no thread in a run-once job: build.ts).
    const chainChecked: Promise<void> | null = early && host.chain ? early.run(host.chain, { name: 'checkChain' }) : null;
    chainChecked?.catch(() => undefined); // thrown where start() awaits it
    const timedDiscovery = async () => {
      const from = host.clock.now().getTime();
      // In one pass: between chunks the service's build would run, and be counted as the search's.
      const files = await discoverAll(sources, { yieldToLoop: false });
      return { files, foundInMs: host.clock.now().getTime() - from };
    };
    let earlyFiles: Promise<{ files: FoundFile[]; foundInMs: number }> | null = host.runMode === 'once' ? timedDiscovery() : null;
    earlyFiles?.catch(() => undefined); // a failure is thrown where runOnce awaits it
    const runOnce = async (): Promise<ImportSummary> => {
      const parsePool = early ?? newPool(false);
      const found = earlyFiles;
      early = null;
      earlyFiles = null;
      try {
        // The summary's elapsed_ms counts the import's own steps: finding the files, then the rest.
        return await importWith(parsePool, { ...(found ? await found : {}), progress: true });
      } finally {
        await parsePool.destroy();
      }
    };

    let background: Promise<unknown> | null = null;
    let watching: { pool: Piscina; w: Watching } | null = null;
    const watch = () => {
      const pool = newPool(true);
      const w = startWatching({
        sources,
        pollMs: config.poll_ms,
        scanMs: config.scan_seconds * 1000,
        maxDirs: config.max_watched_dirs,
        hotMs: HOT_MS,
        debounceMs: Math.min(DEBOUNCE_MS, config.poll_ms),
        settleResponsesMs: settleMs,
        settleCallsMs: Math.max(settleMs, 24 * 3_600_000),
        now: () => host.clock.now().getTime(),
        store: host.checkpoints(),
        runPass: (files, store) => importWith(pool, { files, store, progress: false }),
        onPass: (s, files) => {
          if (s.events > 0 || s.files_failed > 0) {
            host.logger.debug('history files read', { files, events: s.events, stored: s.stored, folded: s.folded });
          }
        },
        onError: (error) => host.logger.error('history watch pass failed', { error: String(error) }),
      });
      watching = { pool, w };
      void w.firstPass.then(() => host.logger.info('watching history files', { folders_watched: w.watchedDirs }));
    };
    return {
      runOnce: runOnce as unknown as () => Promise<Record<string, unknown>>,
      async start() {
        await chainChecked;
        if (host.runMode !== 'serve') return;
        if (config.mode === 'watch' && sinceMs === null) return watch();
        // In a running server the import runs in the background: start-up does not wait for it.
        background = runOnce().then(
          (s) => host.logger.info('history import done', { files_read: s.files_read, stored: s.stored, folded: s.folded }),
          (error) => host.logger.error('history import failed', { error: String(error) }),
        );
      },
      async shutdown() {
        await early?.destroy(); // built for a run-once import that never ran
        early = null;
        await background;
        if (watching) {
          await watching.w.stop();
          await watching.pool.destroy();
          watching = null;
        }
      },
    };
  },
};

export default factory;
