/**
 * Stored metric points → the ResourceMetrics shape otlp-transformer's metrics serializers read
 * (never hand-built OTLP). What goes out is what the store counted: a point of a cumulative
 * series holds the delta the store computed from the running totals, so sums and histograms are
 * sent as DELTA points (a series the sender could not total, temporality unspecified, stays
 * unspecified). Histograms go out with their sum and count (buckets are not stored);
 * exponential histograms and summaries as histograms, with `agentstats.kind` naming the original.
 * Each point also carries `agentstats.machine`, `agentstats.series_key`, `agentstats.agent_type`
 * and `agentstats.session_id`, so a receiving AgentStats stores it in the same series, once
 * (receivers/otlp/forwarded-telemetry.ts).
 */
import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { MetricPointRecord } from '../../collector/core/storage.js';
import { hrTime, type PlainResource } from './log-records.js';

const SCOPE = { name: 'agentstats.forward', version: '1' };

type Attrs = Record<string, unknown>;

function isoHr(iso: string | null): [number, number] {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? [0, 0] : hrTime(ms);
}

function pointAttributes(point: MetricPointRecord, machine: string): Attrs {
  const out: Attrs = {};
  for (const [key, value] of Object.entries(point.attributes)) if (value !== null && value !== undefined) out[key] = value;
  out['agentstats.machine'] = machine;
  out['agentstats.series_key'] = point.series_key;
  if (point.agent_type) out['agentstats.agent_type'] = point.agent_type;
  if (point.session_id) out['agentstats.session_id'] = point.session_id;
  if (point.kind === 'exp_histogram' || point.kind === 'summary') out['agentstats.kind'] = point.kind;
  return out;
}

/** One metric per name, OTLP kind, unit and temporality, its points in storage order. */
export function toResourceMetrics(points: MetricPointRecord[], resource: PlainResource): ResourceMetrics {
  const machine = String(resource.attributes['agentstats.machine']);
  const metrics = new Map<string, MetricData>();
  for (const point of points) {
    const gauge = point.kind === 'gauge';
    const sum = point.kind === 'sum';
    const type = gauge ? DataPointType.GAUGE : sum ? DataPointType.SUM : DataPointType.HISTOGRAM;
    const temporality = gauge || point.temporality === 'unspecified' ? undefined : AggregationTemporality.DELTA;
    const key = JSON.stringify([point.name, type, point.unit, temporality ?? null]);
    let metric = metrics.get(key);
    if (!metric) {
      metric = {
        descriptor: { name: point.name, description: '', unit: point.unit ?? '', valueType: ValueType.DOUBLE },
        aggregationTemporality: temporality as AggregationTemporality,
        dataPointType: type,
        dataPoints: [],
        ...(sum ? { isMonotonic: true } : {}),
      } as MetricData;
      metrics.set(key, metric);
    }
    const base = { startTime: isoHr(point.start_time), endTime: isoHr(point.time), attributes: pointAttributes(point, machine) };
    const value = gauge || sum
      ? point.value
      : { buckets: { boundaries: [], counts: [point.count ?? 0] }, sum: point.value, count: point.count ?? 0 };
    (metric.dataPoints as Array<unknown>).push({ ...base, value });
  }
  // The serializers read only these fields; the SDK's Resource class has methods they never call.
  return { resource, scopeMetrics: [{ scope: SCOPE, metrics: [...metrics.values()] }] } as unknown as ResourceMetrics;
}

/** Stored points → an ExportMetricsServiceRequest in protobuf or OTLP/JSON bytes. */
export function serializePoints(points: MetricPointRecord[], resource: PlainResource, json: boolean): Uint8Array {
  const bytes = (json ? JsonMetricsSerializer : ProtobufMetricsSerializer).serializeRequest(toResourceMetrics(points, resource));
  if (!bytes) throw new Error('the OTLP metrics serializer returned nothing');
  return bytes;
}
