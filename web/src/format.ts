/** Formatting helpers: compact, consistent numbers and times in the user's locale and time zone. */
// Type-only: web/ talks to the server over HTTP and bundles none of its code.
import type { AgentId } from '../../collector/core/agents.js';
import type { StoredEvent } from './types.js';

export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const int = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export function num(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : int.format(n);
}

/**
 * Tokens with the unit the column uses (see tokenUnit), or on their own: plain up to 9,999, then
 * K/M/B with one decimal. A non-zero count never reads as zero ("<0.1K").
 */
export function tokens(n: number | null | undefined, unit: TokenUnit = tokenUnit([n ?? 0])): string {
  if (n === null || n === undefined) return '–';
  if (unit.div === 1 || n === 0) return int.format(n);
  const v = n / unit.div;
  if (n !== 0 && Math.abs(v) < 0.05) return `<0.1${unit.suffix}`;
  return `${oneDecimal.format(v)}${unit.suffix}`;
}

export interface TokenUnit {
  div: number;
  suffix: string;
}

/** One unit for a whole column of token counts, from its largest value: never 1.2M next to 950K. */
export function tokenUnit(values: ReadonlyArray<number | null | undefined>): TokenUnit {
  const max = Math.max(0, ...values.map((v) => Math.abs(v ?? 0)));
  if (max >= 1e9) return { div: 1e9, suffix: 'B' };
  if (max >= 1e6) return { div: 1e6, suffix: 'M' };
  if (max >= 1e4) return { div: 1e3, suffix: 'K' };
  return { div: 1, suffix: '' };
}

/**
 * Money as on a bill: cents always, thousands separators, and below a cent enough decimals to be
 * non-zero ($0.0042). `decimals` fixes the count for a whole column (usdDecimals).
 */
export function usd(n: number | null | undefined, decimals = usdDecimals([n ?? 0])): string {
  if (n === null || n === undefined) return '–';
  const f = moneyFormats.get(decimals) ?? new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  moneyFormats.set(decimals, f);
  return `${n < 0 ? '−' : ''}$${f.format(Math.abs(n))}`;
}

const moneyFormats = new Map<number, Intl.NumberFormat>();

/** Decimals a column of amounts needs: 2, or more so the smallest non-zero one shows 2 significant digits (at most 6). */
export function usdDecimals(values: ReadonlyArray<number | null | undefined>): number {
  let d = 2;
  for (const v of values) {
    const a = Math.abs(v ?? 0);
    if (a > 0 && a < 0.01) d = Math.max(d, Math.min(6, 1 - Math.floor(Math.log10(a))));
  }
  return d;
}

/**
 * A cost with its unpriced part: usage no price is known for is never $0.00 — it reads "unpriced"
 * with its token count, alone or after the priced amount.
 */
export function costText(cost: number | null | undefined, unpricedTokens: number | null | undefined, decimals?: number): string {
  const u = unpricedTokens ?? 0;
  if (u > 0 && !cost) return `unpriced (${tokens(u)} tok)`;
  const priced = usd(cost ?? 0, decimals);
  return u > 0 ? `${priced} + unpriced (${tokens(u)} tok)` : priced;
}

export function pct(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '–';
  const p = rate * 100;
  return p === 0 ? '0%' : p < 0.1 ? '<0.1%' : `${p < 10 ? p.toFixed(1) : Math.round(p)}%`;
}

/** A duration in ms: "420 ms", "4.21 s", "12.3 s", then minutes ("58m 0s") and hours (duration). */
export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n < 999.5) return `${Math.round(n)} ms`;
  // Each step's bound is where its rounding would spill into the next unit ("10.00 s", "60.0 s").
  if (n < 9995) return `${(n / 1000).toFixed(2)} s`;
  if (n < 59_950) return `${(n / 1000).toFixed(1)} s`;
  return duration(n);
}

/**
 * A length of time, truncated to its units (never rounded up into the next one): 58 min 59.7 s is
 * "58m 59s", not "59m" or "1h"; 3,599,999 ms is "59m 59s".
 */
