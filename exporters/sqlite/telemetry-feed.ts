/**
 * The TelemetryFeed ports: stored spans (rowid order) and metric points (id order) after a
 * position, a page at a time, for the `otlp` exporter. Metric point values are as stored: a
 * cumulative series' points hold the deltas the store computed.
 */
import type Database from 'better-sqlite3';
import type { FeedEntry, MetricPointRecord, SpanRecord, TelemetryFeed } from '../../collector/core/storage.js';

type Row = Record<string, unknown>;

const json = (v: unknown) => JSON.parse(String(v)) as Record<string, unknown>;

export class SqliteSpanFeed implements TelemetryFeed<SpanRecord> {
  private readonly select: Database.Statement<[number, number], Row>;
  private readonly max: Database.Statement<[], { n: number | null }>;

  constructor(db: Database.Database) {
    this.select = db.prepare(
      `SELECT rowid AS position, trace_id, span_id, parent_span_id, session_id, agent_type, name, kind, start_time,
         end_time, duration_ms, status_code, status_message, attributes, extra
       FROM spans WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    );
    this.max = db.prepare('SELECT max(rowid) AS n FROM spans');
  }

  after(position: number, limit: number): Array<FeedEntry<SpanRecord>> {
    return this.select.all(position, limit).map((r) => {
      const { position: at, attributes, extra, ...span } = r;
      return {
        position: Number(at),
        item: { ...(span as unknown as SpanRecord), attributes: json(attributes), extra: json(extra) },
      };
    });
  }

  newest(): number {
    return Number(this.max.get()?.n ?? 0);
  }
}

export class SqliteMetricFeed implements TelemetryFeed<MetricPointRecord> {
  private readonly select: Database.Statement<[number, number], Row>;
  private readonly max: Database.Statement<[], { n: number | null }>;

  constructor(db: Database.Database) {
    this.select = db.prepare(
      `SELECT id, name, agent_type, session_id, series_key, attributes, unit, kind, temporality, start_time, time, value, count
       FROM metric_points WHERE id > ? ORDER BY id LIMIT ?`,
    );
    this.max = db.prepare('SELECT max(id) AS n FROM metric_points');
  }

  after(position: number, limit: number): Array<FeedEntry<MetricPointRecord>> {
    return this.select.all(position, limit).map((r) => {
      const { id, attributes, ...point } = r;
      return { position: Number(id), item: { ...(point as unknown as MetricPointRecord), attributes: json(attributes) } };
    });
  }

  newest(): number {
    return Number(this.max.get()?.n ?? 0);
  }
}
