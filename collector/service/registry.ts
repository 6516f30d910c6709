/**
 * The built-in components. This folder (collector/service/) is the only place in collector/ that
 * names components; the core speaks the interfaces in core/component.ts. Plugins named in a config
 * file are found by collector/service/plugins.ts and treated exactly like these.
 */
import type { ComponentFactory } from '../core/component.js';
import nativeReceiver from '../../receivers/native/index.js';
import otlpReceiver from '../../receivers/otlp/index.js';
import hooksReceiver from '../../receivers/hooks/index.js';
import filesReceiver from '../../receivers/files/index.js';
import dedupeProcessor from '../../processors/dedupe/index.js';
import costProcessor from '../../processors/cost/index.js';
import truncateProcessor from '../../processors/truncate/index.js';
import sqliteExporter from '../../exporters/sqlite/index.js';
import sseExporter from '../../exporters/sse/index.js';
import alertsExporter from '../../exporters/alerts/index.js';

export interface RegisteredFactory {
  factory: ComponentFactory;
  /** The module's URL: processor factories are imported again inside the worker threads. */
  module: string;
}

const builtin = (factory: ComponentFactory, module: string): RegisteredFactory => ({
  factory,
  module: new URL(module, import.meta.url).href,
});

export const BUILTINS: readonly RegisteredFactory[] = [
  builtin(nativeReceiver, '../../receivers/native/index.js'),
  builtin(otlpReceiver, '../../receivers/otlp/index.js'),
  builtin(hooksReceiver, '../../receivers/hooks/index.js'),
  builtin(filesReceiver, '../../receivers/files/index.js'),
  builtin(dedupeProcessor, '../../processors/dedupe/index.js'),
  builtin(costProcessor, '../../processors/cost/index.js'),
  builtin(truncateProcessor, '../../processors/truncate/index.js'),
  builtin(sqliteExporter, '../../exporters/sqlite/index.js'),
  builtin(sseExporter, '../../exporters/sse/index.js'),
  builtin(alertsExporter, '../../exporters/alerts/index.js'),
];
