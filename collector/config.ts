/**
 * Every AGENTSTATS_* setting, parsed and validated in one place. A bad value stops start-up with
 * a message that names the variable.
 */

export interface AppConfig {
  port: number;
  host: string;
  dbPath: string;
  maxPayloadKb: number;
  maxBodyKb: number;
  sessionTimeoutMinutes: number;
  sweepIntervalMs: number;
  maxFeed: number;
  statsIntervalMs: number;
  maxSseClients: number;
  sseHeartbeatMs: number;
  token: string | null;
  /** Host names accepted in the Host header besides loopback ones (AGENTSTATS_ALLOWED_HOSTS). */
  allowedHosts: string[];
  storePrompts: boolean;
  workers: number;
  maxQueueEvents: number;
  grpcPort: number | null;
  pricingPath: string | null;
  spoolPath: string;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  webDir: string | null;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

interface NumberSpec {
  min: number;
  max: number;
  integer: boolean;
}

function readNumber(env: Env, name: string, fallback: number, spec: NumberSpec): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || (spec.integer && !Number.isInteger(value))) {
    throw new ConfigError(`${name} must be ${spec.integer ? 'an integer' : 'a number'}, got "${raw}"`);
  }
  if (value < spec.min || value > spec.max) {
    throw new ConfigError(`${name} must be between ${spec.min} and ${spec.max}, got ${value}`);
  }
  return value;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be 1/0, true/false, yes/no or on/off, got "${raw}"`);
}

function readString(env: Env, name: string): string | null {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;

/** Host names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function loadConfig(env: Env = process.env): AppConfig {
  const int = (name: string, fallback: number, min: number, max: number) =>
    readNumber(env, name, fallback, { min, max, integer: true });

  const host = readString(env, 'AGENTSTATS_HOST') ?? '127.0.0.1';
  const token = readString(env, 'AGENTSTATS_TOKEN');
  if (!isLoopbackHost(host) && token === null) {
    throw new ConfigError(
      `AGENTSTATS_HOST=${host} is not a loopback address: set AGENTSTATS_TOKEN so that every API call needs a bearer token`,
    );
  }
  if (token !== null && token.length < 16) {
    throw new ConfigError('AGENTSTATS_TOKEN must be at least 16 characters');
  }

  const logLevel = (readString(env, 'AGENTSTATS_LOG_LEVEL') ?? 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`AGENTSTATS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const grpcRaw = readString(env, 'AGENTSTATS_GRPC_PORT');
  const grpcPort = grpcRaw !== null && /^(off|false|disabled|none)$/i.test(grpcRaw)
    ? null
    : int('AGENTSTATS_GRPC_PORT', 4317, 0, 65535);
  const dbPath = readString(env, 'AGENTSTATS_DB_PATH') ?? './data/agentstats.db';

  const allowedHosts = (readString(env, 'AGENTSTATS_ALLOWED_HOSTS') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const name of allowedHosts) {
    if (!/^[a-z0-9.-]+$|^[0-9a-f:]+$/.test(name)) {
      throw new ConfigError(`AGENTSTATS_ALLOWED_HOSTS must list host names or addresses, got "${name}"`);
    }
  }

  return {
    port: int('AGENTSTATS_PORT', 3141, 0, 65535),
    host,
    dbPath,
    maxPayloadKb: readNumber(env, 'AGENTSTATS_MAX_PAYLOAD_KB', 10, { min: 1, max: 10240, integer: false }),
    maxBodyKb: int('AGENTSTATS_MAX_BODY_KB', 16384, 16, 1048576),
    sessionTimeoutMinutes: readNumber(env, 'AGENTSTATS_SESSION_TIMEOUT', 30, {
      min: 0.001,
      max: 525600,
      integer: false,
    }),
    sweepIntervalMs: int('AGENTSTATS_SWEEP_INTERVAL_MS', 30000, 10, 3600000),
    maxFeed: int('AGENTSTATS_MAX_FEED', 500, 10, 100000),
    statsIntervalMs: int('AGENTSTATS_STATS_INTERVAL', 5000, 100, 3600000),
    maxSseClients: int('AGENTSTATS_MAX_SSE_CLIENTS', 50, 1, 10000),
    sseHeartbeatMs: int('AGENTSTATS_SSE_HEARTBEAT_MS', 15000, 50, 3600000),
    token,
    allowedHosts,
    storePrompts: readBool(env, 'AGENTSTATS_STORE_PROMPTS', false),
    workers: int('AGENTSTATS_WORKERS', 1, 1, 64),
    maxQueueEvents: int('AGENTSTATS_MAX_QUEUE_EVENTS', 50000, 100, 10000000),
    grpcPort,
    pricingPath: readString(env, 'AGENTSTATS_PRICING_PATH'),
    spoolPath: readString(env, 'AGENTSTATS_SPOOL_PATH') ?? defaultSpoolPath(env),
    logLevel,
    webDir: readString(env, 'AGENTSTATS_WEB_DIR'),
  };
}

/** Where the hook command appends events while the server is down (it uses the same rule). */
function defaultSpoolPath(env: Env): string {
  const home = env.HOME ?? env.USERPROFILE ?? '.';
  return `${home}/.agentstats/hook-spool.jsonl`;
}
