/**
 * What the Overview and the project page read under filters. The project page:  read from the filtered APIs: the project's cost report (totals,
 * timeline, models, branches, agents), its tool calls and its latest sessions, for the range.
 */
import { api } from './api.js';
import { normalizeBlocks } from './blocks.js';
import { startOfToday, timeZone } from './format.js';
import { drillFilter, isFiltered, rangeOf, sessionFilter, type Range } from './filters.js';
import type { State } from './state.js';
import type { CostStats, SessionRow, ToolUsageResponse } from './types.js';

export interface ProjectData {
  name: string;
  /** Null until that answer arrived: the page shows each part as it comes (see loadProjectData). */
  cost: CostStats | null;
  tools: ToolUsageResponse | null;
  sessions: SessionRow[] | null;
  moreSessions: boolean;
}

const DAY = 86_400_000;

/**
 * What the page shows while loads are under way: each part from `next` if it has arrived there,
 * else from what is shown. Two loads can overlap (the first one and a refresh the live stream asks
 * for); without this the refresh's first part, with the others still null, blanked what the first
 * load had already drawn (the sessions list appeared, vanished and came back).
 */
export function mergeProjectParts(shown: ProjectData | null, next: ProjectData): ProjectData {
  if (!shown || shown.name !== next.name) return next;
  const sessions = next.sessions ?? shown.sessions;
  return {
    name: next.name,
    cost: next.cost ?? shown.cost,
    tools: next.tools ?? shown.tools,
    sessions,
    moreSessions: next.sessions ? next.moreSessions : shown.moreSessions,
  };
}

/** Hourly buckets for a range of two days or less, days otherwise. */
export function bucketFor(range: Range): 'hour' | 'day' {
  const from = range.since ? Date.parse(range.since) : null;
  const to = range.until ? Date.parse(range.until) : Date.now();
  return from !== null && to - from <= 2 * DAY ? 'hour' : 'day';
}

/** Without a custom range the page shows the last 30 days (local midnights). */
export function projectRange(range: Range): Range {
  if (range.since || range.until) return range;
  const d = new Date(Date.now() - 30 * DAY);
  d.setHours(0, 0, 0, 0);
  return { since: d.toISOString() };
}

/**
 * The three reads at once; `onPart`, when given, gets the data so far as each answer arrives. The
 * tool counts are read from stored events (a 30-day range reads every event in it), so with millions
 * of events they answer last: cost and sessions are on screen before them (bench:ui).
 */
export async function loadProjectData(name: string, range: Range, onPart?: (data: ProjectData) => void): Promise<ProjectData> {
  const r = projectRange(range);
  const span = { since: r.since, until: r.until };
  const data: ProjectData = { name, cost: null, tools: null, sessions: null, moreSessions: false };
  const part = <T>(p: Promise<T>, put: (v: T) => void) =>
    p.then((v) => {
      put(v);
      onPart?.({ ...data });
    });
  await Promise.all([
    part(api.cost({ project: name, ...span, bucket: bucketFor(r), tz: timeZone }), (v) => (data.cost = v)),
    part(api.sessions({ project: name, ...span, limit: 50 }), (v) => {
      data.sessions = v.sessions;
      data.moreSessions = v.next_cursor !== null;
    }),
    part(api.toolUsage({ project: name, ...span }), (v) => (data.tools = v)),
  ]);
  return data;
}

/**
 * The Overview's figures for the URL's filters: a custom range replaces the last 24 hours, and
 * drill-down filters narrow every figure (the cards then read the filtered totals).
 */
export async function fetchOverview(p: Record<string, string>): Promise<Partial<State>> {
  const tz = timeZone;
  const f = drillFilter(p);
  const r = rangeOf(p);
  const custom = !!(r.since || r.until);
  const since = new Date(Date.now() - 24 * 3_600_000);
  since.setMinutes(0, 0, 0);
  const span = custom ? { since: r.since, until: r.until, bucket: bucketFor(r) } : { since: since.toISOString(), bucket: 'hour' as const };
  const [day, today, active, rawBlocks, all] = await Promise.all([
    api.cost({ ...f, ...span, tz }),
    api.cost({ ...f, since: startOfToday(), bucket: 'day', tz }),
    api.sessions({ status: 'active', limit: 50, ...sessionFilter(f) }),
    api.blocks({ since: new Date(Date.now() - 86_400_000).toISOString(), limit: 10, ...f }),
    isFiltered(p) ? api.cost({ ...f, since: r.since, until: r.until, tz }) : Promise.resolve(null),
  ]);
  return {
    timeline24h: day.timeline,
    today: today.totals,
    active: active.sessions,
    blocks: normalizeBlocks(rawBlocks),
    filteredTotals: all?.totals ?? null,
  };
}
