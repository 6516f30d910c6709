/**
 * What each installer installs: the settings file, the hook events AgentStats observes, the
 * handler it registers for each, and the telemetry settings of --with-otel. Only observer events
 * are registered — never one whose hook changes what the agent does (Claude Code's
 * WorktreeCreate replaces git worktree creation; its MessageDisplay and Gemini's per-chunk
 * AfterModel are too chatty to spawn a process for).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Claude Code: `http` handlers are allowed for every event but SessionStart (command only); the
 * default is the hook command for all of them, because an `http` hook fired while AgentStats is
 * down is lost and the command spools it.
 */
const CLAUDE_EVENTS = [
  'SessionStart',
  'SessionEnd',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PermissionRequest',
  'Notification',
  'Stop',
  'StopFailure',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
];

/** Codex hooks.json keys (unknown keys are ignored by Codex versions that lack an event). */
const CODEX_EVENTS = [
  'SessionStart',
  'SessionEnd',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PermissionRequest',
  'Stop',
  'StopFailure',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
];

/**
 * Gemini CLI: BeforeModel, AfterModel (once per streamed chunk), BeforeToolSelection and
 * PreCompress (before every model call) are left out on purpose: a process per chunk would slow
 * the agent, and the receiver only counts them anyway.
 */
const GEMINI_EVENTS = ['SessionStart', 'SessionEnd', 'BeforeAgent', 'AfterAgent', 'BeforeTool', 'AfterTool', 'Notification'];

export function homeDir(env = process.env) {
  return env.HOME || env.USERPROFILE || homedir();
}

