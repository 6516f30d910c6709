/**
 * Spans and metric data points from OTLP, written in the batch's transaction.
 */
import type Database from 'better-sqlite3';
import type { MetricPointRecord, SpanRecord } from '../../collector/store.js';

export class TelemetryWriter {
  private readonly insertSpan: Database.Statement;
  private readonly insertPoint: Database.Statement;
  private readonly upsertMetricTotal: Database.Statement;

  constructor(db: Database.Database) {
    this.insertSpan = db.prepare(
      `INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, session_id, agent_type, name, kind,
         start_time, end_time, duration_ms, status_code, status_message, attributes, extra)
       VALUES (@trace_id, @span_id, @parent_span_id, @session_id, @agent_type, @name, @kind,
         @start_time, @end_time, @duration_ms, @status_code, @status_message, @attributes, @extra)`,
    );
    this.insertPoint = db.prepare(
      `INSERT INTO metric_points (name, agent_type, session_id, series_key, attributes, unit, kind,
         temporality, start_time, time, value, count)
       VALUES (@name, @agent_type, @session_id, @series_key, @attributes, @unit, @kind,
         @temporality, @start_time, @time, @value, @count)`,
    );
    this.upsertMetricTotal = db.prepare(
      `INSERT INTO metric_totals (name, key, value, count) VALUES (?, ?, ?, ?)
       ON CONFLICT(name, key) DO UPDATE SET value = value + excluded.value, count = count + excluded.count`,
    );
  }

  writeSpans(spans: SpanRecord[]): number {
    for (const span of spans) {
      this.insertSpan.run({
        ...span,
        attributes: JSON.stringify(span.attributes),
        extra: JSON.stringify(span.extra),
      });
    }
    return spans.length;
  }

  /** Points arrive as deltas (the receiver converts cumulative series); totals add them up. */
  writeMetricPoints(points: MetricPointRecord[]): number {
    for (const point of points) {
      this.insertPoint.run({ ...point, attributes: JSON.stringify(point.attributes) });
      if (point.kind === 'sum' || point.kind === 'histogram') {
        this.upsertMetricTotal.run(point.name, metricTotalKey(point), point.value, point.count ?? 0);
      }
    }
    return points.length;
  }
}

/** The attribute that splits a metric into the figures users read (type, decision, …). */
function metricTotalKey(point: MetricPointRecord): string {
  for (const name of ['type', 'decision', 'token_type', 'tool']) {
    const value = point.attributes[name];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return '';
}
