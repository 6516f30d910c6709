/**
 * One place that turns a decoded Export*ServiceRequest into stored data and the OTLP answer, for
 * both transports (HTTP and gRPC): map, submit to the pipeline, wait for the commit, and report
 * unusable records as partialSuccess.
 */
import type { ReceiverHost } from '../../collector/core/component.js';
import type { SubmitBatch } from '../../collector/core/consumer.js';
import type { CanonicalEvent } from '../../collector/core/event.js';
import type { MetricPointRecord, SpanRecord } from '../../collector/core/storage.js';
import { mapLogsRequest, type SignalResult } from './logs.js';
import { mapMetricsRequest } from './metrics.js';
import { mapTracesRequest } from './traces.js';
import { TraceSessions } from './trace-sessions.js';
import type { Signal } from './proto.js';

/** Export*ServiceResponse in OTLP/JSON form. */
export type ExportResponse = Record<string, unknown>;

const REJECTED_FIELD: Record<Signal, string> = {
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
  traces: 'rejectedSpans',
};

const NOUN: Record<Signal, string> = { logs: 'log records', metrics: 'data points', traces: 'spans' };

/** Mapping faults are logged at most once per this many ms (a hostile client must not flood the log). */
const LOG_EVERY_MS = 60_000;

export class OtlpSignals {
  private readonly traceSessions = new TraceSessions();
  private lastFaultLog = 0;

  constructor(private readonly host: ReceiverHost) {}

  /** Stores what is usable; resolves after the commit. Pipeline errors (backpressure) propagate. */
  async export(signal: Signal, request: Record<string, unknown>, idEncoding: 'hex' | 'base64'): Promise<ExportResponse> {
    const { next: pipeline, settings } = this.host;
    const now = () => this.host.clock.now();
    const common = { storePrompts: settings.storePrompts, idEncoding, traceSessions: this.traceSessions, now };
    let result: SignalResult<unknown>;
    let batch: SubmitBatch;
    if (signal === 'logs') {
      const validation = { now, newId: () => this.host.newId() };
      result = mapLogsRequest(request, { ...common, validation });
      batch = { events: result.items as CanonicalEvent[] };
    } else if (signal === 'metrics') {
      result = mapMetricsRequest(request, { now });
      batch = { events: [], metricPoints: result.items as MetricPointRecord[] };
    } else {
      result = mapTracesRequest(request, common);
      batch = { events: [], spans: result.items as SpanRecord[] };
    }
    // Unusable records are ours to count; the host counts what the submit stores or refuses.
    this.host.telemetry.record('refused', result.rejected);
    this.noteFaults(signal, result);
    if (result.items.length > 0) await pipeline.submit(batch);
    return responseFor(signal, result);
  }

  /** Records whose mapping threw were rejected (the client hears why); the log hears that it happened. */
  private noteFaults(signal: Signal, result: SignalResult<unknown>): void {
    if (result.faults === 0) return;
    const now = Date.now();
    if (now - this.lastFaultLog < LOG_EVERY_MS) return;
    this.lastFaultLog = now;
    this.host.logger.warn('otlp records could not be mapped and were rejected', { signal, faults: result.faults });
  }
}

function responseFor(signal: Signal, result: SignalResult<unknown>): ExportResponse {
  if (result.rejected === 0) return {};
  const more = result.rejected > result.messages.length ? ` (first ${result.messages.length} shown)` : '';
  return {
    partialSuccess: {
      [REJECTED_FIELD[signal]]: String(result.rejected),
      errorMessage: `${result.rejected} ${NOUN[signal]} rejected${more}: ${result.messages.join('; ')}`,
    },
  };
}
