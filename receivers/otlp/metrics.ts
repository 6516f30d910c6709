/**
 * OTLP metrics → metric points, one per data point, each with a stable series key (metric name,
 * kind, temporality, scope, point attributes, resource). Values are passed as sent: cumulative
 * series are turned into deltas by the store, inside the write transaction, against the last value
 * it persisted for the series (so a restart does not count a running total twice).
 */
import { createHash } from 'node:crypto';
import type { MetricPointRecord } from '../../collector/core/storage.js';
import { agentOf } from './mappers/index.js';
import { note, type SignalResult } from './logs.js';
import { asArray, asObject, attrMap, field, nanosToIso, num, pick, str, type Attrs } from './values.js';

type Kind = MetricPointRecord['kind'];
type Temporality = MetricPointRecord['temporality'];

const KINDS: Array<[string, Kind]> = [
  ['sum', 'sum'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exp_histogram'],
  ['summary', 'summary'],
];

/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point carries no value (a stale marker). */
const NO_RECORDED_VALUE = 1;

function temporalityOf(v: unknown, kind: Kind): Temporality {
  if (kind === 'gauge') return 'unspecified';
  // Summaries have no temporality field; their count and sum are running totals.
  if (kind === 'summary') return 'cumulative';
  if (v === 1 || v === 'AGGREGATION_TEMPORALITY_DELTA') return 'delta';
  if (v === 2 || v === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return 'cumulative';
  return 'unspecified';
}

export function mapMetricsRequest(request: Record<string, unknown>): SignalResult<MetricPointRecord> {
  const result: SignalResult<MetricPointRecord> = { items: [], rejected: 0, messages: [] };
  asArray(field(request, 'resourceMetrics')).forEach((rm, ri) => {
    const resourceMetrics = asObject(rm);
    const resource = attrMap(asObject(resourceMetrics.resource).attributes);
    const resourceKey = stableJson(resource);
    asArray(field(resourceMetrics, 'scopeMetrics')).forEach((sm, si) => {
      const scopeMetrics = asObject(sm);
      const scopeName = str(asObject(scopeMetrics.scope).name) ?? '';
      asArray(scopeMetrics.metrics).forEach((m, mi) => {
        const metric = asObject(m);
        const where = `metric ${ri}.${si}.${mi}`;
        const name = str(metric.name);
        const entry = KINDS.find(([key]) => metric[key] !== undefined && metric[key] !== null);
        const points = entry ? asArray(field(asObject(metric[entry[0]]), 'dataPoints')) : [];
        if (!name || !entry) {
          // Every point of a nameless or typeless metric is unusable.
          for (let i = 0; i < Math.max(1, points.length); i++) note(result, where, name ? 'no data' : 'no name');
          return;
        }
        const [key, kind] = entry;
        const data = asObject(metric[key]);
        const temporality = temporalityOf(field(data, 'aggregationTemporality'), kind);
        const monotonic = kind === 'sum' ? field(data, 'isMonotonic') === true : kind !== 'gauge';
        const agent = agentOf(name, resource);
        points.forEach((p, pi) => {
          const point = asObject(p);
          const flags = num(point.flags) ?? 0;
          if (flags & NO_RECORDED_VALUE) return;
          const time = nanosToIso(field(point, 'timeUnixNano'));
          const values = pointValues(point, kind);
          if (!time) return note(result, `${where} point ${pi}`, 'no timeUnixNano');
          if (!values) return note(result, `${where} point ${pi}`, 'no finite value');
          const attributes = attrMap(point.attributes);
          result.items.push({
            name,
            agent_type: agent,
            session_id: pick(['session.id', 'conversation.id'], attributes, resource),
            series_key: seriesKey([name, kind, temporality, scopeName, stableJson(attributes), resourceKey]),
            attributes,
            unit: str(metric.unit),
            kind,
            temporality,
            monotonic,
            start_time: nanosToIso(field(point, 'startTimeUnixNano')),
            time,
            value: values.value,
            count: values.count,
          });
        });
      });
    });
  });
  return result;
}

function pointValues(point: Attrs, kind: Kind): { value: number; count: number | null } | null {
  if (kind === 'sum' || kind === 'gauge') {
    const value = num(field(point, 'asDouble')) ?? num(field(point, 'asInt'));
    return value === null ? null : { value, count: null };
  }
  const count = num(point.count);
  if (count === null) return null;
  // Histogram sums are optional (not sent when negative values were recorded).
  return { value: num(point.sum) ?? 0, count };
}

function seriesKey(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40);
}

/** JSON with object keys sorted at every level: equal attribute sets give equal strings. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
