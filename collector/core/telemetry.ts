/**
 * Self-observability: what each component accepted, refused, failed and found duplicate, recorded
 * through @opentelemetry/api metrics under the component's id. The service reads them back for
 * GET /api/health (see collector/service/self-telemetry.ts).
 *
 * Who records what (the unit is the component's own item: event, span or metric point, unless said):
 * - receivers: the host wraps each receiver's `next` in countedConsumer(), so every submit is
 *   counted without the receiver's help — newly stored items are accepted, repeats duplicate, a
 *   pushback (queue full) refused, any other pipeline error failed. A receiver itself records only
 *   what it turns away before submitting (invalid input) as refused.
 * - processors: the pipeline records, per committed group, the events each one passed on
 *   (accepted) and dropped (as its factory's `droppedAs`: dedupe → duplicate, others → refused);
 *   a batch a processor threw on is failed.
 * - the storage exporter: the pipeline records newly stored items (accepted), events the store
 *   already held (duplicate) and batches that could not be committed (failed).
 * - other exporters record their own (the SSE stream: events delivered per client, clients turned
 *   away at the cap, clients cut as too slow).
 */
import type { Meter } from '@opentelemetry/api';
import { BackpressureError, batchSize, type Consumer, type SubmitBatch, type SubmitResult } from './consumer.js';

export type Outcome = 'accepted' | 'refused' | 'failed' | 'duplicate';
export const OUTCOMES: readonly Outcome[] = ['accepted', 'refused', 'failed', 'duplicate'];

/** The instrument every component's counts go to; attributes: component.id, component.kind, outcome. */
export const ITEMS_METRIC = 'agentstats.component.items';
/** Items waiting in a pipeline's queue (observable gauge); attribute: pipeline.name. */
export const QUEUE_DEPTH_METRIC = 'agentstats.pipeline.queue_depth';
/** A component's own figures besides its outcomes (a forwarder's backlog, retries); attributes: component.id, component.kind, name. */
export const STATE_METRIC = 'agentstats.component.state';

export interface ComponentTelemetry {
  /** Adds n items of this outcome (events, records, spans, points: the component's own unit). */
  record(outcome: Outcome, n?: number): void;
  /**
   * Figures the component reports besides its outcomes, read at each collection (GET /api/health
   * shows them under the component's `state`): e.g. a forwarder's backlog and retries.
   */
  observe?(read: () => Record<string, number>): void;
}

export function componentTelemetry(meter: Meter, id: string, kind: string): ComponentTelemetry {
  const counter = meter.createCounter(ITEMS_METRIC, {
    description: 'Items handled by a component, by outcome',
    unit: '{item}',
  });
  const attrs = Object.fromEntries(
    OUTCOMES.map((outcome) => [outcome, { 'component.id': id, 'component.kind': kind, outcome }]),
  ) as unknown as Record<Outcome, Record<string, string>>;
  return {
    record(outcome, n = 1) {
      if (n > 0) counter.add(n, attrs[outcome]);
    },
    observe(read) {
      const gauge = meter.createObservableGauge(STATE_METRIC, { description: "A component's own figures", unit: '{item}' });
      gauge.addCallback((result) => {
        for (const [name, value] of Object.entries(read())) {
          result.observe(value, { 'component.id': id, 'component.kind': kind, name });
        }
      });
    },
  };
}

/**
 * A consumer that counts every submit for the component feeding it: committed items are accepted
 * or duplicate, a pushback is refused (a retry can succeed), anything else failed.
 */
export function countedConsumer(next: Consumer, telemetry: ComponentTelemetry): Consumer {
  return {
    async submit(batch: SubmitBatch): Promise<SubmitResult> {
      let result: SubmitResult;
      try {
        result = await next.submit(batch);
      } catch (error) {
        telemetry.record(error instanceof BackpressureError ? 'refused' : 'failed', batchSize(batch));
        throw error;
      }
      telemetry.record('accepted', result.ids.length + result.spansStored + result.metricPointsStored);
      telemetry.record('duplicate', result.duplicates);
      return result;
    },
    get queueDepth() {
      return next.queueDepth;
    },
    get maxQueueEvents() {
      return next.maxQueueEvents;
    },
  };
}
