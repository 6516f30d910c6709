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
  cost: CostStats;
  tools: ToolUsageResponse;
  sessions: SessionRow[];
  moreSessions: boolean;
}

const DAY = 86_400_000;

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

export async function loadProjectData(name: string, range: Range): Promise<ProjectData> {
  const r = projectRange(range);
  const span = { since: r.since, until: r.until };
  const [cost, tools, page] = await Promise.all([
    api.cost({ project: name, ...span, bucket: bucketFor(r), tz: timeZone }),
    api.toolUsage({ project: name, ...span }),
    api.sessions({ project: name, ...span, limit: 50 }),
  ]);
  return { name, cost, tools, sessions: page.sessions, moreSessions: page.next_cursor !== null };
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
