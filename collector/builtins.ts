/**
 * The built-in components and the default pipeline. This and main.ts are the only places in
 * collector/ that name components; everything else speaks the interfaces in component.ts.
 */
import type { ExporterFactory, ReceiverFactory } from './component.js';
import nativeReceiver from '../receivers/native/index.js';
import otlpReceiver from '../receivers/otlp/index.js';
import hooksReceiver from '../receivers/hooks/index.js';
import sqliteExporter from '../exporters/sqlite/index.js';
import sseExporter from '../exporters/sse/index.js';

export const builtinReceivers: ReceiverFactory<any>[] = [nativeReceiver, otlpReceiver, hooksReceiver];

/** Processors run in workers, so they are named by module URL, in chain order. */
export const builtinProcessors: Array<{ type: string; module: string }> = [
  { type: 'dedupe', module: new URL('../processors/dedupe/index.js', import.meta.url).href },
  // Cost before truncation: pricing reads metadata (cache-write tiers, speed) that cutting may drop.
  { type: 'cost', module: new URL('../processors/cost/index.js', import.meta.url).href },
  { type: 'truncate', module: new URL('../processors/truncate/index.js', import.meta.url).href },
];

/** The first exporter must provide the store; the rest consume committed batches. */
export const builtinExporters: ExporterFactory<any>[] = [sqliteExporter, sseExporter];
