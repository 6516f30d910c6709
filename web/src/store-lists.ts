/**
 * The search and errors views' server state: loaders the store runs when the route shows them
 * (store.setRoute), keyed by the URL's parameters, with "more" appending the next page. Every
 * filter runs on the server.
 */
import { api, HttpError } from './api.js';
import { timeZone } from './format.js';
import type { State } from './state.js';
import { rangeOf } from './filters.js';

export interface ListHost {
  readonly state: State;
  update(patch: Partial<State>): void;
}

export const RANGE_DAYS: Record<string, number> = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 };

/** `since` of a range preset (whole hours, or local midnight for day-long presets); undefined: all time. */
export function rangeSince(range: string | undefined, fallback: string): string | undefined {
  const r = range && (range in RANGE_DAYS || range === 'all') ? range : fallback;
  const days = RANGE_DAYS[r];
  if (!days) return undefined;
  const d = new Date(Date.now() - days * 86_400_000);
  if (days > 1) d.setHours(0, 0, 0, 0);
  else d.setMinutes(0, 0, 0);
  return d.toISOString();
}

/**
 * since/until of a list view: the dashboard's custom range (the range picker above every view) when
 * the URL has one, else the view's own preset.
 */
export function listRange(params: Record<string, string>, fallback: string): { since?: string; until?: string; custom: boolean } {
  const custom = rangeOf(params);
  if (custom.since || custom.until) return { since: custom.since, until: custom.until, custom: true };
  return { since: rangeSince(params.range, fallback), custom: false };
}

function message(error: unknown): string {
  return error instanceof HttpError ? error.message : error instanceof Error ? error.message : String(error);
}

export async function loadSearch(host: ListHost, force = false, more = false): Promise<void> {
  const p = host.state.route.params;
  const { since, until } = listRange(p, 'all');
  const q = { q: (p.q ?? '').trim(), agent_type: p.agent_type, range: p.range ?? 'all', since: p.since, until: p.until };
  const key = JSON.stringify(q);
  const cur = host.state.search;
  if (!force && !more && cur.key === key && (cur.data || cur.loading)) return;
  if (!q.q) return host.update({ search: { key, loading: false, error: null, data: null } });
  const cursor = more ? cur.data?.next : undefined;
  if (more && !cursor) return;
  host.update({ search: { ...cur, key, loading: true, error: null, data: cur.key === key ? cur.data : null } });
  try {
    const page = await api.search({ q: q.q, agent_type: q.agent_type, since, until, limit: 50, cursor });
    if (host.state.search.key !== key) return;
    const hits = more && cur.data ? [...cur.data.hits, ...page.hits] : page.hits;
    host.update({ search: { key, loading: false, error: null, data: { hits, next: page.next_cursor, pending: page.pending } } });
  } catch (error) {
    if (host.state.search.key === key) host.update({ search: { ...host.state.search, loading: false, error: message(error) } });
  }
}

export async function loadErrors(host: ListHost, force = false, more = false): Promise<void> {
  const p = host.state.route.params;
  const range = p.range && (p.range in RANGE_DAYS || p.range === 'all') ? p.range : '7d';
  const { since, until, custom } = listRange({ ...p, range }, '7d');
  const q = { range, since: p.since, until: p.until, agent_type: p.agent_type, kind: p.kind === 'api' || p.kind === 'tool' ? p.kind : undefined };
  const key = JSON.stringify(q);
  const cur = host.state.errors;
  if (!force && !more && cur.key === key && (cur.data || cur.loading)) return;
  const cursor = more ? cur.data?.next : undefined;
  if (more && !cursor) return;
  host.update({ errors: { ...cur, key, loading: true, error: null, data: cur.key === key ? cur.data : null } });
  try {
    const res = await api.errors({
      since,
      until,
      agent_type: q.agent_type,
      kind: q.kind,
      bucket: !custom && range === '24h' ? 'hour' : 'day',
      tz: timeZone,
      limit: 50,
      cursor,
    });
    if (host.state.errors.key !== key) return;
    const prev = host.state.errors.data;
    const data =
      more && prev
        ? { summary: prev.summary, recent: [...prev.recent, ...res.recent], next: res.next_cursor }
        : { summary: res.summary, recent: res.recent, next: res.next_cursor };
    host.update({ errors: { key, loading: false, error: null, data } });
  } catch (error) {
    if (host.state.errors.key === key) host.update({ errors: { ...host.state.errors, loading: false, error: message(error) } });
  }
}
