/**
 * The hours 5-hour blocks are chained from, for usage narrowed by a filter (project, model, …):
 * the combined rollup rows (combo.ts) of the matching keys, summed per hour. Same answers as the
 * single-dimension rows blocks.ts reads for 'all' or one agent, never a scan of events.
 */
import type Database from 'better-sqlite3';
import type { UsageFilter } from '../../collector/core/usage.js';
import type { BlockHours } from './blocks.js';
import { COMBO_DIM } from './combo.js';
import type { FilteredUsage } from './filtered-usage.js';
import { COUNTER_COLUMNS } from './rollups.js';

const SUMS = COUNTER_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ');
const HAS_USAGE = 'SUM(api_requests) > 0 OR SUM(tokens_in + tokens_out + cache_read_tokens + cache_write_tokens) > 0';
const KEYS = 'SELECT value FROM json_each(?)';

export class FilteredBlockHours {
  private readonly hours: Database.Statement;
  private readonly before: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly filtered: FilteredUsage,
  ) {
    // By the covering index hourly_combo.
    this.hours = db.prepare(
      `SELECT hour, ${SUMS} FROM hourly WHERE dim = '${COMBO_DIM}' AND hour >= ? AND hour < ? AND key IN (${KEYS})
       GROUP BY hour HAVING ${HAS_USAGE} ORDER BY hour`,
    );
    this.before = db
      .prepare(
        `SELECT hour FROM hourly WHERE dim = '${COMBO_DIM}' AND hour < ? AND key IN (${KEYS})
         GROUP BY hour HAVING ${HAS_USAGE} ORDER BY hour DESC LIMIT ?`,
      )
      .pluck();
  }

  for(filter: UsageFilter): BlockHours {
    const keys = this.filtered.matchingKeys(filter);
    return {
      hours: (from, to) => this.hours.all(from, to, keys) as Array<Record<string, number>>,
      usageHoursBefore: (below, n) => this.before.all(below, keys, n) as number[],
      quarters: (q) => {
        const out: Record<string, number> = {};
        for (const row of this.filtered.quarters(keys, [...new Set(q)])) {
          COUNTER_COLUMNS.forEach((c, i) => (out[c] = (out[c] ?? 0) + Number(row[i + 1] ?? 0)));
        }
        return out;
      },
    };
  }
}
