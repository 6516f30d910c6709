/**
 * Plugins: a component whose factory comes from a module path (relative to the config file) or an
 * installed npm package, named by `"module"` in its config entry. It is imported at start, checked
 * against the factory interface, and then treated exactly like a built-in.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ComponentFactory, ComponentKind } from '../core/component.js';
import { checkSchema } from '../config/validate.js';
import type { RegisteredFactory } from './registry.js';

export class PluginError extends Error {}

/** The module's URL: a path (./x.js, /abs/x.js) from the config's folder, or a package name. */
export function resolvePluginModule(spec: string, baseDir: string): string {
  if (spec.startsWith('.') || path.isAbsolute(spec)) return pathToFileURL(path.resolve(baseDir, spec)).href;
  try {
    return pathToFileURL(createRequire(path.join(baseDir, 'agentstats.config')).resolve(spec)).href;
  } catch {
    // ESM-only packages have no `require` entry: let import() find them from this install.
    return spec;
  }
}

/** Problems with a module's default export as a factory of this kind (empty: it is one). */
export function factoryProblems(candidate: unknown, kind: ComponentKind): string[] {
  if (!candidate || typeof candidate !== 'object') return ['its default export is not a component factory object'];
  const f = candidate as Record<string, unknown>;
  const problems: string[] = [];
  if (f.kind !== kind) problems.push(`kind is ${JSON.stringify(f.kind)}, expected "${kind}"`);
  if (typeof f.type !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(f.type)) problems.push('type must be a lower-case name');
  if (typeof f.description !== 'string') problems.push('description must be a string');
  if (!f.configSchema || typeof f.configSchema !== 'object') problems.push('configSchema must be a JSON Schema object');
  else {
    const bad = checkSchema(f.configSchema as Record<string, unknown>);
    if (bad) problems.push(`configSchema does not compile: ${bad}`);
  }
  if (typeof f.defaultConfig !== 'function') problems.push('defaultConfig must be a function');
  if (typeof f.create !== 'function') problems.push('create must be a function');
  if (f.validate !== undefined && typeof f.validate !== 'function') problems.push('validate must be a function');
  if (kind !== 'processor' && typeof f.needsHttp !== 'boolean') problems.push('needsHttp must be true or false');
  return problems;
}

export async function loadPlugin(spec: string, kind: ComponentKind, baseDir: string): Promise<RegisteredFactory> {
  const url = resolvePluginModule(spec, baseDir);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginError(`plugin ${spec} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
  const factory = mod.default;
  const problems = factoryProblems(factory, kind);
  if (problems.length > 0) throw new PluginError(`plugin ${spec} is not a ${kind} factory: ${problems.join('; ')}`);
  return { factory: factory as ComponentFactory, module: url };
}
