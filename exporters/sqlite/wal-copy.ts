/**
 * Copies the WAL into the main file from one connection while another thread is still writing:
 * at a run-once import's end, the main connection does this while the writer thread finishes the
 * search index, so the close's own checkpoint has only the last pages left (docs/benchmarks.md,
 * "Issue 14, seventh round").
 */

export const WAL_COPY_INTERVAL_MS = 20;

/**
 * A checkpoint at once and then every WAL_COPY_INTERVAL_MS until stopped. A failure ends the
 * copying (the close checkpoints anyway) and is reported once.
 */
export function copyWalMeanwhile(checkpoint: () => unknown, onFailure: (error: unknown) => void): { stop(): void } {
  const copy = () => {
    try {
      checkpoint();
    } catch (error) {
      stop();
      onFailure(error);
    }
  };
  const first = setImmediate(copy);
  const timer = setInterval(copy, WAL_COPY_INTERVAL_MS);
  // Runs only after this function has returned (from a timer, or the caller): both exist by then.
  function stop(): void {
    clearImmediate(first);
    clearInterval(timer);
  }
  return { stop };
}
