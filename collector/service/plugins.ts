/**
 * Plugins: a component whose factory comes from a module path (relative to the config file) or an
 * installed npm package, named by `"module"` in its config entry. It is imported at start, checked
 * against the factory interface, and then treated exactly like a built-in. Every way a plugin can
 * be broken (not found, throws on import, wrong shape) is a PluginError naming the module.
 * See docs/PLUGINS.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ComponentFactory, ComponentKind } from '../core/component.js';
import { checkSchema } from '../config/validate.js';
import type { RegisteredFactory } from './registry.js';

export class PluginError extends Error {}

const isPathSpec = (spec: string) => spec.startsWith('.') || spec.startsWith('~/') || path.isAbsolute(spec);

/** A module path: `~/…` from the home folder, anything else from the config file's folder. */
function modulePath(spec: string, baseDir: string): string {
  return spec.startsWith('~/') ? path.join(process.env.HOME ?? homedir(), spec.slice(2)) : path.resolve(baseDir, spec);
}

/** `name` or `@scope/name` of a bare specifier, and the subpath after it (`pkg/sub` → ./sub). */
function splitPackage(spec: string): { name: string; subpath: string } {
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  const rest = parts.slice(n).join('/');
  return { name: parts.slice(0, n).join('/'), subpath: rest ? `./${rest}` : '.' };
}

const CONDITIONS = new Set(['import', 'node', 'default']);

/** An `exports` target as import() picks it: the first of its conditions that applies, nested. */
function exportTarget(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(exportTarget).find((t) => t !== null) ?? null;
  if (value && typeof value === 'object') {
    for (const [condition, inner] of Object.entries(value)) {
      const target = CONDITIONS.has(condition) ? exportTarget(inner) : null;
      if (target) return target;
    }
  }
  return null;
}

/**
 * The entry file of a package installed in a node_modules folder at or above `fromDir`, read the
 * way `import` reads it (the "import" condition first). Null when no such package is there.
 */
function findPackageEntry(spec: string, fromDir: string): string | null {
  const { name, subpath } = splitPackage(spec);
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name);
    const manifest = path.join(pkgDir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown };
      const exp = pkg.exports;
      const keyed = exp && typeof exp === 'object' && !Array.isArray(exp) && Object.keys(exp).some((k) => k.startsWith('.'));
      const target = exp === undefined ? null : keyed ? exportTarget((exp as Record<string, unknown>)[subpath]) : subpath === '.' ? exportTarget(exp) : null;
      if (target) return path.resolve(pkgDir, target);
      // No exports (`main`, index.js, extensions looked up), subpath patterns and the like: Node's own resolver.
      try {
        return createRequire(manifest).resolve(spec);
      } catch {
        throw new PluginError(`plugin ${spec}: the package at ${pkgDir} has no entry for "${subpath}" that import can load`);
      }
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * The module's URL: a path (./x.js, /abs/x.js, ~/x.js) from the config's folder; a package installed at or
 * above the config's folder; else a bare name that import() looks up from AgentStats' own folder.
 */
export function resolvePluginModule(spec: string, baseDir: string): string {
  if (isPathSpec(spec)) {
    const file = modulePath(spec, baseDir);
    if (!existsSync(file)) throw new PluginError(`plugin ${spec}: no file at ${file} (a module path is relative to the config file's folder)`);
    return pathToFileURL(file).href;
  }
  const entry = findPackageEntry(spec, baseDir);
  return entry ? pathToFileURL(entry).href : spec;
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
  else {
    // Called here so that a throwing or non-object defaultConfig() is a plugin problem, not a crash.
    let defaults: unknown;
    try {
      defaults = (f.defaultConfig as () => unknown)();
    } catch (error) {
      problems.push(`defaultConfig() threw: ${message(error)}`);
      defaults = {};
    }
    if (!defaults || typeof defaults !== 'object' || Array.isArray(defaults)) problems.push('defaultConfig() must return an object');
  }
  if (typeof f.create !== 'function') problems.push('create must be a function');
  if (f.validate !== undefined && typeof f.validate !== 'function') problems.push('validate must be a function');
  if (kind === 'processor') {
    if (f.setup !== undefined && typeof f.setup !== 'function') problems.push('setup must be a function');
  } else if (typeof f.needsHttp !== 'boolean') problems.push('needsHttp must be true or false');
  return problems;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What went wrong on import, with the plugin's own line when the stack has one. */
function importFailure(spec: string, url: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' && !isPathSpec(spec) && url === spec && message(error).includes(`'${splitPackage(spec).name}'`)) {
    return `plugin ${spec}: no package "${splitPackage(spec).name}" is installed (looked in node_modules at and above the config file's folder, and in AgentStats' own): npm install it, or give a path such as ./plugins/x.js`;
  }
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  const file = url.startsWith('file:') ? fileURLToPath(url) : null;
  const frame = file && error instanceof Error ? error.stack?.split('\n').find((line) => line.includes(file)) : undefined;
  const where = frame ? ` (${frame.trim().replace(/^at\s+(?:.*\()?/, '').replace(/\)$/, '').replace(url, file!)})` : '';
  // V8 gives an ES module's syntax error no line; node --check prints it.
  const hint = !frame && file && error instanceof SyntaxError ? ` (node --check ${file} shows where)` : '';
  return `plugin ${spec} could not be loaded: ${name}${message(error)}${where}${hint}`;
}

export async function loadPlugin(spec: string, kind: ComponentKind, baseDir: string): Promise<RegisteredFactory> {
  let url: string;
  try {
    url = resolvePluginModule(spec, baseDir);
  } catch (error) {
    if (error instanceof PluginError) throw error;
    throw new PluginError(`plugin ${spec} cannot be found: ${message(error)}`); // e.g. a package.json that is not JSON
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginError(importFailure(spec, url, error));
  }
  const factory = mod.default;
  const problems = factoryProblems(factory, kind);
  if (problems.length > 0) throw new PluginError(`plugin ${spec} is not a ${kind} factory: ${problems.join('; ')}`);
  return { factory: factory as ComponentFactory, module: url };
}
