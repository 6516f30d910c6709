/**
 * Where the data is, found the way the server finds its config (collector/config/find.ts: --config,
 * AGENTSTATS_CONFIG, ./agentstats.jsonc, ~/.agentstats/config.jsonc; AGENTSTATS_* variables over
 * the file): the server's URL and token, and its database file. Only those keys are read, without
 * the server's full validation, so a status line pays for no more than it needs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ParseError } from 'jsonc-parser';
import { findConfigFile } from '../config/find.js';
import { readEnv } from '../config/env.js';
import { ConfigError } from '../config/types.js';
import { resolveConfigPath } from '../core/paths.js';
import { defaultConfig } from '../service/default-config.js';
import { DEFAULT_DB_PATH } from '../../exporters/sqlite/defaults.js';

type Env = Record<string, string | undefined>;
type Obj = Record<string, unknown>;

export interface Endpoint {
  /** The server's base URL (no trailing slash). */
  url: string;
  token: string | null;
  /** The database file the server writes, or null when it keeps none on disk (':memory:'). */
  dbPath: string | null;
  configFile: string | null;
}

export interface EndpointOptions {
  env: Env;
  cwd: string;
  configPath?: string;
  /** --url: the server to ask (else AGENTSTATS_URL, else the config's host and port). */
  url?: string;
  /** --db: the database file to read when the server is not answering. */
  dbPath?: string;
}

function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function readFile(file: string): Obj {
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (data !== undefined) return obj(data);
  // Comments or trailing commas: the JSONC parser, loaded only then (it costs a status line ~10 ms).
  const { parse } = createRequire(import.meta.url)('jsonc-parser') as typeof import('jsonc-parser');
  const errors: ParseError[] = [];
  data = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || obj(data) !== data) throw new ConfigError(`${file}: not a valid config file (run npm start -- --validate)`);
  return data as Obj;
}

function hostForUrl(host: string): string {
  // A wildcard bind is reached on loopback; an IPv6 literal needs brackets.
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The storage exporter the pipelines write to: the first `sqlite` or `sqlite/<name>` they list. */
function sqliteExporterId(file: Obj): string {
  const defaults = defaultConfig().service.pipelines;
  const fromFile = obj(obj(file.service).pipelines);
  for (const name of new Set([...Object.keys(defaults), ...Object.keys(fromFile)])) {
    const listed = obj(fromFile[name]).exporters ?? defaults[name]?.exporters ?? [];
    const id = (Array.isArray(listed) ? listed : []).find((x): x is string => typeof x === 'string' && (x === 'sqlite' || x.startsWith('sqlite/')));
    if (id) return id;
  }
  return 'sqlite';
}

export function resolveEndpoint(o: EndpointOptions): Endpoint {
  const configFile = findConfigFile({ configPath: o.configPath, env: o.env, cwd: o.cwd });
  const file = configFile ? readFile(configFile) : {};
  const baseDir = configFile ? path.dirname(configFile) : o.cwd;
  const fromEnv = new Map(readEnv(o.env).overrides.map((r) => [r.key, r.value]));
  const http = obj(obj(file.service).http);
  const pick = <T>(key: string, fileValue: unknown, fallback: T): T => (fromEnv.get(key) ?? fileValue ?? fallback) as T;

  const host = pick('service.http.host', http.host, '127.0.0.1');
  const port = pick('service.http.port', http.port, 3141);
  const token = o.env.AGENTSTATS_TOKEN || (pick<string | null>('service.http.token', http.token, null) ?? null);
  const rawUrl = o.url ?? (o.env.AGENTSTATS_URL || null) ?? `http://${hostForUrl(String(host))}:${String(port)}`;

  const id = sqliteExporterId(file);
  let dbPath: string | null;
  if (o.dbPath) dbPath = path.resolve(o.cwd, o.dbPath);
  else {
    // AGENTSTATS_DB_PATH names the `sqlite` exporter's path (already resolved from the working directory).
    const envPath = id === 'sqlite' ? fromEnv.get('exporters.sqlite.path') : undefined;
    const p = (envPath ?? obj(obj(file.exporters)[id]).path ?? DEFAULT_DB_PATH) as string;
    dbPath = p === ':memory:' ? null : resolveConfigPath(baseDir, p);
  }
  return { url: rawUrl.replace(/\/+$/, ''), token: token || null, dbPath, configFile };
}
