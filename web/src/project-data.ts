/**
 * What the project page shows, read from the filtered APIs: the project's cost report (totals,
 * timeline, models, branches, agents), its tool calls and its latest sessions, for the range.
 */
import { api } from './api.js';
import { timeZone } from './format.js';
import type { Range } from './filters.js';
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
