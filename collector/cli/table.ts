/**
 * A plain-text table that fits the terminal: when the full table is too wide, token counts are
 * abbreviated (1.2M), then shrinkable columns (models, ids) are cut with "…", then the least
 * important columns are left out, in that order. The first column and the cost never go.
 * No borders: it reads well in a narrow pane and copies cleanly.
 */
import { noPaint, visibleLength, type Paint } from './format.js';

export interface Column<R> {
  header: string;
  align: 'left' | 'right';
  /** Lower is left out first; Infinity never. */
  priority: number;
  /** Cut to this width with "…" before columns are dropped (long names, ids). */
  minWidth?: number;
  cell(row: R, compact: boolean): string;
}

export type RowKind = 'row' | 'detail' | 'total';

export interface TableRow<R> {
  kind: RowKind;
  data: R;
}

export interface TableOptions {
  /** Characters available; Infinity when the output is not a terminal. */
  width: number;
  paint?: Paint;
}

const GAP = 2;

function cut(s: string, width: number): string {
  return s.length <= width ? s : width <= 1 ? s.slice(0, width) : `${s.slice(0, width - 1)}…`;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(s)));
  return align === 'right' ? fill + s : s + fill;
}

interface Layout<R> {
  columns: Column<R>[];
  widths: number[];
  compact: boolean;
}

function measure<R>(columns: Column<R>[], rows: TableRow<R>[], compact: boolean): number[] {
  return columns.map((c) => Math.max(c.header.length, ...rows.map((r) => c.cell(r.data, compact).length)));
}

function total(widths: number[]): number {
  return widths.reduce((a, b) => a + b, 0) + GAP * Math.max(0, widths.length - 1);
}

/** The columns, their widths and whether numbers are abbreviated, for the width available. */
export function layout<R>(columns: Column<R>[], rows: TableRow<R>[], width: number): Layout<R> {
  let cols = [...columns];
  let compact = false;
  let widths = measure(cols, rows, compact);
  if (total(widths) <= width) return { columns: cols, widths, compact };
  compact = true;
  widths = measure(cols, rows, compact);
  for (;;) {
    let over = total(widths) - width;
    if (over <= 0) break;
    // Shrink what may be cut, widest first.
    for (let i = 0; i < cols.length && over > 0; i++) {
      const min = cols[i].minWidth;
      if (min === undefined || widths[i] <= min) continue;
      const take = Math.min(over, widths[i] - min);
      widths[i] -= take;
      over -= take;
    }
    if (over <= 0) break;
    // Then leave out the least important column that may go.
    let drop = -1;
    for (let i = 0; i < cols.length; i++) {
      if (cols[i].priority === Infinity) continue;
      if (drop === -1 || cols[i].priority < cols[drop].priority) drop = i;
    }
    if (drop === -1) break; // only the essentials left: let the terminal wrap
    cols = cols.filter((_, i) => i !== drop);
    widths = widths.filter((_, i) => i !== drop);
  }
  return { columns: cols, widths, compact };
}

export function renderTable<R>(columns: Column<R>[], rows: TableRow<R>[], opts: TableOptions): string[] {
  const paint = opts.paint ?? noPaint;
  const { columns: cols, widths, compact } = layout(columns, rows, opts.width);
  const line = (cells: string[], style: (s: string) => string = (s) => s) =>
    cells.map((s, i) => style(pad(cut(s, widths[i]), widths[i], cols[i].align))).join(' '.repeat(GAP)).trimEnd();
  const rule = paint.dim('─'.repeat(total(widths)));
  const out = [line(cols.map((c) => c.header), paint.cyan), rule];
  let ruled = false;
  for (const r of rows) {
    const cells = cols.map((c) => c.cell(r.data, compact));
    if (r.kind === 'total') {
      if (!ruled) out.push(rule);
      ruled = true;
      out.push(line(cells, paint.yellow));
    } else if (r.kind === 'detail') {
      out.push(line(cells, paint.dim));
    } else {
      out.push(line(cells));
    }
  }
  return out;
}

/** Terminal width: the stream's columns, else $COLUMNS, else no limit (a pipe or a file). */
export function outputWidth(stream: { isTTY?: boolean; columns?: number }, env: Record<string, string | undefined>): number {
  if (stream.isTTY && stream.columns) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Infinity;
}
