/**
 * The WAL copier of a run-once import's end (fake timers): a checkpoint at once, then one every
 * interval until stopped; a failure ends it and is reported once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { copyWalMeanwhile, WAL_COPY_INTERVAL_MS } from './wal-copy.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('copyWalMeanwhile', () => {
  it('checkpoints at once, then every interval, and not after stop()', () => {
    const checkpoint = vi.fn();
    const copying = copyWalMeanwhile(checkpoint, () => undefined);
    expect(checkpoint).not.toHaveBeenCalled(); // at once = on the next turn, not inside the call
    vi.advanceTimersByTime(0);
    expect(checkpoint).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(WAL_COPY_INTERVAL_MS * 3);
    expect(checkpoint).toHaveBeenCalledTimes(4);
    copying.stop();
    vi.advanceTimersByTime(WAL_COPY_INTERVAL_MS * 10);
    expect(checkpoint).toHaveBeenCalledTimes(4);
  });

  it('stops at the first failure and reports it once', () => {
    const error = new Error('SQLITE_IOERR');
    const checkpoint = vi.fn(() => {
      throw error;
    });
    const onFailure = vi.fn();
    copyWalMeanwhile(checkpoint, onFailure);
    vi.advanceTimersByTime(WAL_COPY_INTERVAL_MS * 10);
    expect(checkpoint).toHaveBeenCalledTimes(1);
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure).toHaveBeenCalledWith(error);
  });

  it('stop() before the first checkpoint: none at all', () => {
    const checkpoint = vi.fn();
    copyWalMeanwhile(checkpoint, () => undefined).stop();
    vi.advanceTimersByTime(WAL_COPY_INTERVAL_MS * 10);
    expect(checkpoint).not.toHaveBeenCalled();
  });
});
