/**
 * From the effective config to the list of components to build: each id's factory (built-in or
 * plugin), its config (factory defaults ← config entry) validated against the factory's schema,
 * and the pipelines checked to name only defined ids. Every problem is collected, then all are
 * reported at once, each naming where to fix it.
 */
import type { ComponentFactory, ComponentKind } from '../core/component.js';
import { ConfigError, SECTIONS, type LoadedConfig, type SectionName } from '../config/types.js';
import { problemAt } from '../config/load.js';
import { validateAgainst } from '../config/validate.js';
import { didYouMean } from '../config/suggest.js';
import { BUILTINS, loadBuiltin, type RegisteredFactory } from './registry.js';
import { loadPlugin, PluginError } from './plugins.js';

export const KIND_OF: Record<SectionName, ComponentKind> = {
  receivers: 'receiver',
  processors: 'processor',
  exporters: 'exporter',
  extensions: 'extension',
};

export interface ResolvedComponent {
  section: SectionName;
  kind: ComponentKind;
  id: string;
  type: string;
  factory: ComponentFactory;
  module: string;
  /** Factory defaults merged with the config entry (without `module`), validated. */
  config: Record<string, unknown>;
  /** Whether some pipeline (or the extension list) uses it. */
  used: boolean;
}

export function typeOf(id: string): string {
  const slash = id.indexOf('/');
  return slash === -1 ? id : id.slice(0, slash);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Defaults ← entry: nested objects merge, everything else replaces. */
export function withDefaults(defaults: Record<string, unknown>, entry: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(entry)) {
    out[key] = isPlainObject(value) && isPlainObject(defaults[key]) ? withDefaults(defaults[key], value) : value;
  }
  return out;
}

function usedIds(loaded: LoadedConfig, section: SectionName): Set<string> {
  const { service } = loaded.config;
  if (section === 'extensions') return new Set(service.extensions);
  return new Set(Object.values(service.pipelines).flatMap((p) => p[section] ?? []));
}

/**
 * For a run without the HTTP server (a run-once import, `withoutHttp`), built-in components no
 * pipeline uses, and those that need the server, are left out unloaded and unchecked, as unused
 * plugins always are: the import needs one pipeline's files receiver, processors and storage.
 */
export async function resolveComponents(loaded: LoadedConfig, opts: { withoutHttp?: boolean } = {}): Promise<ResolvedComponent[]> {
  const { config, sources, baseDir } = loaded;
  const problems: string[] = [];
  const resolved: ResolvedComponent[] = [];

  for (const section of SECTIONS) {
    const kind = KIND_OF[section];
    const used = usedIds(loaded, section);
    const builtinTypes = BUILTINS.filter((b) => b.kind === kind).map((b) => b.type);
    for (const [id, rawEntry] of Object.entries(config[section])) {
      const type = typeOf(id);
      const { module: moduleSpec, ...entry } = rawEntry ?? {};
      let registered: RegisteredFactory | undefined;
      if (moduleSpec !== undefined) {
        if (typeof moduleSpec !== 'string') {
          problems.push(problemAt(sources, `${section}.${id}.module`, 'must be a module path or package name'));
          continue;
        }
        if (!used.has(id)) continue; // a plugin no pipeline uses is not loaded
        try {
          registered = await loadPlugin(moduleSpec, kind, baseDir);
        } catch (error) {
          if (!(error instanceof PluginError)) throw error;
          problems.push(problemAt(sources, `${section}.${id}.module`, error.message));
          continue;
        }
        if (registered.factory.type !== type) {
          problems.push(problemAt(sources, `${section}.${id}`, `the plugin's type is "${registered.factory.type}": name the id ${registered.factory.type} or ${registered.factory.type}/<name>`));
          continue;
        }
      } else {
        const known = BUILTINS.find((b) => b.kind === kind && b.type === type);
        if (!known) {
          problems.push(problemAt(sources, `${section}.${id}`, `unknown ${kind} type "${type}"${didYouMean(type, builtinTypes)} (a plugin needs "module")`));
          continue;
        }
        if (opts.withoutHttp && (!used.has(id) || known.needsHttp)) continue;
        registered = await loadBuiltin(known);
      }
      const factory = registered.factory;
      const merged = withDefaults(factory.defaultConfig() as Record<string, unknown>, entry);
      const schemaProblems = validateAgainst(factory.configSchema, merged);
      for (const p of schemaProblems) problems.push(problemAt(sources, p.path ? `${section}.${id}.${p.path}` : `${section}.${id}`, p.message));
      if (schemaProblems.length === 0) {
        let extra: unknown;
        try {
          extra = (factory.validate as ((c: unknown) => unknown) | undefined)?.(merged) ?? [];
        } catch (error) {
          // A plugin's own check that throws is its bug, reported like any config problem.
          extra = [`its validate() threw: ${error instanceof Error ? error.message : String(error)}`];
        }
        if (!Array.isArray(extra)) extra = ['validate() must return a list of problems'];
        for (const p of (extra as unknown[]).map(String)) {
          const colon = p.indexOf(': ');
          const key = colon > 0 && !p.slice(0, colon).includes(' ') ? `${section}.${id}.${p.slice(0, colon)}` : `${section}.${id}`;
          problems.push(problemAt(sources, key, colon > 0 && key !== `${section}.${id}` ? p.slice(colon + 2) : p));
        }
      }
      resolved.push({ section, kind, id, type, factory, module: registered.module, config: merged, used: used.has(id) });
    }
  }

  // Every id a pipeline or the extension list names must be defined.
  const check = (section: SectionName, list: string[], keyPath: string) => {
    const defined = Object.keys(config[section]);
    for (const id of list) {
      if (!defined.includes(id)) {
        problems.push(problemAt(sources, keyPath, `unknown ${KIND_OF[section]} "${id}"${didYouMean(id, defined)} (define it under ${section})`));
      }
    }
  };
  check('extensions', config.service.extensions, 'service.extensions');
  for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
    for (const section of ['receivers', 'processors', 'exporters'] as const) {
      check(section, pipeline[section] ?? [], `service.pipelines.${name}.${section}`);
    }
  }

  if (problems.length > 0) throw new ConfigError([...new Set(problems)].join('\n'));
  return resolved;
}
