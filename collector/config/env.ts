/**
 * Every AGENTSTATS_* variable is an override of one named config key. This table is the one
 * place that says which; docs/config.md prints it. A value that cannot be read as the key's type
 * stops start-up naming the variable; range checks come from the key's schema (and name the
 * variable too, through the value's source).
 */
import path from 'node:path';
import { ConfigError } from './types.js';
import { nearest } from './suggest.js';

type Parse = (raw: string, variable: string) => unknown;

export interface EnvOverride {
  variable: string;
  /** Dotted key path in the config file. */
  key: string;
  parse: Parse;
}

const integer: Parse = (raw, variable) => {
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new ConfigError(`${variable} must be an integer, got "${raw}"`);
  return value;
};

const number: Parse = (raw, variable) => {
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`${variable} must be a number, got "${raw}"`);
  return value;
};

const bool: Parse = (raw, variable) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${variable} must be 1/0, true/false, yes/no or on/off, got "${raw}"`);
};

const text: Parse = (raw) => raw;

/** A path from the environment is taken from the working directory, not the config file's folder. */
const filePath: Parse = (raw) => (raw === ':memory:' ? raw : path.resolve(raw));

const list: Parse = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

/** A port, or off/false/none to disable the listener. */
const portOrOff: Parse = (raw, variable) => (/^(off|false|disabled|none)$/i.test(raw) ? 'off' : integer(raw, variable));

export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { variable: 'AGENTSTATS_HOST', key: 'service.http.host', parse: text },
  { variable: 'AGENTSTATS_PORT', key: 'service.http.port', parse: integer },
  { variable: 'AGENTSTATS_TOKEN', key: 'service.http.token', parse: text },
  { variable: 'AGENTSTATS_ALLOWED_HOSTS', key: 'service.http.allowed_hosts', parse: list },
  { variable: 'AGENTSTATS_MAX_BODY_KB', key: 'service.http.max_body_kb', parse: integer },
  { variable: 'AGENTSTATS_WEB_DIR', key: 'service.http.web_dir', parse: filePath },
  { variable: 'AGENTSTATS_STORE_PROMPTS', key: 'service.store_prompts', parse: bool },
  { variable: 'AGENTSTATS_LOG_LEVEL', key: 'service.log.level', parse: text },
  { variable: 'AGENTSTATS_LOG_FORMAT', key: 'service.log.format', parse: text },
  { variable: 'AGENTSTATS_WORKERS', key: 'service.workers', parse: integer },
  { variable: 'AGENTSTATS_MAX_QUEUE_EVENTS', key: 'service.max_queue_events', parse: integer },
  { variable: 'AGENTSTATS_GRPC_PORT', key: 'receivers.otlp.grpc_port', parse: portOrOff },
  { variable: 'AGENTSTATS_SPOOL_PATH', key: 'receivers.hooks.spool_path', parse: filePath },
  { variable: 'AGENTSTATS_MAX_PAYLOAD_KB', key: 'processors.truncate.max_kb', parse: number },
  { variable: 'AGENTSTATS_PRICING_PATH', key: 'processors.cost.pricing_path', parse: filePath },
  { variable: 'AGENTSTATS_DB_PATH', key: 'exporters.sqlite.path', parse: filePath },
  { variable: 'AGENTSTATS_SESSION_TIMEOUT', key: 'exporters.sqlite.session_timeout_minutes', parse: number },
  { variable: 'AGENTSTATS_SESSION_END_MINUTES', key: 'exporters.sqlite.end_after_minutes', parse: number },
  { variable: 'AGENTSTATS_SWEEP_INTERVAL_MS', key: 'exporters.sqlite.sweep_interval_ms', parse: integer },
  { variable: 'AGENTSTATS_RETENTION_DAYS', key: 'exporters.sqlite.retention_days', parse: number },
  { variable: 'AGENTSTATS_MAX_DB_MB', key: 'exporters.sqlite.max_db_mb', parse: number },
  { variable: 'AGENTSTATS_MAX_FEED', key: 'exporters.sse.max_feed', parse: integer },
  { variable: 'AGENTSTATS_STATS_INTERVAL', key: 'exporters.sse.stats_interval_ms', parse: integer },
  { variable: 'AGENTSTATS_MAX_SSE_CLIENTS', key: 'exporters.sse.max_clients', parse: integer },
  { variable: 'AGENTSTATS_SSE_HEARTBEAT_MS', key: 'exporters.sse.heartbeat_ms', parse: integer },
  { variable: 'AGENTSTATS_BUDGET_TIMEZONE', key: 'exporters.alerts.timezone', parse: text },
  { variable: 'AGENTSTATS_WEEK_START', key: 'exporters.alerts.week_start', parse: text },
  { variable: 'AGENTSTATS_ALERT_WEBHOOK_URL', key: 'exporters.alerts.webhook.url', parse: text },
];

/** Variables read elsewhere (the hook command, installers, benchmarks): not config keys, not typos. */
const OTHER_VARIABLES = ['AGENTSTATS_CONFIG', 'AGENTSTATS_URL', 'AGENTSTATS_NODE', 'AGENTSTATS_SPOOL_MAX_MB'];
const OTHER_PREFIXES = ['AGENTSTATS_BENCH_', 'AGENTSTATS_HOOK_', 'AGENTSTATS_TEST_'];

export interface EnvReading {
  variable: string;
  key: string;
  value: unknown;
}

type Env = Record<string, string | undefined>;

/** The overrides set in this environment (empty values count as unset), and warnings for typos. */
export function readEnv(env: Env): { overrides: EnvReading[]; warnings: string[] } {
  const overrides: EnvReading[] = [];
  for (const o of ENV_OVERRIDES) {
    const raw = env[o.variable];
    if (raw === undefined || raw.trim() === '') continue;
    overrides.push({ variable: o.variable, key: o.key, value: o.parse(raw.trim(), o.variable) });
  }
  const known = [...ENV_OVERRIDES.map((o) => o.variable), ...OTHER_VARIABLES];
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('AGENTSTATS_') || known.includes(name) || OTHER_PREFIXES.some((p) => name.startsWith(p))) continue;
    const hit = nearest(name, known);
    warnings.push(`${name} is not an AgentStats setting${hit ? `; did you mean ${hit}?` : ''} (it is ignored)`);
  }
  return { overrides, warnings };
}
