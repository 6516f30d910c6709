/**
 * Watch mode: the first pass imports what is new, then each change the detector reports is read
 * from the file's checkpoint by the same import run (runImport with the changed files), one pass
 * at a time. Same parsers, ids and correlation keys as `npm run import`, so a request seen live
 * (OTel, hooks) and in a file counts once, whichever arrives first.
 */
import type { CheckpointStore, ImportFileRecord } from '../../collector/core/storage.js';
import { ChangeDetector, type DetectorOptions } from './changes.js';
import { hasPending, type ImportSummary } from './runner.js';
import type { FoundFile } from './discover.js';

export interface WatchOptions extends Omit<DetectorOptions, 'onChange'> {
  /** Wait this long after the first change before a pass, so a burst of writes is read at once. */
  debounceMs: number;
  settleResponsesMs: number;
  settleCallsMs: number;
  store: CheckpointStore;
  /** One import pass over these files, with this view of the checkpoints. */
  runPass(files: FoundFile[], store: CheckpointStore): Promise<ImportSummary>;
  onPass?(summary: ImportSummary, files: number): void;
  onError(error: unknown): void;
}

export interface Watching {
  /** Resolves when the first pass (the catch-up import) is done. */
  readonly firstPass: Promise<void>;
  readonly watchedDirs: number;
  stop(): Promise<void>;
}

/**
 * The checkpoints the passes read, cached: a pass asks for a few files, not for every row.
 * Reloaded on each full scan, so positions saved by a concurrent `npm run import` are taken up
 * (a stale position only re-reads lines whose events are then duplicates).
 */
class CheckpointCache {
  private rows = new Map<string, ImportFileRecord>();
  constructor(private readonly store: CheckpointStore) {}

  reload(): void {
    this.rows = new Map(this.store.listImportFiles().map((r) => [r.path, r]));
  }

  view(files: FoundFile[], replaced: Set<string>, saved: ImportFileRecord[]): CheckpointStore {
    return {
      listImportFiles: () =>
        files.flatMap((f) => {
          const r = replaced.has(f.path) ? undefined : this.rows.get(f.path);
          return r ? [r] : [];
        }),
      saveImportFiles: (records) => {
        this.store.saveImportFiles(records);
        for (const r of records) this.rows.set(r.path, r);
        saved.push(...records);
      },
    };
  }
}

export function startWatching(opts: WatchOptions): Watching {
  const cache = new CheckpointCache(opts.store);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let busy = false;
  let stopped = false;
  let resolveFirst!: () => void;
  const firstPass = new Promise<void>((resolve) => (resolveFirst = resolve));

  const schedule = () => {
    if (stopped || timer || busy) return;
    timer = setTimeout(() => {
      timer = null;
      busy = true; // before pass() starts: a change it sees meanwhile waits for the next pass
      running = pass().finally(() => {
        busy = false;
        running = null;
        if (detector.pending) schedule();
      });
    }, opts.debounceMs);
  };

  const detector = new ChangeDetector({ ...opts, onChange: schedule });

  /** When a file with an open response or tool call must be read again if nothing is written. */
  const recheck = (r: ImportFileRecord) => {
    if (!hasPending(r.state)) return detector.recheckAt(r.path, null);
    const open = r.state.open;
    const responses = open !== null && typeof open === 'object' && Object.keys(open).length > 0;
    // +1 s: the parse worker compares against the settle window with its own clock reading.
    detector.recheckAt(r.path, r.mtime_ms + (responses ? opts.settleResponsesMs : opts.settleCallsMs) + 1000);
  };

  const pass = async () => {
    try {
      const changes = await detector.take();
      if (changes.scanned) cache.reload();
      if (stopped || changes.files.length === 0) return;
      const saved: ImportFileRecord[] = [];
      const summary = await opts.runPass(changes.files, cache.view(changes.files, changes.replaced, saved));
      for (const r of saved) recheck(r);
      opts.onPass?.(summary, changes.files.length);
    } catch (error) {
      opts.onError(error);
    } finally {
      resolveFirst();
    }
  };

  detector.start();
  schedule(); // the first pass: a full scan (every file is new to the detector)

  return {
    firstPass,
    get watchedDirs() {
      return detector.watchedDirs;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      detector.stop();
      await running;
    },
  };
}