export function duration(msValue: number): string {
  const s = Math.max(0, Math.floor(msValue / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function clock(iso: string | null | undefined): string {
  return iso ? time.format(new Date(iso)) : '–';
}

export function when(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '–';
}

const dateTimeYear = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** Time of day for today's instants; date and time for any other day (the year only if not this one). */
export function stamp(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (d.toDateString() === now.toDateString()) return time.format(d);
  return d.getFullYear() === now.getFullYear() ? dateTime.format(d) : dateTimeYear.format(d);
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '–';
  const d = now - Date.parse(iso);
  if (d < 10_000) return 'just now';
  if (d < 60_000) return `${Math.round(d / 1000)}s ago`;
  if (d < 3_600_000) return `${Math.round(d / 60_000)}m ago`;
  if (d < 86_400_000) return `${Math.round(d / 3_600_000)}h ago`;
  return `${Math.round(d / 86_400_000)}d ago`;
}

export function shortId(id: string): string {
  return id.length > 10 ? id.slice(0, 8) : id;
}

/**
 * Label and colour per agent of the catalogue (collector/core/agents.ts). Typed by its ids, so a new
 * agent there fails this build until it has an entry here; any other agent_type shows as itself.
 */
const AGENTS: Record<AgentId, { label: string; color: string }> = {
  claude_code: { label: 'Claude Code', color: 'var(--claude)' },
  codex: { label: 'Codex', color: 'var(--codex)' },
  gemini_cli: { label: 'Gemini CLI', color: 'var(--gemini)' },
};

function known(agent: string): { label: string; color: string } | undefined {
  return Object.hasOwn(AGENTS, agent) ? AGENTS[agent as AgentId] : undefined;
}

export function agentLabel(agent: string): string {
  return known(agent)?.label ?? agent;
}

/** CSS color variable for an agent. */
export function agentColor(agent: string): string {
  return known(agent)?.color ?? 'var(--other)';
}

export function eventTime(e: StoredEvent): string {
  return e.client_timestamp ?? e.created_at;
}

export function isError(e: StoredEvent): boolean {
  return e.status === 'error' || e.event_type === 'api_error';
}

export function eventTokens(e: StoredEvent): number {
  return (e.tokens_in ?? 0) + (e.tokens_out ?? 0) + (e.cache_read_tokens ?? 0) + (e.cache_write_tokens ?? 0);
}

/** One line saying what the event was about: tool, model, prompt size, error. */
export function eventSummary(e: StoredEvent): string {
  const m = e.metadata ?? {};
  const parts: string[] = [];
  if (e.tool_name) parts.push(e.tool_name);
  if (e.event_type === 'user_prompt') {
    const len = typeof m.prompt_length === 'number' ? m.prompt_length : typeof m.prompt === 'string' ? m.prompt.length : null;
    if (len !== null && len !== undefined) parts.push(`${len} chars`);
  }
  if (e.model && !e.tool_name) parts.push(e.model);
  for (const k of ['agent_name', 'reason']) if (typeof m[k] === 'string' && m[k]) parts.push(m[k]);
  const err = errorText(e);
  if (err) parts.push(err);
  return parts.join(' · ');
}

export function errorText(e: StoredEvent): string {
  const m = e.metadata ?? {};
  for (const k of ['error', 'error_message', 'error_type', 'message']) {
    const v = m[k];
    if (typeof v === 'string' && v && (isError(e) || k.startsWith('error'))) return v.length > 160 ? v.slice(0, 160) + '…' : v;
  }
  return '';
}

/** Start of today in the user's time zone, as an ISO instant. */
export function startOfToday(now = new Date()): string {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

/** Axis/column formatters: one unit (tokens) or one number of decimals (USD) for all values. */
export const tokenColumn = (values: number[]) => {
  const unit = tokenUnit(values);
  return (v: number) => tokens(v, unit);
};
export const usdColumn = (values: number[]) => {
  const d = usdDecimals(values);
  return (v: number) => usd(v, d);
};
