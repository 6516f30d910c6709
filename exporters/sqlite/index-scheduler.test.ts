/** The search indexer's scheduler lets waiting batches go first, then indexes (writer thread). */
import { describe, expect, it } from 'vitest';
import { IndexScheduler, type SearchIndexer } from './search-index.js';

describe('IndexScheduler', () => {
  it('hands waiting work to yieldTo before each index step', async () => {
    const calls: string[] = [];
    let waiting = 2;
    let behind = 2;
    const indexer = {
      behind: () => behind > 0,
      step: () => {
        calls.push('step');
        behind--;
        return 1;
      },
    } as unknown as SearchIndexer;
    const scheduler = new IndexScheduler(indexer, () => undefined, 60_000, () => {
      if (waiting === 0) return false;
      waiting--;
      calls.push('batch');
      return true;
    });
    await new Promise((r) => setTimeout(r, 20));
    scheduler.stop();
    expect(calls).toEqual(['batch', 'batch', 'step', 'step']);
  });
});
