/**
 * Which history files changed, cheaply, for thousands of files: no watcher per file.
 *
 * - fs.watch on directories (never recursive: on Linux Node 20 implements `recursive` with one
 *   inotify watch per file), at most `maxDirs` of them, the roots first, then the directories
 *   most recently written to. An event is only a hint: the file is stat'ed before it is read.
 * - Every `pollMs`, a stat of the files that changed in the last `hotMs` (appends where inotify
 *   says nothing: network and container mounts, directories over the cap), of roots that do not
 *   exist yet, and a due list (files whose open response or tool call must be re-read once quiet).
 * - Every `scanMs`, a walk of the whole tree: new files in unwatched directories, deletions.
 */
import { existsSync, realpathSync, watch, type Dirent, type FSWatcher, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { claudeSubagent, sortForImport, type FoundFile } from './discover.js';
import type { FileKind } from './parse-worker.js';

export interface DetectorOptions {
  sources: Array<{ kind: FileKind; roots: string[] }>;
  pollMs: number;
  scanMs: number;
  maxDirs: number;
  hotMs: number;
  now(): number;
  /** Something changed: the owner takes the changes when it is ready. */
  onChange(): void;
}

interface Known {
  kind: FileKind;
  size: number;
  mtimeMs: number;
  ino: number;
  /** When this detector last saw the file change (its hotness). */
  changedAt: number;
}

export interface Changes {
  files: FoundFile[];
  /** Files replaced by another (a new inode): read from the start, whatever the checkpoint says. */
  replaced: Set<string>;
  /** A full scan ran: the owner may refresh what it caches. */
  scanned: boolean;
}

const MAX_HOT = 256;

export function foundFile(p: string, kind: FileKind, st: Pick<Stats, 'size' | 'mtimeMs'>): FoundFile {
  return {
    path: p,
    kind,
    size: st.size,
    mtimeMs: st.mtimeMs,
    stem: path.basename(p, '.jsonl'),
    subagent: kind === 'claude-code' ? claudeSubagent(p) : null,
  };
}

export class ChangeDetector {
  private readonly known = new Map<string, Known>();
  private readonly dirty = new Map<string, FileKind>();
  private readonly due = new Map<string, number>();
  /** Files that changed within hotMs (a subset of known): the ones the fast poll stats. */
  private readonly hot = new Set<string>();
  /** Watched folders and when each last changed (the one changed longest ago gives way to a new one). */
  private readonly watchers = new Map<string, { w: FSWatcher; mtimeMs: number }>();
  /** Roots as configured → kind; real paths already taken (two names for one folder read once). */
  private readonly roots = new Map<string, FileKind>();
  private readonly missing = new Set<string>();
  private poll: NodeJS.Timeout | null = null;
  private scanTimer: NodeJS.Timeout | null = null;
  private scanWanted = true;
  private watchFailed = false;
  private stopped = false;

  constructor(private readonly opts: DetectorOptions) {
    for (const s of opts.sources) for (const r of s.roots) if (!this.roots.has(r)) this.roots.set(r, s.kind);
  }

  start(): void {
    this.poll = setInterval(() => void this.tick(), this.opts.pollMs);
    this.scanTimer = setInterval(() => this.wantScan(), this.opts.scanMs);
    this.poll.unref();
    this.scanTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.scanTimer) clearInterval(this.scanTimer);
    for (const { w } of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  get watchedDirs(): number {
    return this.watchers.size;
  }

  /** Re-read this file at `atMs` even if it does not change (a pending response settles). */
  recheckAt(p: string, atMs: number | null): void {
    if (atMs === null) this.due.delete(p);
    else this.due.set(p, atMs);
  }

  get pending(): boolean {
    return this.scanWanted || this.dirty.size > 0;
  }

  /** The files changed since the last call (stat'ed now, in import order), after a scan if one is due. */
  async take(): Promise<Changes> {
    const scanned = this.scanWanted;
    if (scanned) {
      this.scanWanted = false;
      await this.scan();
    }
    const batch = [...this.dirty];
    this.dirty.clear();
    const files: FoundFile[] = [];
    const replaced = new Set<string>();
    const now = this.opts.now();
    await Promise.all(
      batch.map(async ([p, kind]) => {
        const st = await stat(p).catch(() => null);
        if (!st?.isFile()) {
          // Deleted (Claude Code's purge): what was imported stays stored; nothing to read.
          this.known.delete(p);
          this.due.delete(p);
          this.hot.delete(p);
          return;
        }
        const prev = this.known.get(p);
        if (prev && prev.ino !== st.ino) replaced.add(p);
        const changed = !prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs || prev.ino !== st.ino;
        // First seen: as hot as its mtime says (last month's transcript is not polled).
        const changedAt = !prev ? Math.min(now, st.mtimeMs) : changed ? now : prev.changedAt;
        this.known.set(p, { kind, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, changedAt });
        if (now - changedAt < this.opts.hotMs) this.hot.add(p);
        files.push(foundFile(p, kind, st));
      }),
    );
    return { files: sortForImport(files), replaced, scanned };
  }

  private mark(p: string, kind: FileKind): void {
    if (this.stopped) return;
    this.dirty.set(p, kind);
    this.opts.onChange();
  }

  private wantScan(): void {
    this.scanWanted = true;
    this.opts.onChange();
  }

  /** Walks every root: files new or changed since last seen become dirty; watchers follow the tree. */
  private async scan(): Promise<void> {
    const dirs: Array<{ dir: string; kind: FileKind; mtimeMs: number }> = [];
    const seenReal = new Set<string>();
    const seenFiles = new Set<string>();
    for (const [root, kind] of this.roots) {
      if (!existsSync(root)) {
        this.missing.add(root);
        continue;
      }
      this.missing.delete(root);
      let real: string;
      try {
        real = realpathSync(root);
      } catch {
        continue;
      }
      if (seenReal.has(real)) continue;
      seenReal.add(real);
      await this.walk(root, kind, dirs, seenFiles);
    }
    for (const p of [...this.known.keys()]) {
      if (!seenFiles.has(p)) {
        this.known.delete(p);
        this.due.delete(p);
        this.hot.delete(p);
      }
    }
    this.chooseWatches(dirs);
  }

  private async walk(
    dir: string,
    kind: FileKind,
    dirs: Array<{ dir: string; kind: FileKind; mtimeMs: number }>,
    seenFiles: Set<string>,
  ): Promise<void> {
    let entries: Dirent[];
    let st: Stats;
    try {
      [entries, st] = await Promise.all([readdir(dir, { withFileTypes: true }), stat(dir)]);
    } catch {
      return; // vanished or unreadable
    }
    dirs.push({ dir, kind, mtimeMs: st.mtimeMs });
    const subdirs: string[] = [];
    const files: string[] = [];
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) subdirs.push(full);
      else if (e.isFile() && e.name.endsWith('.jsonl')) files.push(full);
    }
    const stats = await Promise.all(files.map((f) => stat(f).catch(() => null)));
    files.forEach((f, i) => {
      const s = stats[i];
      if (!s) return;
      seenFiles.add(f);
      const prev = this.known.get(f);
      if (!prev || prev.size !== s.size || prev.mtimeMs !== s.mtimeMs || prev.ino !== s.ino) this.mark(f, kind);
    });
    for (const d of subdirs) await this.walk(d, kind, dirs, seenFiles);
  }

  /** The roots, then the directories written to most recently, up to maxDirs. */
  private chooseWatches(dirs: Array<{ dir: string; kind: FileKind; mtimeMs: number }>): void {
    const isRoot = (d: string) => this.roots.has(d);
    const ranked = [...dirs].sort((a, b) => Number(isRoot(b.dir)) - Number(isRoot(a.dir)) || b.mtimeMs - a.mtimeMs);
    const wanted = new Map(ranked.slice(0, this.opts.maxDirs).map((d) => [d.dir, d]));
    for (const [dir, { w }] of this.watchers) {
      if (!wanted.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const d of wanted.values()) this.watchDir(d.dir, d.kind, d.mtimeMs);
  }

  /** At the cap, a folder that just appeared takes the place of the one written to longest ago. */
  private makeRoom(mtimeMs: number): boolean {
    if (this.watchers.size < this.opts.maxDirs) return true;
    let oldest: [string, number] | null = null;
    for (const [dir, { mtimeMs: m }] of this.watchers) {
      if (!this.roots.has(dir) && (oldest === null || m < oldest[1])) oldest = [dir, m];
    }
    if (oldest === null || oldest[1] >= mtimeMs) return false;
    this.watchers.get(oldest[0])!.w.close();
    this.watchers.delete(oldest[0]);
    return true;
  }

  private watchDir(dir: string, kind: FileKind, mtimeMs: number): void {
    const entry = this.watchers.get(dir);
    if (entry) {
      entry.mtimeMs = Math.max(entry.mtimeMs, mtimeMs);
      return;
    }
    if (this.stopped || this.watchFailed || this.opts.maxDirs === 0 || !this.makeRoom(mtimeMs)) return;
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: false }, (_event, name) => this.onEvent(dir, kind, name));
    } catch {
      // Out of inotify watches (ENOSPC) or descriptors: the poll and the scan still see changes.
      this.watchFailed = true;
      return;
    }
    w.on('error', () => {
      w.close(); // the directory went away
      this.watchers.delete(dir);
    });
    this.watchers.set(dir, { w, mtimeMs });
  }

  private onEvent(dir: string, kind: FileKind, name: string | Buffer | null): void {
    if (this.stopped) return;
    const watched = this.watchers.get(dir);
    if (watched) watched.mtimeMs = this.opts.now(); // written to now: the last to give way
    if (name === null) return this.wantScan(); // the kernel dropped the name: look at everything
    const full = path.join(dir, name.toString());
    if (full.endsWith('.jsonl')) return this.mark(full, kind);
    // Perhaps a new directory (a project, a session's subagents, a Codex day): read it now.
    void stat(full)
      .then((st) => {
        if (!st.isDirectory() || this.watchers.has(full)) return;
        const dirs: Array<{ dir: string; kind: FileKind; mtimeMs: number }> = [];
        return this.walk(full, kind, dirs, new Set()).then(() => {
          for (const d of dirs) this.watchDir(d.dir, d.kind, d.mtimeMs);
          // What was created between reading the new folders and watching them: look once more.
          return this.walk(full, kind, [], new Set());
        });
      })
      .catch(() => undefined);
  }

  /** The fast poll: recently changed files, roots that do not exist yet, due re-reads. */
  private async tick(): Promise<void> {
    const now = this.opts.now();
    for (const root of this.missing) {
      if (existsSync(root)) {
        this.missing.delete(root);
        this.wantScan();
      }
    }
    for (const [p, at] of this.due) {
      if (at <= now) {
        this.due.delete(p);
        const k = this.known.get(p);
        if (k) this.mark(p, k.kind);
      }
    }
    if (this.hot.size === 0) return;
    const hot: Array<[string, Known]> = [];
    for (const p of this.hot) {
      const k = this.known.get(p);
      if (k && now - k.changedAt < this.opts.hotMs) hot.push([p, k]);
      else this.hot.delete(p);
    }
    hot.sort((a, b) => b[1].changedAt - a[1].changedAt);
    const polled = hot.slice(0, MAX_HOT);
    const sts = await Promise.all(polled.map(([p]) => stat(p).catch(() => null)));
    polled.forEach(([p, k], i) => {
      const st = sts[i];
      if (!st || st.size !== k.size || st.mtimeMs !== k.mtimeMs || st.ino !== k.ino) this.mark(p, k.kind);
    });
  }
}
