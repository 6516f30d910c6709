/**
 * OTLP metrics → metric points, one per data point, each with a stable series key (metric name,
 * kind, temporality, scope, point attributes, resource). Values are passed as sent: cumulative
 * series are turned into deltas by the store, inside the write transaction, against the last value
 * it persisted for the series (so a restart does not count a running total twice).
 */
import { createHash } from 'node:crypto';
import type { MetricPointRecord } from '../../collector/core/storage.js';
import { agentOf } from './mappers/index.js';
import { restoreForwardedPoint } from './forwarded-telemetry.js';
import { emptyResult, guarded, note, type SignalResult } from './logs.js';
import { asArray, asObject, attrMap, contractRange, field, nanosProblem, nanosToIso, num, pick, str, type Attrs } from './values.js';

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

export interface MetricOptions {
  /** The server's clock: point times beyond one day from now are refused, as event times are. */
  now: () => Date;
}

export function mapMetricsRequest(request: Record<string, unknown>, opts: MetricOptions): SignalResult<MetricPointRecord> {
  const result = emptyResult<MetricPointRecord>();
  const range = contractRange(opts.now());
  asArray(field(request, 'resourceMetrics')).forEach((rm, ri) => {
    const resourceMetrics = asObject(rm);
    const scopes = asArray(field(resourceMetrics, 'scopeMetrics'));
    guarded(result, `resource ${ri}`, () => pointsIn(scopes), () => {
      const resource = attrMap(asObject(resourceMetrics.resource).attributes);
      const resourceKey = stableJson(resource);
      scopes.forEach((sm, si) => {
        const scopeMetrics = asObject(sm);
        const scopeName = str(asObject(scopeMetrics.scope).name) ?? '';
        asArray(scopeMetrics.metrics).forEach((m, mi) => {
          const where = `metric ${ri}.${si}.${mi}`;
          guarded(result, where, () => pointsIn([{ metrics: [m] }]), () =>
            mapMetric(asObject(m), where, { resource, resourceKey, scopeName, range }, result),
          );
        });
      });
    });
  });
  return result;
}

interface MetricSource {
  resource: Attrs;
  resourceKey: string;
  scopeName: string;
  range: { minMs: number; maxMs: number };
}

/** Every data point of one metric into result.items; unusable ones noted. */
function mapMetric(metric: Attrs, where: string, from: MetricSource, result: SignalResult<MetricPointRecord>): void {
  const name = str(metric.name);
  const entry = KINDS.find(([key]) => metric[key] !== undefined && metric[key] !== null);
  const points = entry ? asArray(field(asObject(metric[entry[0]]), 'dataPoints')) : [];
  if (!name || !entry) {
    // Every point of a nameless or typeless metric is unusable.
    note(result, where, name ? 'no data' : 'no name', Math.max(1, points.length));
    return;
  }
  const [key, kind] = entry;
  const data = asObject(metric[key]);
  const temporality = temporalityOf(field(data, 'aggregationTemporality'), kind);
  const monotonic = kind === 'sum' ? field(data, 'isMonotonic') === true : kind !== 'gauge';
  const agent = agentOf(name, from.resource);
  points.forEach((p, pi) => {
    const point = asObject(p);
    const flags = num(point.flags) ?? 0;
    if (flags & NO_RECORDED_VALUE) return;
    const problem = nanosProblem(field(point, 'timeUnixNano'), from.range);
    if (problem) return note(result, `${where} point ${pi}`, `timeUnixNano ${problem}`);
    const time = nanosToIso(field(point, 'timeUnixNano'));
    const values = pointValues(point, kind);
    if (!time) return note(result, `${where} point ${pi}`, 'no timeUnixNano');
    if (!values) return note(result, `${where} point ${pi}`, 'no finite value');
    const attributes = attrMap(point.attributes);
    // A start time only qualifies the value (cumulative series): an unusable one is left out.
    const startTime = nanosProblem(field(point, 'startTimeUnixNano'), from.range) ? null : nanosToIso(field(point, 'startTimeUnixNano'));
    result.items.push(restoreForwardedPoint({
      name,
      agent_type: agent,
      session_id: pick(['session.id', 'conversation.id'], attributes, from.resource),
      series_key: seriesKey([name, kind, temporality, from.scopeName, stableJson(attributes), from.resourceKey]),
      attributes,
      unit: str(metric.unit),
      kind,
      temporality,
      monotonic,
      start_time: startTime,
      time,
      value: values.value,
      count: values.count,
    }));
  });
}

/** Data points under some ScopeMetrics, for counting what a failed unit rejects. */
function pointsIn(scopes: unknown[]): number {
  let n = 0;
  for (const sm of scopes) {
    for (const m of asArray(asObject(sm).metrics)) {
      const metric = asObject(m);
      const entry = KINDS.find(([key]) => metric[key] !== undefined && metric[key] !== null);
      n += entry ? asArray(field(asObject(metric[entry[0]]), 'dataPoints')).length : 0;
    }
  }
  return n;
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
