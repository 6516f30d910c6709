/**
 * The service's own metrics: a MeterProvider (OpenTelemetry SDK) whose reader the health route
 * collects on demand. Components record through @opentelemetry/api instruments (core/telemetry.ts);
 * the pipelines' queue depths are an observable gauge read at collection. snapshot() folds the
 * collected points into per-component counts and per-pipeline depths.
 */
import type { Meter } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { componentTelemetry, ITEMS_METRIC, OUTCOMES, QUEUE_DEPTH_METRIC, STATE_METRIC, type ComponentTelemetry, type Outcome } from '../core/telemetry.js';

/** A pull reader: nothing is exported on a timer, the health route collects when asked. */
class OnDemandReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface ComponentCounts extends Record<Outcome, number> {
  id: string;
  kind: string;
  /** The component's own figures (telemetry.observe), when it reports any. */
  state?: Record<string, number>;
}

export interface PipelineDepth {
  name: string;
  queue_depth: number;
}

export interface TelemetrySnapshot {
  pipelines: PipelineDepth[];
  components: ComponentCounts[];
}

const KIND_ORDER = ['receiver', 'processor', 'exporter', 'extension'];

export class SelfTelemetry {
  private readonly reader = new OnDemandReader();
  private readonly provider = new MeterProvider({ readers: [this.reader] });
  readonly meter: Meter = this.provider.getMeter('agentstats');
  /** Every component in start-up order, so that one with nothing recorded yet shows with zeros. */
  private readonly known = new Map<string, { id: string; kind: string }>();
  private readonly pipelineNames: string[] = [];

  register(id: string, kind: string): void {
    this.known.set(`${kind}\u0000${id}`, { id, kind });
  }

  /** The instruments a component records through, under its id. */
  component(id: string, kind: string): ComponentTelemetry {
    return componentTelemetry(this.meter, id, kind);
  }

  /** Reports each pipeline's queue depth as agentstats.pipeline.queue_depth{pipeline.name}. */
  observePipelines(depths: () => PipelineDepth[]): void {
    const gauge = this.meter.createObservableGauge(QUEUE_DEPTH_METRIC, {
      description: 'Items (events, spans, metric points) waiting in a pipeline',
      unit: '{item}',
    });
    gauge.addCallback((result) => {
      for (const p of depths()) result.observe(p.queue_depth, { 'pipeline.name': p.name });
    });
    this.pipelineNames.push(...depths().map((p) => p.name));
  }

  async snapshot(): Promise<TelemetrySnapshot> {
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
    for (const { id, kind } of this.known.values()) row(kind, id);
    const depths = new Map<string, number>(this.pipelineNames.map((name) => [name, 0]));

    const { resourceMetrics } = await this.reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        const name = metric.descriptor.name;
        for (const point of metric.dataPoints) {
          const a = point.attributes;
          if (name === ITEMS_METRIC) {
            const outcome = a.outcome as Outcome;
            if (OUTCOMES.includes(outcome)) row(String(a['component.kind']), String(a['component.id']))[outcome] += Number(point.value);
          } else if (name === STATE_METRIC) {
            const r = row(String(a['component.kind']), String(a['component.id']));
            (r.state ??= {})[String(a.name)] = Number(point.value);
          } else if (name === QUEUE_DEPTH_METRIC) {
            depths.set(String(a['pipeline.name']), Number(point.value));
          }
        }
      }
    }
    const kindRank = (k: string) => (KIND_ORDER.includes(k) ? KIND_ORDER.indexOf(k) : KIND_ORDER.length);
    // Receivers, processors, exporters, extensions; within a kind, the order they were built in.
    const components = [...rows.values()].sort((a, b) => kindRank(a.kind) - kindRank(b.kind));
    return { pipelines: [...depths].map(([name, queue_depth]) => ({ name, queue_depth })), components };
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}
