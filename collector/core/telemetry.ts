/**
 * Self-observability: what each component accepted, refused, failed and found duplicate, recorded
 * through @opentelemetry/api metrics under the component's id. The service reads them back for
 * GET /api/health (see collector/service/self-telemetry.ts).
 */
import type { Meter } from '@opentelemetry/api';
import { BackpressureError } from './consumer.js';

export type Outcome = 'accepted' | 'refused' | 'failed' | 'duplicate';
export const OUTCOMES: readonly Outcome[] = ['accepted', 'refused', 'failed', 'duplicate'];

/** The instrument every component's counts go to; attributes: component.id, component.kind, outcome. */
export const ITEMS_METRIC = 'agentstats.component.items';

export interface ComponentTelemetry {
  /** Adds n items of this outcome (events, records, spans, points: the component's own unit). */
  record(outcome: Outcome, n?: number): void;
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
  };
}

/** A committed submit: newly stored items are accepted, repeats are duplicates. */
export function recordCommitted(
  telemetry: ComponentTelemetry,
  result: { ids: string[]; duplicates: number; spansStored: number; metricPointsStored: number },
): void {
  telemetry.record('accepted', result.ids.length + result.spansStored + result.metricPointsStored);
  telemetry.record('duplicate', result.duplicates);
}

/** A failed submit: refused when the pipeline pushed back (a retry can succeed), failed otherwise. */
export function recordSubmitError(telemetry: ComponentTelemetry, error: unknown, items: number): void {
  telemetry.record(error instanceof BackpressureError ? 'refused' : 'failed', items);
}
