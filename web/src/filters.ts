/**
 * The dashboard-wide filters: a drill-down value per field (project, branch, agent, model,
 * machine) and a custom range (`since`/`until`), all in the URL, so every view, a reload and a
 * shared link read the same. Pure functions of the route's parameters.
 */
import type { StoredEvent } from './types.js';

export const DRILL_FIELDS = ['project', 'branch', 'agent_type', 'model', 'machine'] as const;
export type DrillField = (typeof DRILL_FIELDS)[number];
export type DrillFilter = Partial<Record<DrillField, string>>;

export const FIELD_LABEL: Record<DrillField, string> = {
  project: 'Project',
  branch: 'Branch',
  agent_type: 'Agent',
  model: 'Model',
  machine: 'Machine',
};

/** URL parameters that travel with the user from view to view. */
export const GLOBAL_PARAMS = [...DRILL_FIELDS, 'since', 'until'] as const;

export function drillFilter(params: Record<string, string>): DrillFilter {
  const f: DrillFilter = {};
  for (const k of DRILL_FIELDS) if (params[k]) f[k] = params[k];
  return f;
}

export interface Range {
  since?: string;
  until?: string;
  /** Set when the URL's range cannot be used (it is then ignored). */
  error?: string;
}

/** The custom range in the URL: ISO instants (or dates, read as UTC midnight, as the server reads them). */
export function rangeOf(params: Record<string, string>): Range {
  const { since, until } = params;
  if (!since && !until) return {};
  const s = since ? Date.parse(since) : null;
  const u = until ? Date.parse(until) : null;
  if (s !== null && Number.isNaN(s)) return { error: `"${since}" is not a date` };
  if (u !== null && Number.isNaN(u)) return { error: `"${until}" is not a date` };
  if (s !== null && u !== null && u <= s) return { error: 'the range ends before it starts' };
  return { since: s !== null ? new Date(s).toISOString() : undefined, until: u !== null ? new Date(u).toISOString() : undefined };
}

/** Whether the dashboard is narrowed at all (a drill-down value or a custom range). */
export function isFiltered(params: Record<string, string>): boolean {
  const r = rangeOf(params);
  return Object.keys(drillFilter(params)).length > 0 || !!(r.since || r.until);
}

/** The global parameters of a route, to carry into a link to another view. */
export function globalParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of GLOBAL_PARAMS) if (params[k]) out[k] = params[k];
  return out;
}

/** Filter values GET /api/sessions takes (it has no machine or "none"). */
export function sessionFilter(f: DrillFilter): Record<string, string> {
  const { machine: _machine, ...rest } = f;
  return rest;
}

/** Whether a live event belongs to what the filters show (the live feed, the session page). */
export function eventMatches(e: StoredEvent, f: DrillFilter, r: Range): boolean {
  for (const k of DRILL_FIELDS) if (f[k] !== undefined && (e[k] ?? '') !== f[k]) return false;
  if (r.since || r.until) {
    const t = Date.parse(e.client_timestamp ?? e.created_at);
    if (r.since && t < Date.parse(r.since)) return false;
    if (r.until && t >= Date.parse(r.until)) return false;
  }
  return true;
}

/** `YYYY-MM-DD` of an instant in the browser's zone (for <input type=date>). */
export function localDate(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight of a `YYYY-MM-DD` (plus `days`), as an ISO instant. */
export function localMidnight(date: string, days = 0): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d + days).toISOString();
}

/** The current view's URL with one more drill-down value (the Cost view keeps its presets). */
export function drillHref(path: string, params: Record<string, string>, field: DrillField, value: string): string {
  const q = new URLSearchParams(params);
  q.set(field, value);
  return `${path}?${q.toString()}`;
}

/** Whether a session row carries the filter's values (the fields sessions have). */
export function sessionMatches(s: { agent_type: string; project: string | null; branch: string | null; models: string[] }, f: DrillFilter): boolean {
  return (
    (!f.agent_type || s.agent_type === f.agent_type) &&
    (!f.project || s.project === f.project) &&
    (!f.branch || s.branch === f.branch) &&
    (!f.model || s.models.includes(f.model))
  );
}

/** GET /api/events parameters of the live feed under the filters (live events are matched by eventMatches). */
export function feedQuery(params: Record<string, string>): Record<string, string> {
  const r = rangeOf(params);
  return { ...drillFilter(params), ...(r.since ? { since: r.since } : {}), ...(r.until ? { until: r.until } : {}) };
}
