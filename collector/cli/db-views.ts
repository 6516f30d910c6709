/**
 * The API's answers computed in this process from the database: the very read models the server's
 * routes call (collector/api/stats.ts, blocks.ts), so the CLI's database path and its API path
 * cannot disagree. `pricing` is null here: the price table's description lives in the server.
 */
import type { StatsReader } from '../core/storage.js';
import { USAGE_FILTER_FIELDS, type UsageFilter } from '../core/usage.js';
import type { BlocksResponse, Counters, CostStats } from '../api/schemas/index.js';
import { sumUsage, usageFigures } from '../api/read-models/usage.js';
import { costView } from '../api/read-models/cost.js';
import { blocksView } from '../api/read-models/blocks.js';
import type { BlocksRequest, CostRequest } from './source.js';

export function costStats(reader: StatsReader, q: CostRequest): CostStats {
  // The filter the route builds from its query string (collector/api/stats.ts), from the same fields.
  const filter: UsageFilter = {};
  for (const field of USAGE_FILTER_FIELDS) if (q[field] !== undefined) filter[field] = q[field];
  return { ...costView(reader, { since: q.since, until: q.until, bucket: q.bucket, tz: q.tz, filter }), pricing: null };
}

export function blocks(reader: StatsReader, q: BlocksRequest, now: Date): BlocksResponse {
  return blocksView(reader, { agent_type: q.agent_type, since: q.since, until: q.until, limit: q.limit }, now);
}

/** What costView's `totals` would be for [since, now), without its breakdowns and timeline. */
export function totals(reader: StatsReader, since: string): Counters {
  return usageFigures(sumUsage(reader.usage({ since, dims: ['all'] })));
}
