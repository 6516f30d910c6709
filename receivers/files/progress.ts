/**
 * The import's terminal output: a one-line progress bar (only on a TTY) and the end summary.
 */
import type { WriteStream } from 'node:tty';
import type { ImportSummary, Progress } from './runner.js';

const MB = 1024 * 1024;

function rate(n: number, ms: number): number {
  return ms > 0 ? n / (ms / 1000) : 0;
}

export function createProgressBar(stream: NodeJS.WriteStream | WriteStream): { update(p: Progress): void; done(): void } {
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 150 && p.filesDone < p.filesTotal) return;
      last = now;
      const width = 24;
      const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : p.filesTotal ? p.filesDone / p.filesTotal : 1;
      const filled = Math.round(frac * width);
      const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
      const line =
        `[${bar}] ${p.filesDone}/${p.filesTotal} files · ` +
        `${(p.bytesDone / MB).toFixed(1)}/${(p.bytesTotal / MB).toFixed(1)} MB · ` +
        `${Math.round(rate(p.events, p.elapsedMs)).toLocaleString('en-US')} events/s`;
      stream.write(`\r${line}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\n');
    },
  };
}

export function formatSummary(s: ImportSummary): string {
  const secs = s.elapsed_ms / 1000;
  const lines = [
    `files:      ${s.files_found} found, ${s.files_read} read, ${s.files_unchanged} unchanged (skipped)` +
      (s.files_failed ? `, ${s.files_failed} failed` : '') +
      (s.files_pending
        ? `, ${s.files_pending} with a response or tool call still open (recorded by a run after the file has been quiet for --settle minutes, default 10)`
        : ''),
    `read:       ${(s.bytes_read / MB).toFixed(1)} MB, ${s.lines.toLocaleString('en-US')} lines` +
      ` (${s.malformed} malformed, ${s.skipped} skipped` +
      (s.filtered ? `, ${s.filtered} before --since` : '') +
      (s.invalid ? `, ${s.invalid} invalid` : '') +
      ')',
    `events:     ${s.events.toLocaleString('en-US')} parsed, ${s.stored.toLocaleString('en-US')} stored, ` +
      `${s.duplicates.toLocaleString('en-US')} duplicates dropped` +
      (s.folded ? `, ${s.folded.toLocaleString('en-US')} already counted live (stored, not counted again)` : ''),
  ];
  for (const [source, n] of Object.entries(s.by_source)) {
    lines.push(`  ${source.padEnd(11)} ${n.files} files, ${n.events} events, ${n.stored} stored`);
  }
  lines.push(
    `time:       ${secs.toFixed(2)} s (${(rate(s.bytes_read, s.elapsed_ms) / MB).toFixed(1)} MB/s, ` +
      `${Math.round(rate(s.events, s.elapsed_ms)).toLocaleString('en-US')} events/s)`,
  );
  return lines.join('\n') + '\n';
}
