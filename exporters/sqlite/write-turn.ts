/**
 * The main thread's connection writes a little (import checkpoints, session sweeps, budgets, export
 * cursors) while the writer thread writes a lot. SQLite lets one connection write at a time and a
 * waiting connection's busy handler only looks again every few milliseconds (up to busy_timeout):
 * a writer thread that goes from one transaction straight to the next can take every gap, and the
 * main thread's write then fails with SQLITE_BUSY after 5 s (seen in a 600 MB import under load).
 *
 * So the main thread raises a shared flag for the length of each write, and the writer thread does
 * not begin a transaction while it is up: the main thread's next look finds the lock free.
 */

/** Runs a write of the main thread's connection with the writer thread out of its way. */
export type WriteTurn = <T>(write: () => T) => T;

/** Without a writer thread there is nobody to make room: the write just runs. */
export const noTurn: WriteTurn = (write) => write();

/** The main thread's side: one Int32 in shared memory, the number of its writes under way. */
export function sharedWriteTurn(): { flag: Int32Array; take: WriteTurn } {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const take: WriteTurn = (write) => {
    Atomics.add(flag, 0, 1);
    try {
      return write();
    } finally {
      Atomics.sub(flag, 0, 1);
      Atomics.notify(flag, 0);
    }
  };
  return { flag, take };
}

/**
 * The writer thread's side, called between transactions: waits while the main thread is writing.
 * Bounded by `maxMs`, so a main thread stuck elsewhere (a debugger) never stops the writer for good.
 */
export function giveWay(flag: Int32Array, maxMs = 2000): void {
  let value = Atomics.load(flag, 0);
  if (value === 0) return;
  const until = Date.now() + maxMs;
  while (value > 0) {
    const left = until - Date.now();
    if (left <= 0) return;
    Atomics.wait(flag, 0, value, Math.min(left, 20));
    value = Atomics.load(flag, 0);
  }
}
