/**
 * Finds and reads the config file, then layers the effective config: built-in defaults ← file ←
 * AGENTSTATS_* variables ← command-line flags, remembering where each value came from.
 *
 * The file is merged over the default config, so a file that only says
 * `{"receivers": {"otlp": {"grpc_port": 4318}}}` keeps every other default. Objects merge key by
 * key; arrays and scalars replace.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ParseError } from 'jsonc-parser';
import { readEnv } from './env.js';
import { serviceSchema, topLevelSchema } from './service-schema.js';
import { validateAgainst } from './validate.js';
import { ConfigError, SECTIONS, type ConfigSource, type LoadedConfig, type RawConfig } from './types.js';
import { isLoopbackHost } from './hosts.js';
import { findConfigFile } from './find.js';

export { findConfigFile };

type Env = Record<string, string | undefined>;

export interface LoadOptions {
  /** The built-in default config (the service's wiring provides it). */
  defaults: RawConfig;
  env?: Env;
  /** --config FILE. */
  configPath?: string;
  /** Values from command-line flags, by dotted key, with the flag that set them. */
  flags?: Array<{ key: string; value: unknown; flag: string }>;
  cwd?: string;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  // Loaded only when there is a file to read: most runs have none (~10 ms of start-up).
  const { parse: parseJsonc, printParseErrorCode } = createRequire(import.meta.url)('jsonc-parser') as typeof import('jsonc-parser');
  const errors: ParseError[] = [];
  const data: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0];
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    throw new ConfigError(`${file}:${line}:${column}: ${printParseErrorCode(first.error)} (not valid JSONC)`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${file}: must hold a JSON object`);
  }
  return data as Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Merges `layer` into `target` in place, recording the source of every leaf it sets. */
function mergeLayer(
  target: Record<string, unknown>,
  layer: Record<string, unknown>,
  source: ConfigSource,
  sources: Map<string, ConfigSource>,
  prefix = '',
): void {
  for (const [key, value] of Object.entries(layer)) {
    const keyPath = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && isPlainObject(target[key])) {
      mergeLayer(target[key], value, source, sources, keyPath);
    } else {
      target[key] = structuredClone(value);
      for (const known of [...sources.keys()]) if (known.startsWith(`${keyPath}.`)) sources.delete(known);
      if (isPlainObject(value)) recordLeaves(value, source, sources, keyPath);
      else sources.set(keyPath, source);
    }
  }
}

function recordLeaves(obj: Record<string, unknown>, source: ConfigSource, sources: Map<string, ConfigSource>, prefix: string) {
  sources.set(prefix, source);
  for (const [key, value] of Object.entries(obj)) {
    const keyPath = `${prefix}.${key}`;
    if (isPlainObject(value)) recordLeaves(value, source, sources, keyPath);
    else sources.set(keyPath, source);
  }
}

/** {a: {b: v}} from "a.b" — but a component id may hold a slash, never a dot, so dots split keys. */
function nest(key: string, value: unknown): Record<string, unknown> {
  return key
    .split('.')
    .reverse()
    .reduce<unknown>((inner, part) => ({ [part]: inner }), value) as Record<string, unknown>;
}

/** Where the value at a key path came from: the key's own source, or its nearest ancestor's. */
export function sourceOf(sources: Map<string, ConfigSource>, keyPath: string): ConfigSource {
  let p = keyPath;
  for (;;) {
    const hit = sources.get(p);
    if (hit) return hit;
    const dot = p.lastIndexOf('.');
    if (dot === -1) return { kind: 'default' };
    p = p.slice(0, dot);
  }
}

/** `file: key: message`, `AGENTSTATS_X (key): message` — whichever says where to fix it. */
export function problemAt(sources: Map<string, ConfigSource>, keyPath: string, message: string): string {
  const source = sourceOf(sources, keyPath);
  switch (source.kind) {
    case 'env':
      return `${source.variable} (${keyPath}): ${message}`;
    case 'flag':
      return `${source.flag} (${keyPath}): ${message}`;
    case 'file':
      return `${source.file}: ${keyPath}: ${message}`;
    default:
      return `built-in default config: ${keyPath}: ${message}`;
  }
}

export function loadConfig(opts: LoadOptions): LoadedConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const sources = new Map<string, ConfigSource>();
  const config = structuredClone(opts.defaults) as unknown as Record<string, unknown>;
  const warnings: string[] = [];

  const file = findConfigFile({ configPath: opts.configPath, env, cwd });
  if (file) {
    const data = readConfigFile(file);
    const problems = validateAgainst(topLevelSchema, data);
    if (problems.length > 0) {
      throw new ConfigError(problems.map((p) => `${file}: ${p.path || '(top level)'}: ${p.message}`).join('\n'));
    }
    delete data.$schema;
    mergeLayer(config, data, { kind: 'file', file }, sources);
  }

  const { overrides, warnings: envWarnings } = readEnv(env);
  warnings.push(...envWarnings);
  for (const o of overrides) mergeLayer(config, nest(o.key, o.value), { kind: 'env', variable: o.variable }, sources);
  for (const f of opts.flags ?? []) mergeLayer(config, nest(f.key, f.value), { kind: 'flag', flag: f.flag }, sources);

  const raw = config as unknown as RawConfig;
  for (const section of SECTIONS) raw[section] ??= {};
  enableForwarding(raw, overrides, sources);
  checkService(raw, sources);
  for (const o of overrides) {
    const [section, id] = o.key.split('.');
    if (section !== 'service' && !isUsed(raw, section, id)) {
      warnings.push(`${o.variable} sets ${o.key}, but no pipeline uses ${section}.${id} (it has no effect)`);
    }
  }
  return { config: raw, file, baseDir: file ? path.dirname(file) : cwd, sources, warnings };
}

/**
 * AGENTSTATS_FORWARD_ENDPOINT is the one-line way to forward: when no pipeline runs the `otlp`
 * exporter yet, it joins the pipeline that holds the storage exporter (the default `events`).
 */
function enableForwarding(config: RawConfig, overrides: Array<{ variable: string }>, sources: Map<string, ConfigSource>): void {
  if (!overrides.some((o) => o.variable === 'AGENTSTATS_FORWARD_ENDPOINT') || isUsed(config, 'exporters', 'otlp')) return;
  const entry = Object.entries(config.service.pipelines).find(([, p]) => (p.exporters ?? []).includes('sqlite'));
  if (!entry) return;
  const [name, pipeline] = entry;
  pipeline.exporters = [...(pipeline.exporters ?? []), 'otlp'];
  // --print-config names the variable that changed the list, not "default".
  sources.set(`service.pipelines.${name}.exporters`, { kind: 'env', variable: 'AGENTSTATS_FORWARD_ENDPOINT' });
}

function isUsed(config: RawConfig, section: string, id: string): boolean {
  if (section === 'extensions') return config.service.extensions.includes(id);
  return Object.values(config.service.pipelines).some((p) => (p[section as 'receivers'] ?? []).includes(id));
}

function checkService(config: RawConfig, sources: Map<string, ConfigSource>): void {
  const problems = validateAgainst(serviceSchema, config.service).map((p) =>
    problemAt(sources, p.path ? `service.${p.path}` : 'service', p.message),
  );
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  const { host, token } = config.service.http;
  if (!isLoopbackHost(host) && token === null) {
    throw new ConfigError(
      problemAt(sources, 'service.http.host', `${host} is not a loopback address: set service.http.token (AGENTSTATS_TOKEN) so that every API call needs a bearer token`),
    );
  }
}
