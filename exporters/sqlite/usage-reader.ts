/**
 * The StatsReader port: usage read from the running totals and the hourly and quarter-hour rollups
 * (never by scanning events, which retention may prune), and the small side tables /api/stats shows. Rows come back typed and as stored; names,
 * nesting, rounding and derived figures are the API's (collector/api/read-models/).
 */
import type Database from 'better-sqlite3';
import type {
  BlockQuery,
  BlockRows,
  FoldedCount,
  MetricTotalRow,
  SessionCounts,
  StatsReader,
  TimelineQuery,
  ToolDurationRow,
  UsageBucket,
  UsageDimension,
  UsageKey,
  UsageQuery,
  UsageRow,
} from '../../collector/core/storage.js';
import { COUNTER_COLUMNS, DIMENSIONS } from './rollups.js';
import { latencyValueMs } from './tool-latency.js';
import { Statements } from './statements.js';
import { BillingBlocks } from './blocks.js';
import { planRange, quartersOf } from './quarters.js';
import { UsageTimeline } from './timeline.js';
import { FilteredUsage } from './filtered-usage.js';
import { FilteredBlockHours } from './filtered-blocks.js';
import { hasUsageFilter } from '../../collector/core/usage.js';

/** Quarter hours a range reads at most (two edges of up to three). */
const MAX_EDGE_QUARTERS = 6;
const KNOWN_DIMS = new Set<string>(DIMENSIONS.map(([dim]) => dim));

type Row = Record<string, unknown>;

function usageRow(row: Row): UsageRow {
  const out = { dim: row.dim as UsageDimension, key: row.key as string } as UsageRow;
  for (const col of COUNTER_COLUMNS) out[col] = Number(row[col] ?? 0);
  return out;
}

export class SqliteUsageReader implements StatsReader {
  private readonly statements: Statements;
  private readonly blocks: BillingBlocks;
  private readonly timelines: UsageTimeline;
  private readonly filtered: FilteredUsage;

  constructor(db: Database.Database) {
    this.statements = new Statements(db);
    this.filtered = new FilteredUsage(db);
    const filteredHours = new FilteredBlockHours(db, this.filtered);
    this.blocks = new BillingBlocks(db, (filter) => filteredHours.for(filter));
    this.timelines = new UsageTimeline(db, this.filtered);
  }

  usage(q: UsageQuery): UsageRow[] {
    if (hasUsageFilter(q.filter)) return this.filtered.usage({ ...q, filter: q.filter });
    // Dimension names go in as literals (checked against the rollup's own list): one statement per
    // set of dimensions, planned once. Only the wanted dimensions are read: the totals also hold
    // the combined rows filters are answered from (hundreds), which an unfiltered view never needs.
    const dims = q.dims.filter((d) => KNOWN_DIMS.has(d)).map((d) => `'${d}'`);
    if (dims.length === 0) return [];
    if (!q.since && !q.until) {
      const rows = this.statements.get(`SELECT * FROM totals WHERE dim IN (${dims.join(',')}) ORDER BY cost_usd DESC, events DESC`).all() as Row[];
      return rows.map(usageRow);
    }
    const plan = planRange(q);
    const sums = COUNTER_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ');
    const rows = this.statements
      .get(
        `SELECT dim, key, ${sums}
         FROM hourly WHERE hour >= ? AND hour < ? AND dim IN (${dims.join(',')})
         GROUP BY dim, key ORDER BY cost_usd DESC`,
      )
      .all(plan.fromHour, plan.toHour) as Row[];
    if (plan.edges.length === 0) return rows.map(usageRow);

    // The hours the range covers only in part, from their quarter hours (by primary key).
    const quarters = plan.edges.flatMap(quartersOf);
    while (quarters.length < MAX_EDGE_QUARTERS) quarters.push(quarters[0]);
    const edgeRows = this.statements
      .get(
        `SELECT dim, key, ${sums} FROM quarter_hours
         WHERE quarter IN (${quarters.map(() => '?').join(',')}) AND dim IN (${dims.join(',')})
         GROUP BY dim, key`,
      )
      .all(...quarters) as Row[];
    const merged = new Map<string, UsageRow>();
    for (const row of [...rows, ...edgeRows]) {
      const id = `${row.dim as string}\u0000${row.key as string}`;
      const prev = merged.get(id);
      if (!prev) merged.set(id, usageRow(row));
      else for (const col of COUNTER_COLUMNS) prev[col] += Number(row[col] ?? 0);
    }
    return [...merged.values()].sort((a, b) => b.cost_usd - a.cost_usd);
  }

  /** Cost and tokens per hour or per local day (cut at midnight in q.tz, exact to the quarter hour), oldest first. */
  timeline(q: TimelineQuery): UsageBucket[] {
    return this.timelines.read(q);
  }

  usageKeys(): UsageKey[] {
    return this.statements.get('SELECT dim, key FROM totals').all() as UsageKey[];
  }

  sessionCounts(): SessionCounts {
    const counts: SessionCounts = { active: 0, idle: 0, ended: 0 };
    const rows = this.statements.get('SELECT status, COUNT(*) AS n FROM sessions GROUP BY status').all() as Row[];
    for (const row of rows) counts[row.status as keyof SessionCounts] = Number(row.n);
    return counts;
  }

  toolDurations(): ToolDurationRow[] {
    const rows = this.statements
      .get('SELECT tool, bucket, SUM(count) AS count FROM tool_latency WHERE bucket >= 0 GROUP BY tool, bucket ORDER BY tool, bucket')
      .all() as Array<{ tool: string; bucket: number; count: number }>;
    return rows.map(({ tool, bucket, count }) => ({ tool, value_ms: latencyValueMs(bucket), count }));
  }

  folded(): FoldedCount[] {
    const rows = this.statements.get('SELECT source, count FROM folded').all() as Row[];
    return rows.map((row) => ({ source: row.source as string, count: Number(row.count) }));
  }

  metricTotals(): MetricTotalRow[] {
    return this.statements.get('SELECT name, key, value, count FROM metric_totals ORDER BY name, key').all() as MetricTotalRow[];
  }

  billingBlocks(q: BlockQuery): BlockRows {
    return this.blocks.query(q);
  }
}
