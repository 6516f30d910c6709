/**
 * GET /api/stats/cost: totals and breakdowns for a time range (all time without one), the dedupe
 * audit, unpriced models and the hourly or daily timeline, from the StatsReader's typed rows.
 */
import type { StatsReader, TimelineQuery, UsageDimension } from '../../core/storage.js';
import { hasUsageFilter } from '../../core/usage.js';
import { UsageByDimension, usageFigures } from './usage.js';
import { dedupeAudit, unpricedModels } from './cost-audit.js';

const COST_DIMS: readonly UsageDimension[] = ['all', 'model', 'project', 'branch', 'agent', 'source', 'machine'];

/** A filter narrows totals, breakdowns and timeline alike; the dedupe audit's folded counts stay all-time. */
export function costView(reader: StatsReader, q: TimelineQuery) {
  const filter = hasUsageFilter(q.filter) ? q.filter : undefined;
  const usage = new UsageByDimension(reader.usage({ since: q.since, until: q.until, dims: COST_DIMS, filter }));
  const folded = reader.folded();
  return {
    since: q.since ?? null,
    until: q.until ?? null,
    bucket: q.bucket,
    tz: q.tz,
    totals: usage.total(),
    by_model: usage.breakdown('model', 'model'),
    by_project: usage.breakdown('project', 'project'),
    by_branch: usage.breakdown('branch', 'branch'),
    by_agent: usage.breakdown('agent', 'agent_type'),
    by_source: usage.breakdown('source', 'source'),
    by_machine: usage.breakdown('machine', 'machine'),
    filter: { ...(filter ?? {}) } as Record<string, string>,
    folded_duplicates: Object.fromEntries(folded.map((f) => [f.source, f.count])),
    dedupe: dedupeAudit(usage.rows('source'), folded),
    unpriced_models: unpricedModels(usage.rows('model')),
    timeline: reader.timeline(q).map((b) => ({ bucket: b.bucket, start: b.start, ...usageFigures(b) })),
  };
}
