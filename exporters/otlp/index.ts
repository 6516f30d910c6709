/**
 * The `otlp` exporter: forwards committed events (as OTLP log records) to any OTLP endpoint — an
 * OpenTelemetry Collector, an observability backend, or a central AgentStats — over HTTP (protobuf
 * or JSON, gzip) or gRPC. Several named instances may run (`otlp/team`, `otlp/grafana`), each with
 * its own cursor. The events table is the persistent queue: see forwarder.ts.
 */
import os from 'node:os';
import { ProtobufLogsSerializer, JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { ExporterFactory } from '../../collector/core/component.js';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { configSchema, defaultConfig, validate, type OtlpExporterConfig } from './config.js';
import { Forwarder } from './forwarder.js';
import { resourceOf, serializeRecords, toLogRecord } from './log-records.js';
import { createSender } from './send.js';

const VERSION = '0.1.0';

const factory: ExporterFactory<OtlpExporterConfig> = {
  kind: 'exporter',
  type: 'otlp',
  description: 'Forwards committed events as OTLP log records to an OpenTelemetry Collector, a backend or a central AgentStats (HTTP protobuf/JSON, gRPC; persistent queue, retry).',
  needsHttp: false,
  configSchema,
  defaultConfig,
  validate,
  create(config, host) {
    const machine = config.machine ?? os.hostname();
    const resource = resourceOf({ machine, hostName: os.hostname(), version: VERSION });
    const json = config.protocol === 'http/json';
    const sender = createSender(config, (_signal, answer, isJson) => {
      if (answer.length === 0) return 0;
      const response = (isJson ? JsonLogsSerializer : ProtobufLogsSerializer).deserializeResponse(answer);
      return Number(response.partialSuccess?.rejectedLogRecords ?? 0);
    });
    let events: Forwarder<ReadableLogRecord> | null = null;
    const sendPrompts = config.send_prompts && host.settings.storePrompts;
    return {
      start() {
        const storage = host.storage();
        events = new Forwarder<ReadableLogRecord>(
          {
            name: 'events',
            signal: 'logs',
            newest: () => storage.events.maxSeq(),
            // Each chunk becomes log records as it is read (the forwarder yields between chunks).
            read: (after, limit) =>
              storage.events.listEvents({ after_seq: after, limit }).map((e) => ({ position: e.seq, item: toLogRecord(e, resource, sendPrompts) })),
            serialize: (items) => serializeRecords(items, json),
          },
          {
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
          },
        );
        events.start();
        const forwarder = events;
        host.telemetry.observe?.(() => ({ ...forwarder.stats() }));
        host.announce(`Forwarding events to ${config.endpoint} (${config.protocol}) as machine "${machine}"`);
      },
      consume(batch) {
        if (batch.events.length > 0) events?.notify();
      },
      async shutdown() {
        await events?.stop();
      },
    };
  },
};

export default factory;
