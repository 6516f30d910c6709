/**
 * How the CLI writes numbers: money like a bill (dollars and cents, thousands separated; usage
 * without a known price is "unpriced", never $0.00), token counts, durations, and colour only
 * where a terminal shows it.
 */

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** $1,234.56; an amount under half a cent but above zero is "<$0.01", not a misleading $0.00. */
export function formatUsd(value: number): string {
  if (value > 0 && value < 0.005) return '<$0.01';
  return usd.format(value);
}

/** Cost with its unpriced part: "$12.34", "$12.34 + unpriced", or "unpriced" when nothing had a price. */
export function formatCost(costUsd: number, unpricedTokens: number): string {
  if (unpricedTokens <= 0) return formatUsd(costUsd);
  return costUsd > 0 ? `${formatUsd(costUsd)} + unpriced` : 'unpriced';
}

export function formatInt(value: number): string {
  return int.format(value);
}

/** 1,234 → "1.2K", 3,400,000 → "3.4M": for columns that would not fit otherwise. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  if (abs < 1000) return String(value);
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const v = value / size;
      return `${v >= 100 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')}${unit}`;
    }
  }
  return String(value);
}

/** 165 → "2h 45m", 12 → "12m". */
export function formatMinutes(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  const h = Math.floor(m / 60);
  return h > 0 ? `${h}h ${m % 60}m` : `${m}m`;
}

export interface Paint {
  bold: (s: string) => string;
  dim: (s: string) => string;
  yellow: (s: string) => string;
  green: (s: string) => string;
  cyan: (s: string) => string;
  red: (s: string) => string;
}

const plain: Paint = { bold: (s) => s, dim: (s) => s, yellow: (s) => s, green: (s) => s, cyan: (s) => s, red: (s) => s };

function sgr(open: number, close: number) {
  return (s: string) => (s === '' ? s : `\u001b[${open}m${s}\u001b[${close}m`);
}

const ansi: Paint = { bold: sgr(1, 22), dim: sgr(2, 22), yellow: sgr(33, 39), green: sgr(32, 39), cyan: sgr(36, 39), red: sgr(31, 39) };

/**
 * Colour when the stream is a terminal, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR
 * turns it on anyway (Claude Code's statusline is not a TTY but shows ANSI colours).
 */
export function paintFor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>, force?: boolean): Paint {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return plain;
  if (force || (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0')) return ansi;
  return stream.isTTY ? ansi : plain;
}

export const noPaint = plain;

/** Display width of a string: escape sequences take none. */
export function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}
