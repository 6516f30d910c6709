/**
 * The service's own metrics: a MeterProvider (OpenTelemetry SDK) whose reader the health route
 * collects on demand. Components record through @opentelemetry/api instruments (core/telemetry.ts);
 * this folds the collected points into per-component counts.
 */
import type { Meter } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { ITEMS_METRIC, OUTCOMES, type Outcome } from '../core/telemetry.js';

/** A pull reader: nothing is exported on a timer, the health route collects when asked. */
class OnDemandReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface ComponentCounts extends Record<Outcome, number> {
  id: string;
  kind: string;
}

export class SelfTelemetry {
  private readonly reader = new OnDemandReader();
  private readonly provider = new MeterProvider({ readers: [this.reader] });
  readonly meter: Meter = this.provider.getMeter('agentstats');
  /** Every component, so that one with nothing recorded yet still shows with zeros. */
  private readonly known = new Map<string, string>();

  register(id: string, kind: string): void {
    this.known.set(`${kind}\u0000${id}`, kind);
  }

  async snapshot(): Promise<ComponentCounts[]> {
    const rows = new Map<string, ComponentCounts>();
    const row = (kind: string, id: string) => {
      const key = `${kind}\u0000${id}`;
      let r = rows.get(key);
      if (!r) {
        r = { id, kind, ...(Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>) };
        rows.set(key, r);
      }
      return r;
    };
    for (const key of this.known.keys()) {
      const [kind, id] = key.split('\u0000');
      row(kind, id);
    }
    const { resourceMetrics } = await this.reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== ITEMS_METRIC) continue;
        for (const point of metric.dataPoints) {
          const a = point.attributes;
          const outcome = a.outcome as Outcome;
          if (!OUTCOMES.includes(outcome)) continue;
          row(String(a['component.kind']), String(a['component.id']))[outcome] += Number(point.value);
        }
      }
    }
    return [...rows.values()];
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}