/** POSIX shell quoting, only where needed (the command is run by the agent through a shell). */
export function shellQuote(word) {
  return /^[A-Za-z0-9_/.:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line that runs the installed hook command for one agent: the POSIX sh + curl hook
 * (no Node start-up per event), or the Node hook where there is no curl (ctx.runtime).
 */
export function hookCommand(ctx, agent) {
  const parts =
    ctx.runtime === 'node'
      ? [shellQuote(ctx.nodePath), shellQuote(join(ctx.binDir, 'agentstats-hook.cjs')), agent]
      : ['/bin/sh', shellQuote(join(ctx.binDir, 'agentstats-hook.sh')), agent];
  if (ctx.urlGiven) parts.push('--url', shellQuote(ctx.url));
  return parts.join(' ');
}

export const AGENTS = {
  'claude-code': {
    label: 'Claude Code',
    /** Claude Code rejects a settings.json with comments ("Invalid or malformed JSON"). */
    json: { allowComments: false, strictReader: 'Claude Code' },
    supportsProject: true,
    supportsTransport: true,
    /** --with-otel refuses to replace a telemetry destination of the user's (telemetry-guard.mjs). */
    otelGuard: true,
    settingsFile(ctx) {
      if (ctx.projectDir) return join(resolve(ctx.projectDir), '.claude', 'settings.json');
      return join(ctx.env.CLAUDE_CONFIG_DIR || join(ctx.home, '.claude'), 'settings.json');
    },
    hooksPath: ['hooks'],
    events: CLAUDE_EVENTS,
    handler(ctx, event) {
      if (ctx.transport === 'http' && event !== 'SessionStart') {
        const handler = { type: 'http', url: `${ctx.url}/api/hooks/claude-code`, timeout: 2 };
        if (ctx.tokenSet) {
          handler.headers = { Authorization: 'Bearer $AGENTSTATS_TOKEN' };
          handler.allowedEnvVars = ['AGENTSTATS_TOKEN'];
        }
        return handler;
      }
      return { type: 'command', command: hookCommand(ctx, 'claude-code'), timeout: 5 };
    },
    /** --with-otel: the `env` block Claude Code applies to its own process (`forced`: see telemetry-guard.mjs). */
    otel(ctx) {
      return {
        kind: 'json',
        container: ['env'],
        values: {
          CLAUDE_CODE_ENABLE_TELEMETRY: '1',
          OTEL_LOGS_EXPORTER: 'otlp',
          OTEL_METRICS_EXPORTER: 'otlp',
          // protobuf: smaller than JSON and what the docs show; see docs/hooks.md "Telemetry settings".
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_EXPORTER_OTLP_ENDPOINT: ctx.url,
          // Events on a live dashboard within ~2 s instead of the 5 s default; metrics every 10 s.
          OTEL_LOGS_EXPORT_INTERVAL: '2000',
          OTEL_METRIC_EXPORT_INTERVAL: '10000',
          ...ctx.forcedValues,
        },
      };
    },
  },

  codex: {
    label: 'Codex CLI',
    json: { allowComments: false, strictReader: 'Codex (serde_json)' },
    supportsProject: false,
    supportsTransport: false,
    settingsFile(ctx) {
      return join(codexHome(ctx), 'hooks.json');
    },
    hooksPath: ['hooks'],
    events: CODEX_EVENTS,
    handler(ctx) {
      return { type: 'command', command: hookCommand(ctx, 'codex'), timeout: 5 };
    },
    /** --with-otel: an [otel] table in config.toml; Codex uses each endpoint verbatim. */
    otel(ctx) {
      return { kind: 'toml', file: join(codexHome(ctx), 'config.toml'), body: codexOtelToml(ctx.url), keys: codexOtelKeys(ctx.url) };
    },
  },

  'gemini-cli': {
    label: 'Gemini CLI',
    /** Gemini CLI strips comments before parsing (JSONC); the installer keeps them. */
    json: { allowComments: true, strictReader: 'Gemini CLI' },
    supportsProject: true,
    supportsTransport: false,
    otelGuard: true,
    settingsFile(ctx) {
      if (ctx.projectDir) return join(resolve(ctx.projectDir), '.gemini', 'settings.json');
      return join(ctx.home, '.gemini', 'settings.json');
    },
    hooksPath: ['hooks'],
    events: GEMINI_EVENTS,
    handler(ctx) {
      return {
        name: 'agentstats',
        type: 'command',
        command: hookCommand(ctx, 'gemini-cli'),
        timeout: 5000,
        description: 'AgentStats: forwards this event to the local dashboard (never blocks)',
      };
    },
    /** --with-otel: the settings `telemetry` block; Gemini appends /v1/logs etc. to the endpoint. */
    otel(ctx) {
      return {
        kind: 'json',
        container: ['telemetry'],
        values: { enabled: true, target: 'local', otlpEndpoint: ctx.url, otlpProtocol: 'http' },
      };
    },
  },
};

export function codexHome(ctx) {
  return ctx.env.CODEX_HOME || join(ctx.home, '.codex');
}

/**
 * The [otel] keys that send Codex's logs and metrics to AgentStats. "binary" (protobuf): Codex
 * pretty-prints JSON, about 2.5 times larger; see docs/hooks.md "Telemetry settings".
 */
export function codexOtelKeys(url) {
  return {
    exporter: `exporter = { otlp-http = { endpoint = "${url}/v1/logs", protocol = "binary" } }`,
    metrics_exporter: `metrics_exporter = { otlp-http = { endpoint = "${url}/v1/metrics", protocol = "binary" } }`,
  };
}

/** The exact [otel] table for Codex (also printed in hooks/codex/README.md). */
export function codexOtelToml(url) {
  const keys = codexOtelKeys(url);
  return [
    '[otel]',
    'environment = "local"',
    '# Prompt text is sent only when true; AgentStats stores its length unless AGENTSTATS_STORE_PROMPTS=1.',
    'log_user_prompt = false',
    keys.exporter,
    keys.metrics_exporter,
    '# Traces are large (about 700 spans, 1.2 MB per turn); enable them if you want spans per session:',
    `# trace_exporter = { otlp-http = { endpoint = "${url}/v1/traces", protocol = "binary" } }`,
    '',
  ].join('\n');
}
