/**
 * Streams the lines of a byte range of a file in fixed-size reads, never holding more than one read
 * plus the line being assembled. Offsets are bytes, so a later run can resume exactly where this one
 * stopped, always at a line boundary.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface ScanOptions {
  /** First byte to read (a line start). */
  start: number;
  /** Read no byte at or beyond this offset (the file size seen when the run began). */
  end: number;
  /** Stop at the first line boundary after this many bytes (bounds one task's memory). */
  maxBytes: number;
  /** Whether a last line without a newline counts (the writer is done with the file). */
  acceptUnterminatedTail: boolean;
  readSize?: number;
}

export interface ScanResult {
  /** Where the next read should start. */
  offset: number;
  /** True when the scan reached `end` (rather than stopping at maxBytes). */
  complete: boolean;
}

/**
 * Calls onLine(buf, from, to, lineOffset) for each line; buf[from, to) is the line without its
 * newline (and without a trailing \r). The buffer is reused: copy what must outlive the call.
 */
export function scanLines(
  path: string,
  opts: ScanOptions,
  onLine: (buf: Buffer, from: number, to: number, lineOffset: number) => void,
): ScanResult {
  const readSize = opts.readSize ?? 1 << 20;
  const fd = openSync(path, 'r');
  try {
    let buf = takeBuffer(readSize * 2);
    let filled = 0; // bytes of buf holding data
    let bufBase = opts.start; // file offset of buf[0]
    let pos = opts.start; // next file offset to read
    const stopAt = opts.start + opts.maxBytes;

    while (pos < opts.end) {
      if (buf.length - filled < readSize) {
        // The pending partial line is long: grow rather than drop it.
        const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, filled + readSize));
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const want = Math.min(readSize, opts.end - pos, buf.length - filled);
      const n = readSync(fd, buf, filled, want, pos);
      if (n === 0) break; // the file shrank under us; stop at what we have
      filled += n;
      pos += n;

      // A view bounded to the data: the rest of buf is stale bytes that must not be searched.
      const view = buf.subarray(0, filled);
      let lineStart = 0;
      for (;;) {
        const nl = view.indexOf(10, lineStart);
        if (nl < 0) break;
        const to = nl > lineStart && buf[nl - 1] === 13 ? nl - 1 : nl;
        onLine(buf, lineStart, to, bufBase + lineStart);
        lineStart = nl + 1;
        if (bufBase + lineStart >= stopAt && bufBase + lineStart < opts.end) {
          return { offset: bufBase + lineStart, complete: false };
        }
      }
      // Keep the unfinished line at the front of the buffer.
      if (lineStart > 0) {
        buf.copy(buf, 0, lineStart, filled);
        filled -= lineStart;
        bufBase += lineStart;
      }
    }

    if (filled > 0 && opts.acceptUnterminatedTail && bufBase + filled >= opts.end) {
      const to = buf[filled - 1] === 13 ? filled - 1 : filled;
      onLine(buf, 0, to, bufBase);
      return { offset: bufBase + filled, complete: true };
    }
    return { offset: bufBase, complete: true };
  } finally {
    closeSync(fd);
  }
}

/**
 * One read buffer per thread, kept between scans (a parse worker scans thousands of files; a fresh
 * 2 MB buffer each time is allocation and page faults for nothing). A scan is synchronous, so no two
 * use it at once; a buffer grown for a long line is not kept.
 */
let spare: Buffer | null = null;

function takeBuffer(size: number): Buffer {
  if (spare === null || spare.length !== size) spare = Buffer.allocUnsafe(size);
  return spare;
}

