/**
 * The built-in components. This folder (collector/service/) is the only place in collector/ that
 * names components; the core speaks the interfaces in core/component.ts. Plugins named in a config
 * file are found by collector/service/plugins.ts and treated exactly like these.
 *
 * Each is known here by kind and type and imported only when a config uses it: a run-once import
 * (`npm run import`) needs the files receiver, the processors and SQLite, not the HTTP receivers,
 * the SSE and forwarding exporters and what they load (≈ 0.25 s of start-up).
 */
import type { ComponentFactory, ComponentKind } from '../core/component.js';

export interface RegisteredFactory {
  factory: ComponentFactory;
  /** The module's URL: processor factories are imported again inside the worker threads. */
  module: string;
}

export interface Builtin {
  kind: ComponentKind;
  type: string;
  /** Whether the component needs the HTTP server (left out of a run without it, unloaded). */
  needsHttp: boolean;
  /** The module's URL; its default export is the factory. */
  module: string;
}

const builtin = (kind: ComponentKind, type: string, module: string, needsHttp = false): Builtin => ({
  kind,
  type,
  needsHttp,
  module: new URL(module, import.meta.url).href,
});
const HTTP = true;

export const BUILTINS: readonly Builtin[] = [
  builtin('receiver', 'native', '../../receivers/native/index.js', HTTP),
  builtin('receiver', 'otlp', '../../receivers/otlp/index.js', HTTP),
  builtin('receiver', 'hooks', '../../receivers/hooks/index.js', HTTP),
  builtin('receiver', 'files', '../../receivers/files/index.js'),
  builtin('processor', 'dedupe', '../../processors/dedupe/index.js'),
  builtin('processor', 'cost', '../../processors/cost/index.js'),
  builtin('processor', 'truncate', '../../processors/truncate/index.js'),
  builtin('exporter', 'sqlite', '../../exporters/sqlite/index.js'),
  builtin('exporter', 'sse', '../../exporters/sse/index.js', HTTP),
  builtin('exporter', 'alerts', '../../exporters/alerts/index.js', HTTP),
  builtin('exporter', 'otlp', '../../exporters/otlp/index.js'),
];

/** Imports a built-in component's factory (once; later calls get the same module). */
export async function loadBuiltin(b: Builtin): Promise<RegisteredFactory> {
  const factory = ((await import(b.module)) as { default: ComponentFactory }).default;
  const needsHttp = 'needsHttp' in factory && factory.needsHttp === true;
  if (factory.kind !== b.kind || factory.type !== b.type || needsHttp !== b.needsHttp) {
    throw new Error(`${b.module} exports the ${factory.kind} "${factory.type}" (needsHttp ${needsHttp}), registered otherwise`);
  }
  return { factory, module: b.module };
}
