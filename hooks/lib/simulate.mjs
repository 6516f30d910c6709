/**
 * Fires AgentStats' installed hooks the way the agent would: reads the agent's settings file, takes
 * the AgentStats handlers registered for an event, and runs each one — a command handler through
 * `sh -c` with the hook input on stdin, an http handler as a JSON POST. Used by the tests and the
 * benchmark, and handy by hand:
 *
 *   node hooks/lib/simulate.mjs ~/.claude/settings.json PostToolUse < body.json
 *
 * Only AgentStats' own handlers are run; the user's hooks are never executed.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAgentStatsHandler } from './hook-entries.mjs';

/** AgentStats' handlers for `event` in a settings/hooks file ([] when none are registered). */
export function handlersFor(settingsFile, event) {
  const doc = JSON.parse(readFileSync(settingsFile, 'utf8'));
  const groups = Array.isArray(doc.hooks?.[event]) ? doc.hooks[event] : [];
  return groups.flatMap((g) => (Array.isArray(g?.hooks) ? g.hooks : [])).filter(isAgentStatsHandler);
}

/** Runs one command handler; resolves { kind, code, stdout, stderr, ms }. */
export function runCommand(command, input, env) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ kind: 'command', code, stdout, stderr, ms: performance.now() - started }));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Sends one http handler's POST as Claude Code does; resolves { kind, status, body, ms }. */
export async function runHttp(handler, input, env) {
  const started = performance.now();
  const headers = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(handler.headers ?? {})) {
    const allowed = new Set(handler.allowedEnvVars ?? []);
    headers[name] = String(value).replace(/\$\{?([A-Z0-9_]+)\}?/g, (_, v) => (allowed.has(v) ? (env[v] ?? '') : ''));
  }
  try {
    const res = await fetch(handler.url, {
      method: 'POST',
      headers,
      body: input,
      signal: AbortSignal.timeout((handler.timeout ?? 600) * 1000),
    });
    return { kind: 'http', status: res.status, body: await res.text(), ms: performance.now() - started };
  } catch (error) {
    return { kind: 'http', status: 0, body: String(error), ms: performance.now() - started };
  }
}

/**
 * Fires the event's AgentStats handlers with `input` (the raw hook JSON). `fallbackEvent` names an
 * event whose handlers to use when none is registered for this one (chatty events the installer
 * leaves out, sent anyway to test the receiver).
 */
export async function fire(settingsFile, event, input, env = process.env, fallbackEvent = null) {
  let handlers = handlersFor(settingsFile, event);
  if (handlers.length === 0 && fallbackEvent) handlers = handlersFor(settingsFile, fallbackEvent);
  const results = [];
  for (const handler of handlers) {
    results.push(handler.type === 'http' ? await runHttp(handler, input, env) : await runCommand(handler.command, input, env));
  }
  return results;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const [settingsFile, event] = process.argv.slice(2);
  const input = readFileSync(0, 'utf8');
  for (const result of await fire(settingsFile, event, input)) process.stdout.write(JSON.stringify(result) + '\n');
}
