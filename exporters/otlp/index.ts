/**
 * The `otlp` exporter: forwards what is stored — events (as OTLP log records), spans and metric
 * points — to any OTLP endpoint — an OpenTelemetry Collector, an observability backend, or a
 * central AgentStats — over HTTP (protobuf or JSON, gzip) or gRPC. Several named instances may run
 * (`otlp/team`, `otlp/grafana`). One delivery loop per signal, each with its own cursor; the
 * tables are the persistent queue: see forwarder.ts.
 */
import os from 'node:os';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import type { ExporterFactory } from '../../collector/core/component.js';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { MetricPointRecord } from '../../collector/core/storage.js';
import { configSchema, defaultConfig, validate, type OtlpExporterConfig } from './config.js';
import { Forwarder, type ForwarderOptions, type ForwarderStats } from './forwarder.js';
import { resourceOf, serializeRecords, toLogRecord } from './log-records.js';
import { serializeSpans, toReadableSpan } from './spans.js';
import { serializePoints } from './metric-points.js';
import { createSender, type Signal } from './send.js';

const VERSION = '0.1.0';

/** How many records of each signal the target refused in a partial success. */
function rejectedIn(signal: Signal, answer: Uint8Array, json: boolean): number {
  if (answer.length === 0) return 0;
  switch (signal) {
    case 'logs':
      return Number((json ? JsonLogsSerializer : ProtobufLogsSerializer).deserializeResponse(answer).partialSuccess?.rejectedLogRecords ?? 0);
    case 'traces':
      return Number((json ? JsonTraceSerializer : ProtobufTraceSerializer).deserializeResponse(answer).partialSuccess?.rejectedSpans ?? 0);
    case 'metrics':
      return Number((json ? JsonMetricsSerializer : ProtobufMetricsSerializer).deserializeResponse(answer).partialSuccess?.rejectedDataPoints ?? 0);
  }
}

/**
 * The health state: the top-level keys sum the three signals (`backlog` = records waiting of any
 * signal, `failing` = 1 while any fails); `events_*`, `spans_*` and `metric_points_*` split them.
 */
function healthState(loops: Array<{ name: string; forwarder: Forwarder<unknown> }>): Record<string, number> {
  const state: Record<string, number> = { forwarded: 0, retries: 0, dropped: 0, refused: 0, backlog: 0, failing: 0, retry_in_ms: 0 };
  for (const { name, forwarder } of loops) {
    const s: ForwarderStats = forwarder.stats();
    for (const [key, value] of Object.entries(s) as Array<[keyof ForwarderStats, number]>) {
      state[`${name}_${key}`] = value;
      state[key] = key === 'failing' || key === 'retry_in_ms' ? Math.max(state[key], value) : state[key] + value;
    }
  }
  return state;
}

const factory: ExporterFactory<OtlpExporterConfig> = {
  kind: 'exporter',
  type: 'otlp',
  description: 'Forwards stored events (as OTLP log records), spans and metric points to an OpenTelemetry Collector, a backend or a central AgentStats (HTTP protobuf/JSON, gRPC; persistent queue, retry).',
  needsHttp: false,
  configSchema,
  defaultConfig,
  validate,
  create(config, host) {
    const machine = config.machine ?? os.hostname();
    const resource = resourceOf({ machine, hostName: os.hostname(), version: VERSION });
    const json = config.protocol === 'http/json';
    const sender = createSender(config, rejectedIn);
    const sendPrompts = config.send_prompts && host.settings.storePrompts;
    let loops: Array<{ name: string; forwarder: Forwarder<unknown> }> = [];
    return {
      start() {
        const storage = host.storage();
        const options: ForwarderOptions = {
          id: host.id,
          cursors: storage.exportCursors,
          sender,
          logger: host.logger,
          telemetry: host.telemetry,
          batchSize: config.batch_size,
          batchDelayMs: config.batch_delay_ms,
          maxQueue: config.max_queue,
          retry: { initialMs: config.retry_initial_ms, maxMs: config.retry_max_ms },
          backfill: config.backfill,
        };
        const events = new Forwarder<ReadableLogRecord>(
          {
            name: 'events',
            signal: 'logs',
            newest: () => storage.events.maxSeq(),
            // Each chunk becomes log records as it is read (the forwarder yields between chunks).
            read: (after, limit) =>
              storage.events.listEvents({ after_seq: after, limit }).map((e) => ({ position: e.seq, item: toLogRecord(e, resource, sendPrompts) })),
            serialize: (items) => serializeRecords(items, json),
          },
          options,
        );
        const spans = new Forwarder<ReadableSpan>(
          {
            name: 'traces',
            signal: 'traces',
            newest: () => storage.spanFeed.newest(),
            read: (after, limit) =>
              storage.spanFeed.after(after, limit).map((e) => ({ position: e.position, item: toReadableSpan(e.item, resource, sendPrompts) })),
            serialize: (items) => serializeSpans(items, json),
          },
          options,
        );
        const points = new Forwarder<MetricPointRecord>(
          {
            name: 'metrics',
            signal: 'metrics',
            newest: () => storage.metricFeed.newest(),
            read: (after, limit) => storage.metricFeed.after(after, limit),
            serialize: (items) => serializePoints(items, resource, json),
          },
          options,
        );
        loops = [
          { name: 'events', forwarder: events },
          { name: 'spans', forwarder: spans },
          { name: 'metric_points', forwarder: points },
        ];
        for (const { forwarder } of loops) forwarder.start();
        host.telemetry.observe?.(() => healthState(loops));
        host.announce(`Forwarding events, spans and metric points to ${config.endpoint} (${config.protocol}) as machine "${machine}"`);
      },
      consume(batch) {
        // Only the loops whose table got rows: a loop woken for nothing still reads its table's end.
        const [events, spans, points] = loops;
        if (batch.eventsStored > 0) events?.forwarder.notify();
        if ((batch.spansStored ?? 0) > 0) spans?.forwarder.notify();
        if ((batch.metricPointsStored ?? 0) > 0) points?.forwarder.notify();
      },
      async shutdown() {
        // The sender is shared: the first stop closes it, and every loop ends its wait at once.
        await Promise.all(loops.map(({ forwarder }) => forwarder.stop()));
      },
    };
  },
};

export default factory;
