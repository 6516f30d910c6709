/** Formatting helpers: compact, consistent numbers and times in the user's locale and time zone. */
// Type-only: web/ talks to the server over HTTP and bundles none of its code.
import type { AgentId } from '../../collector/core/agents.js';
import type { StoredEvent } from './types.js';

export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const int = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
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

export function tokens(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  return n < 10_000 ? int.format(n) : compact.format(n);
}

export function usd(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n === 0) return '$0.00';
  if (n < 0.01) return `$${n.toFixed(4)}`;
  if (n < 100) return `$${n.toFixed(2)}`;
  return `$${int.format(Math.round(n))}`;
}

export function pct(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '–';
  const p = rate * 100;
  return p === 0 ? '0%' : p < 0.1 ? '<0.1%' : `${p < 10 ? p.toFixed(1) : Math.round(p)}%`;
}

export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} s`;
  return duration(n);
}

export function duration(msValue: number): string {
  const s = Math.max(0, Math.round(msValue / 1000));
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
