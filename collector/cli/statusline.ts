/**
 * `agentstats statusline`: one line for Claude Code's status bar, from the JSON it passes on stdin:
 *   🤖 Opus 4.1 | 💰 $0.23 session / $1.23 today / $0.45 block (2h 45m left) | 🔥 $0.12/hr
 * It runs after every assistant message, so it is kept light: no report code; one round of HTTP
 * calls with a short timeout when the server answers (measured faster than opening the database in
 * a new process: docs/benchmarks.md), else the database read directly (a primary-key lookup and two
 * range reads on the rollups). It always prints a line and exits 0: an empty line
 * or an error would blank the status bar.
 * `--install` / `--uninstall` edit Claude Code's settings (hooks/lib/statusline.mjs).
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../core/paths.js';
import { resolveEndpoint } from './endpoint.js';
import { ApiSource, DatabaseSource, type ReportSource } from './source.js';
import { ServerDownError } from './http.js';
import { dayStartMs, isTimeZone, localDay, systemTimeZone } from './dates.js';
import { formatCost, formatMinutes, formatUsd } from './format.js';
import type { CliIo } from './io.js';

const HELP = `usage: agentstats statusline [options]

Prints Claude Code's status line from the JSON it passes on stdin: the model, this session's cost,
today's cost, and the current 5-hour block's cost, time left and burn rate.

options:
  -z, --timezone ZONE     the zone "today" is cut in (default: this machine's)
      --source auto|db|api   auto (default): the server when it answers, else the database file
      --url URL, --db FILE, --config FILE   as for the reports
      --install           add it to Claude Code's settings.json (refuses to replace your own statusLine)
      --uninstall         remove it again (restores what was there)
      --force             with --install: replace a statusLine you had (kept for --uninstall)
      --project [DIR]     with --install/--uninstall: that project's .claude/settings.json
      --dry-run           with --install/--uninstall: show the change, write nothing
  -h, --help              this text
`;

/** Claude Code refreshes at most every 300 ms; a server slower than this is skipped. */
const API_TIMEOUT_MS = 400;

interface StatusInput {
  session_id?: unknown;
  model?: { display_name?: unknown; id?: unknown };
}

function parseInput(text: string): StatusInput {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v) : {};
  } catch {
    return {};
  }
}

interface Figures {
  session: { cost_usd: number; unpriced_tokens: number } | null;
  today: { cost_usd: number; unpriced_tokens: number };
  block: { cost_usd: number; unpriced_tokens: number; remaining: number; perHour: number } | null;
}

async function figures(source: ReportSource, sessionId: string | null, tz: string, now: Date): Promise<Figures> {
  const midnight = new Date(dayStartMs(localDay(now.getTime(), tz), tz)).toISOString();
  const [session, today, blocks] = await Promise.all([
    sessionId ? source.session(sessionId) : Promise.resolve(null),
    source.totals(midnight),
    // Blocks ending after now: the running one, if any.
    source.blocks({ since: now.toISOString(), limit: 1 }, now),
  ]);
  const active = blocks.active;
  return {
    session: session ? { cost_usd: session.cost_usd, unpriced_tokens: session.unpriced_tokens } : null,
    today: { cost_usd: today.cost_usd, unpriced_tokens: today.unpriced_tokens },
    block: active
      ? {
          cost_usd: active.cost_usd,
          unpriced_tokens: active.unpriced_tokens,
          remaining: active.projection?.remaining_minutes ?? 0,
          perHour: active.burn_rate.cost_usd_per_hour,
        }
      : null,
  };
}

export function statusText(model: string, f: Figures): string {
  const money = (x: { cost_usd: number; unpriced_tokens: number }) => formatCost(x.cost_usd, x.unpriced_tokens);
  const session = f.session ? `${money(f.session)} session` : 'no cost yet this session';
  const block = f.block ? `${money(f.block)} block (${formatMinutes(f.block.remaining)} left) | 🔥 ${formatUsd(f.block.perHour)}/hr` : 'no active block';
  return `🤖 ${model} | 💰 ${session} / ${money(f.today)} today / ${block}`;
}

type SourceOptions = { configPath?: string; url?: string; dbPath?: string };

/**
 * The figures from the chosen source. auto: the server first (a refused connection on loopback
 * fails in about a millisecond), then the database file; loading the SQLite addon and opening a
 * multi-GB file in a fresh process costs more than a round trip to a running server.
 */
async function readFigures(choice: string, io: CliIo, o: SourceOptions, sessionId: string | null, tz: string): Promise<Figures> {
  const endpoint = resolveEndpoint({ env: io.env, cwd: io.cwd, ...o });
  if (choice !== 'db') {
    const api = new ApiSource(endpoint, API_TIMEOUT_MS);
    try {
      return await figures(api, sessionId, tz, new Date());
    } catch (error) {
      if (choice === 'api' || !(error instanceof ServerDownError) || !endpoint.dbPath) throw error;
    } finally {
      api.close();
    }
  }
  if (!endpoint.dbPath) throw new Error('the server does not answer and keeps no database file here');
  const db = await DatabaseSource.open(endpoint.dbPath);
  try {
    return await figures(db, sessionId, tz, new Date());
  } finally {
    db.close();
  }
}

async function runInstaller(argv: string[], io: CliIo): Promise<number> {
  // Plain JavaScript beside the hook installers (hooks/ imports nothing of the project).
  const file = path.join(projectRoot, 'hooks', 'lib', 'statusline.mjs');
  const mod = (await import(pathToFileURL(file).href)) as { runStatuslineInstaller(argv: string[], env: CliIo['env'], cwd: string): { code: number; out: string[]; err: string[] } };
  const r = mod.runStatuslineInstaller(argv, io.env, io.cwd);
  if (r.out.length) io.stdout(r.out.join('\n') + '\n');
  if (r.err.length) io.stderr(r.err.join('\n') + '\n');
  return r.code;
}

export async function runStatusline(argv: string[], io: CliIo): Promise<number> {
  if (argv.some((a) => a === '--install' || a === '--uninstall')) return runInstaller(argv, io);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        timezone: { type: 'string', short: 'z' },
        source: { type: 'string' },
        url: { type: 'string' },
        db: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr(`agentstats statusline: ${error instanceof Error ? error.message : String(error)} (see --help)\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const input = parseInput(await io.readStdin());
  const model = typeof input.model?.display_name === 'string' ? input.model.display_name : typeof input.model?.id === 'string' ? input.model.id : 'Claude';
  const sessionId = typeof input.session_id === 'string' && input.session_id !== '' ? input.session_id : null;
  const tzArg = values.timezone as string | undefined;
  const tz = tzArg && isTimeZone(tzArg) ? tzArg : systemTimeZone();
  try {
    const o = { configPath: values.config as string | undefined, url: values.url as string | undefined, dbPath: values.db as string | undefined };
    io.stdout(statusText(model, await readFigures((values.source as string | undefined) ?? 'auto', io, o, sessionId, tz)) + '\n');
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    io.stdout(`🤖 ${model} | AgentStats: no data (${why})\n`);
  }
  return 0;
}
