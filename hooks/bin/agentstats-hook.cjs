#!/usr/bin/env node
/**
 * AgentStats hook command: forwards one agent hook event to the local AgentStats server.
 *
 *   node agentstats-hook.cjs <claude-code|codex|gemini-cli> [--url http://127.0.0.1:3141]
 *
 * Reads the hook input JSON from stdin and POSTs it, untouched, to <url>/api/hooks/<agent>.
 * Contract with the agent: prints nothing, always exits 0, and is done within one second, so a
 * slow or stopped server can never block, steer or slow the agent. When the server cannot be
 * reached (or answers with an error) the event is written to the spool directory, one file per
 * event (see spool() below); the server replays the spool when it starts and every 30 s, idempotently.
 * It is the fallback for machines without curl: agentstats-hook.sh (sh + curl) does the same job
 * without a Node start-up and is what the installers normally register.
 *
 * Settings (environment): AGENTSTATS_URL (default http://127.0.0.1:3141; --url wins),
 * AGENTSTATS_TOKEN (sent as a bearer token when set), AGENTSTATS_SPOOL_PATH (default
 * ~/.agentstats/hook-spool.jsonl, the server's default too; the directory is that path without
 * ".jsonl" plus ".d"), AGENTSTATS_SPOOL_MAX_MB (default 100: beyond it new events are dropped
 * rather than fill the disk).
 * Deliberately dependency-free, small and CommonJS: it runs once per hook event, so start-up is
 * its cost, and Node's ESM loader alone adds about 3 ms (~10 %) per call (docs/hooks.md).
 */
'use strict';
const { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { request: httpRequest } = require('node:http');
const { join } = require('node:path');

const AGENTS = ['claude-code', 'codex', 'gemini-cli'];
/** Total budget for the POST; the whole run (node start-up included) stays under a second. */
const POST_BUDGET_MS = 700;
/** Hard stop: whatever is still pending is spooled and the process exits. */
const HARD_STOP_MS = 900;

const started = Date.now();
let finished = false;
let stdinText = '';

function finish() {
  if (finished) return;
  finished = true;
  process.exit(0);
}

/**
 * Keeps the event for the server's replay: a file of its own in the spool directory, written under
 * a hidden name and renamed when complete (the format agentstats-hook.sh writes; see
 * receivers/hooks/spool.ts). Parallel hooks never share a file, whatever the body's size.
 */
function spool(agent, body) {
  try {
    const env = process.env;
    const home = env.HOME || env.USERPROFILE || '.';
    const spoolPath = env.AGENTSTATS_SPOOL_PATH || join(home, '.agentstats', 'hook-spool.jsonl');
    const dir = spoolPath.replace(/\.jsonl$/, '') + '.d';
    const maxBytes = (Number(env.AGENTSTATS_SPOOL_MAX_MB) || 100) * 1024 * 1024;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let used = 0;
    for (const name of readdirSync(dir)) {
      try {
        used += statSync(join(dir, name)).size;
      } catch {
        // replayed meanwhile
      }
    }
    if (used > maxBytes) return;
    for (let n = 0; n < 20; n++) {
      const name = `${agent}.${process.pid}.${n}.json`;
      if (existsSync(join(dir, name))) continue;
      try {
        // 'wx': created exclusively, so an orphan of an earlier process with this pid is kept.
        writeFileSync(join(dir, '.' + name), body, { flag: 'wx', mode: 0o600 });
      } catch {
        continue;
      }
      renameSync(join(dir, '.' + name), join(dir, name));
      return;
    }
  } catch {
    // Nowhere left to put it; the agent must still not notice.
  }
}

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function post(agent, body) {
  const base = argValue('--url') || process.env.AGENTSTATS_URL || 'http://127.0.0.1:3141';
  // Relative to the base, so a base with a path prefix (behind a proxy) keeps it.
  const url = new URL(`api/hooks/${agent}`, base.endsWith('/') ? base : base + '/');
  const send = url.protocol === 'https:' ? require('node:https').request : httpRequest;
  const payload = Buffer.from(body, 'utf8');
  const headers = { 'content-type': 'application/json', 'content-length': payload.length, connection: 'close' };
  if (process.env.AGENTSTATS_TOKEN) headers.authorization = `Bearer ${process.env.AGENTSTATS_TOKEN}`;
  const budget = Math.max(50, POST_BUDGET_MS - (Date.now() - started));
  return new Promise((resolve) => {
    const req = send(url, { method: 'POST', headers, agent: false, timeout: budget }, (res) => {
      res.resume();
      resolve(res.statusCode >= 200 && res.statusCode < 300);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end(payload);
  });
}

async function main() {
  const agent = process.argv[2];
  if (!AGENTS.includes(agent)) return finish();
  const hardStop = setTimeout(() => {
    if (stdinText.trim() !== '') spool(agent, stdinText);
    finish();
  }, HARD_STOP_MS);
  hardStop.unref();

  if (process.stdin.isTTY) return finish();
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) stdinText += chunk;
  const body = stdinText;
  if (body.trim() === '') return finish();

  let delivered;
  try {
    delivered = await post(agent, body);
  } catch {
    delivered = false;
  }
  if (finished) return;
  if (!delivered) spool(agent, body);
  finish();
}

process.on('uncaughtException', finish);
process.on('unhandledRejection', finish);
main().catch(finish);
