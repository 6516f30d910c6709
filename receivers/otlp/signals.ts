/**
 * One place that turns a decoded Export*ServiceRequest into stored data and the OTLP answer, for
 * both transports (HTTP and gRPC): map, submit to the pipeline, wait for the commit, and report
 * unusable records as partialSuccess.
 */
import type { ReceiverHost } from '../../collector/core/component.js';
import type { SubmitBatch } from '../../collector/core/consumer.js';
import type { CanonicalEvent } from '../../collector/core/event.js';
import type { MetricPointRecord, SpanRecord } from '../../collector/core/storage.js';
import { recordCommitted, recordSubmitError } from '../../collector/core/telemetry.js';
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

export class OtlpSignals {
  private readonly traceSessions = new TraceSessions();

  constructor(private readonly host: ReceiverHost) {}

  /** Stores what is usable; resolves after the commit. Pipeline errors (backpressure) propagate. */
  async export(signal: Signal, request: Record<string, unknown>, idEncoding: 'hex' | 'base64'): Promise<ExportResponse> {
    const { next: pipeline, settings } = this.host;
    const common = { storePrompts: settings.storePrompts, idEncoding, traceSessions: this.traceSessions };
    let result: SignalResult<unknown>;
    let batch: SubmitBatch;
    if (signal === 'logs') {
      const validation = { now: () => this.host.clock.now(), newId: () => this.host.newId() };
      result = mapLogsRequest(request, { ...common, validation });
      batch = { events: result.items as CanonicalEvent[] };
    } else if (signal === 'metrics') {
      result = mapMetricsRequest(request);
      batch = { events: [], metricPoints: result.items as MetricPointRecord[] };
    } else {
      result = mapTracesRequest(request, common);
      batch = { events: [], spans: result.items as SpanRecord[] };
    }
    const { telemetry } = this.host;
    telemetry.record('refused', result.rejected);
    if (result.items.length > 0) {
      try {
        recordCommitted(telemetry, await pipeline.submit(batch));
      } catch (error) {
        recordSubmitError(telemetry, error, result.items.length);
        throw error;
      }
    }
    return responseFor(signal, result);
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
