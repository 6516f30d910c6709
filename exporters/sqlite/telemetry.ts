/**
 * Spans and metric data points from OTLP, written in the batch's transaction.
 *
 * Metrics: delta points are stored as sent. Cumulative points (Gemini CLI, or Claude Code with
 * temporality "cumulative") are running totals; each becomes the delta since the last point of its
 * series, using the last value persisted in metric_series, so a server restart does not count a
 * running total twice. A changed start time, or a monotonic series going down, is a reset: the new
 * value counts in full. A point no newer than the last one adds nothing. metric_totals sums the
 * deltas for /api/stats.
 *
 * Spans: a span without a session takes the session of another span of its trace, stored now or
 * earlier; spans stored earlier without one are linked when their trace's session becomes known.
 */
import type Database from 'better-sqlite3';
import type { MetricPointRecord, SpanRecord } from '../../collector/core/storage.js';

interface SeriesState {
  start_time: string | null;
  time: string;
  value: number;
  count: number | null;
}

export class TelemetryWriter {
  private readonly insertSpan: Database.Statement;
  private readonly traceSession: Database.Statement<[string], { session_id: string }>;
  private readonly linkTrace: Database.Statement;
  private readonly insertPoint: Database.Statement;
  private readonly upsertMetricTotal: Database.Statement;
  private readonly selectSeries: Database.Statement<[string], SeriesState>;
  private readonly upsertSeries: Database.Statement;

  constructor(db: Database.Database) {
    this.insertSpan = db.prepare(
      `INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, session_id, agent_type, name, kind,
         start_time, end_time, duration_ms, status_code, status_message, attributes, extra)
       VALUES (@trace_id, @span_id, @parent_span_id, @session_id, @agent_type, @name, @kind,
         @start_time, @end_time, @duration_ms, @status_code, @status_message, @attributes, @extra)`,
    );
    this.traceSession = db.prepare(
      'SELECT session_id FROM spans WHERE trace_id = ? AND session_id IS NOT NULL LIMIT 1',
    );
    this.linkTrace = db.prepare('UPDATE spans SET session_id = ? WHERE trace_id = ? AND session_id IS NULL');
    this.insertPoint = db.prepare(
      `INSERT OR IGNORE INTO metric_points (name, agent_type, session_id, series_key, attributes, unit, kind,
         temporality, start_time, time, value, count)
       VALUES (@name, @agent_type, @session_id, @series_key, @attributes, @unit, @kind,
         @temporality, @start_time, @time, @value, @count)`,
    );
    this.upsertMetricTotal = db.prepare(
      `INSERT INTO metric_totals (name, key, value, count) VALUES (?, ?, ?, ?)
       ON CONFLICT(name, key) DO UPDATE SET value = value + excluded.value, count = count + excluded.count`,
    );
    this.selectSeries = db.prepare('SELECT start_time, time, value, count FROM metric_series WHERE series_key = ?');
    this.upsertSeries = db.prepare(
      `INSERT INTO metric_series (series_key, start_time, time, value, count) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(series_key) DO UPDATE SET start_time = excluded.start_time, time = excluded.time,
         value = excluded.value, count = excluded.count`,
    );
  }

  writeSpans(spans: SpanRecord[]): number {
    // One session per trace: from the batch's spans, else from spans stored earlier.
    const sessionOfTrace = new Map<string, string | null>();
    for (const span of spans) {
      if (span.session_id && !sessionOfTrace.get(span.trace_id)) sessionOfTrace.set(span.trace_id, span.session_id);
    }
    for (const span of spans) {
      if (!sessionOfTrace.has(span.trace_id)) {
        sessionOfTrace.set(span.trace_id, this.traceSession.get(span.trace_id)?.session_id ?? null);
      }
      this.insertSpan.run({
        ...span,
        session_id: span.session_id ?? sessionOfTrace.get(span.trace_id) ?? null,
        attributes: JSON.stringify(span.attributes),
        extra: JSON.stringify(span.extra),
      });
    }
    for (const [traceId, sessionId] of sessionOfTrace) {
      if (sessionId) this.linkTrace.run(sessionId, traceId);
    }
    return spans.length;
  }

  /** Stores the points (cumulative ones as deltas); returns how many were new. */
  writeMetricPoints(points: MetricPointRecord[]): number {
    let stored = 0;
    for (const point of points) {
      const delta = point.temporality === 'cumulative' ? this.cumulativeToDelta(point) : point;
      if (delta === null) continue;
      const info = this.insertPoint.run({
        name: point.name,
        agent_type: point.agent_type,
        session_id: point.session_id,
        series_key: point.series_key,
        attributes: JSON.stringify(point.attributes),
        unit: point.unit,
        kind: point.kind,
        temporality: point.temporality,
        start_time: point.start_time,
        time: point.time,
        value: delta.value,
        count: delta.count,
      });
      if (info.changes === 0) continue; // the same series and window, re-sent
      stored++;
      if (point.kind !== 'gauge' && point.temporality !== 'unspecified') {
        this.upsertMetricTotal.run(point.name, metricTotalKey(point), delta.value, delta.count ?? 0);
      }
    }
    return stored;
  }

  private cumulativeToDelta(point: MetricPointRecord): { value: number; count: number | null } | null {
    const prev = this.selectSeries.get(point.series_key);
    let value = point.value;
    let count = point.count;
    if (prev) {
      if (point.time <= prev.time) return null;
      const restarted = point.start_time !== null && prev.start_time !== null && point.start_time !== prev.start_time;
      const wentDown =
        point.monotonic !== false && (point.value < prev.value || (point.count ?? 0) < (prev.count ?? 0));
      if (!restarted && !wentDown) {
        value = point.value - prev.value;
        count = point.count === null ? null : point.count - (prev.count ?? 0);
      }
    }
    this.upsertSeries.run(point.series_key, point.start_time, point.time, point.value, point.count);
    return { value, count };
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
