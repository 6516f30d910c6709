/**
 * --with-otel must never silently take a user's telemetry away from where it goes today. Before
 * anything is written, the agent's current telemetry settings are checked: a destination that is
 * not AgentStats (another endpoint, Google Cloud, a non-OTLP exporter, the OpenTelemetry default
 * endpoint a local collector may listen on) makes the installer refuse, naming each value, unless
 * --force says to replace them (--uninstall then restores them). Codex has its own rule
 * (codex-otel.mjs: the user's [otel] keys are kept, exit 3).
 */
import { isPlainObject } from './json-file.mjs';

/** Same endpoint: trailing slashes and localhost/127.0.0.1 do not matter. */
export function sameEndpoint(a, b) {
  const loose = (u) => String(u).trim().replace(/\/+$/, '').replace('://localhost', '://127.0.0.1');
  return loose(a) === loose(b);
}

/** Whether `value` is AgentStats' OTLP endpoint (`suffix`: /v1/<signal>), on either mount. */
function ours(value, url, suffix = '') {
  return sameEndpoint(value, `${url}${suffix}`) || sameEndpoint(value, `${url}/api/otel${suffix}`);
}

const SIGNAL_ENDPOINTS = { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'logs', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'metrics' };
const truthy = (v) => v !== undefined && !['', '0', 'false', 'no', 'off'].includes(String(v).trim().toLowerCase());

/**
 * Claude Code: the settings `env` block (applied over the shell's environment, so a value in the
 * installer's environment would be overridden too). Returns [{ where, current, why }].
 */
function claudeConflicts(doc, ctx) {
  const env = isPlainObject(doc.env) ? doc.env : {};
  const found = [];
  const where = (key) => (key in env ? `env.${key} in ${ctx.file}` : `${key} in your environment`);
  const value = (key) => (key in env ? env[key] : ctx.env[key]);
  const endpoint = value('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (endpoint !== undefined && !ours(endpoint, ctx.url)) {
    found.push({ where: where('OTEL_EXPORTER_OTLP_ENDPOINT'), current: endpoint, why: 'Claude Code exports its telemetry there' });
  }
  for (const [key, signal] of Object.entries(SIGNAL_ENDPOINTS)) {
    const current = value(key);
    if (current !== undefined && !ours(current, ctx.url, `/v1/${signal}`)) {
      found.push({ where: where(key), current, why: `Claude Code exports its ${signal} there (it overrides the general endpoint)` });
    }
  }
  for (const key of ['OTEL_LOGS_EXPORTER', 'OTEL_METRICS_EXPORTER']) {
    if (key in env && env[key] !== 'otlp') found.push({ where: where(key), current: env[key], why: 'this exporter would be replaced by otlp' });
  }
  const exportsOtlp = ['OTEL_LOGS_EXPORTER', 'OTEL_METRICS_EXPORTER'].some((k) => String(value(k) ?? '').split(',').includes('otlp'));
  if (endpoint === undefined && truthy(value('CLAUDE_CODE_ENABLE_TELEMETRY')) && exportsOtlp && !sameEndpoint(ctx.url, 'http://localhost:4318')) {
    found.push({
      where: where('CLAUDE_CODE_ENABLE_TELEMETRY'),
      current: value('CLAUDE_CODE_ENABLE_TELEMETRY'),
      why: 'telemetry is on with no endpoint, so it goes to the OpenTelemetry default (localhost:4318 or :4317), where a collector of yours may listen',
    });
  }
  return found;
}

/** Gemini CLI: the settings `telemetry` block. */
function geminiConflicts(doc, ctx) {
  const t = isPlainObject(doc.telemetry) ? doc.telemetry : {};
  const found = [];
  const where = (key) => `telemetry.${key} in ${ctx.file}`;
  if ('target' in t && t.target !== 'local') {
    found.push({ where: where('target'), current: t.target, why: t.target === 'gcp' ? 'Gemini CLI sends its telemetry to Google Cloud' : 'not the local OTLP target' });
  }
  if ('otlpEndpoint' in t && !ours(t.otlpEndpoint, ctx.url)) {
    found.push({ where: where('otlpEndpoint'), current: t.otlpEndpoint, why: 'Gemini CLI exports its telemetry there' });
  }
  if (t.enabled === true && !('otlpEndpoint' in t) && !('target' in t && t.target !== 'local')) {
    found.push({
      where: where('enabled'),
      current: true,
      why: "telemetry is on with no otlpEndpoint, so it goes to Gemini CLI's default http://localhost:4317, where a collector of yours may listen",
    });
  }
  return found;
}

const CHECKS = { 'claude-code': claudeConflicts, 'gemini-cli': geminiConflicts };

/** The user's telemetry destinations --with-otel would replace ([] when none, or for Codex). */
export function telemetryConflicts(agent, doc, ctx) {
  return CHECKS[agent]?.(doc, ctx) ?? [];
}

/**
 * Claude Code --force: signal endpoints the user set (in the settings or the environment) would
 * still win over AgentStats' general endpoint, so they are set to AgentStats' too (and restored by
 * --uninstall). { key: value } to add to the env block.
 */
export function forcedClaudeValues(doc, ctx) {
  const env = isPlainObject(doc.env) ? doc.env : {};
  const values = {};
  for (const [key, signal] of Object.entries(SIGNAL_ENDPOINTS)) {
    if (key in env || ctx.env[key] !== undefined) values[key] = `${ctx.url}/v1/${signal}`;
  }
  return values;
}

export function refusal(label, conflicts) {
  return [
    `${label}'s telemetry already goes somewhere else, and --with-otel would send it to AgentStats instead:`,
    ...conflicts.map((c) => `  ${c.where} = ${JSON.stringify(c.current)}  (${c.why})`),
    'Nothing was changed. Either:',
    '  - keep yours: run the installer without --with-otel (it installs only the hooks), or',
    '  - send it to AgentStats instead: run again with --force (your values are replaced, and --uninstall puts them back).',
  ].join('\n');
}
