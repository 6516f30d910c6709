/**
 * The search texts of events this connection has just committed, kept by seq until the indexer
 * takes them: it then need not read the events back and parse their metadata again (that read
 * cost more than the FTS5 insert itself: docs/benchmarks.md, "Issue 14, fifth round"). Bounded by
 * count and by characters; what is not kept is read back as before. No SQL here: the indexer
 * checks the seqs against the table before it trusts them (search-index.ts).
 */
import { searchText, type IndexedFields } from './search-text.js';

/** Most texts kept; at this many the scheduler indexes before taking more batches. */
export const MAX_FRESH_TEXTS = 50_000;
/** Most characters kept (texts are cut at 4,000; most are under 100). */
export const MAX_FRESH_CHARS = 8_000_000;

export class FreshTexts {
  private seqs: number[] = [];
  private texts: string[] = [];
  /** Index of the first entry still kept (entries before it were taken or dropped). */
  private head = 0;
  private chars = 0;

  get size(): number {
    return this.seqs.length - this.head;
  }

  /** Whether it holds as many as it may: indexing should not wait for idle time. */
  get full(): boolean {
    return this.size >= MAX_FRESH_TEXTS || this.chars >= MAX_FRESH_CHARS;
  }

  /**
   * Keeps the texts of committed events, in seq order. An event that does not fit, or whose seq
   * is not above the last one kept, is left out (the indexer reads it back).
   */
  add(events: ArrayLike<IndexedFields>, placed: ReadonlyArray<readonly [index: number, seq: number, ...rest: unknown[]]>): void {
    for (const [index, seq] of placed) {
      if (this.full) return;
      if (this.size > 0 && seq <= this.seqs[this.seqs.length - 1]) continue;
      const text = searchText(events[index]);
      this.seqs.push(seq);
      this.texts.push(text);
      this.chars += text.length;
    }
  }

  /** The seq of the k-th entry kept (0-based). */
  seqAt(k: number): number {
    return this.seqs[this.head + k];
  }

  /** Whether the first `seqs.length` entries are exactly these seqs, in order. */
  startsWith(seqs: readonly number[]): boolean {
    if (seqs.length > this.size) return false;
    for (let i = 0; i < seqs.length; i++) if (this.seqs[this.head + i] !== seqs[i]) return false;
    return true;
  }

  /** The first n entries, taken out. */
  take(n: number): Array<[seq: number, text: string]> {
    const out: Array<[number, string]> = [];
    for (let i = 0; i < n; i++) out.push([this.seqs[this.head + i], this.texts[this.head + i]]);
    this.drop(n);
    return out;
  }

  /** Drops the entries with seq ≤ `seq` (indexed already, or read back). */
  dropThrough(seq: number): void {
    let n = 0;
    while (n < this.size && this.seqs[this.head + n] <= seq) n++;
    this.drop(n);
  }

  private drop(n: number): void {
    for (let i = 0; i < n; i++) this.chars -= this.texts[this.head + i].length;
    this.head += n;
    // Compact now and then, not on every take: a shift per entry would be quadratic.
    if (this.head > 4096 && this.head * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.head);
      this.texts = this.texts.slice(this.head);
      this.head = 0;
    }
    if (this.size === 0) {
      this.seqs = [];
      this.texts = [];
      this.head = 0;
      this.chars = 0;
    }
  }
}
