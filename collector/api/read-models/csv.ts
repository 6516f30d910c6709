/** RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma, quote, CR or LF (quotes doubled). */

export type Cell = string | number | null;

export function csvField(value: Cell): string {
  if (value === null) return '';
  const s = typeof value === 'number' ? numberText(value) : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Plain decimal digits, never an exponent ("1e-7"), so every spreadsheet reads the number. */
function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(20).replace(/\.?0+$/, '') : s;
}

export function csvTable(columns: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  return [columns, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
