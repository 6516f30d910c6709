/** The search indexer's scheduler lets waiting batches go first, then indexes (writer thread), giving the main thread its turn before each step. */
import { describe, expect, it } from 'vitest';
import { IndexScheduler, type SearchIndexer } from './search-index.js';

describe('IndexScheduler', () => {
  /** A scheduler over a fake indexer `behind` events behind, with `waiting` batches queued; `calls` records what ran in order. */
  function scheduled(waiting: number, behind: number) {
    const calls: string[] = [];
    const indexer = {
      behind: () => behind > 0,
      step: () => {
        calls.push('step');
        behind--;
        return 1;
      },
    } as unknown as SearchIndexer;
    const yieldTo = () => {
      if (waiting === 0) return false;
      waiting--;
      calls.push('batch');
      return true;
    };
    return {
      calls,
      fallBehind: (n: number) => (behind = n),
      start: (beforeStep?: () => void) => new IndexScheduler(indexer, () => undefined, 60_000, yieldTo, beforeStep),
    };
  }

  it('hands waiting work to yieldTo before each index step', async () => {
    const { calls, start } = scheduled(2, 2);
    const scheduler = start();
    await new Promise((r) => setTimeout(r, 20));
    scheduler.stop();
    expect(calls).toEqual(['batch', 'batch', 'step', 'step']);
  });

  it('gives the main thread its turn before each step, the last ones of a run-once import too', async () => {
    const { calls, start, fallBehind } = scheduled(1, 2);
    const scheduler = start(() => calls.push('give way'));
    await new Promise((r) => setTimeout(r, 20));
    scheduler.stop();
    fallBehind(1);
    scheduler.finish();
    expect(calls).toEqual(['batch', 'give way', 'step', 'give way', 'step', 'give way', 'step']);
  });

  it('finish() indexes everything still behind at once, even with batches always waiting (a run-once import closing)', () => {
    let behind = 5;
    const indexer = {
      behind: () => behind > 0,
      step: () => {
        behind--;
        return 1;
      },
    } as unknown as SearchIndexer;
    const errors: unknown[] = [];
    // A writer that always has a batch waiting never gets to index between them.
    const scheduler = new IndexScheduler(indexer, (e) => errors.push(e), 60_000, () => true);
    scheduler.stop();
    expect(behind).toBe(5);
    scheduler.finish();
    expect(behind).toBe(0);
    expect(errors).toEqual([]);
  });

  it('finish() reports a failing step once and returns (the index catches up at the next start)', () => {
    const indexer = {
      behind: () => true,
      step: () => {
        throw new Error('disk full');
      },
    } as unknown as SearchIndexer;
    const errors: string[] = [];
    const scheduler = new IndexScheduler(indexer, (e) => errors.push((e as Error).message), 60_000, () => true);
    scheduler.stop();
    scheduler.finish();
    expect(errors).toEqual(['disk full']);
  });
});
