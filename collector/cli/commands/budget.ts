/**
 * `agentstats budget`: where each budget stands (GET /api/budgets/status of the running server):
 * spent of the limit in the current period, the projection for the period once there is enough
 * data, when the period ends. `--json` prints the server's answer as it is (the documented
 * contract, collector/api/schemas/budgets.ts). Self-contained: the CLI's command table calls
 * runBudget(argv, io).
 */
import http from 'node:http';
import type { BudgetStatus, BudgetStatusResponse } from '../../api/schemas/index.js';

/** What the command uses of the CLI's io (the CLI's CliIo satisfies it). */
export interface BudgetIo {
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutStream?: { isTTY?: boolean; columns?: number };
}

const HELP = `usage: agentstats budget [--json] [--url URL] [--token TOKEN]

Where each budget stands in its current period (budgets: docs/budgets.md).
  --json         the server's answer (GET /api/budgets/status) as JSON
  --url URL      the server (default: AGENTSTATS_URL, else http://127.0.0.1:AGENTSTATS_PORT or 3141)
  --token TOKEN  its token (default: AGENTSTATS_TOKEN)
`;

interface Options {
  json: boolean;
  url: string;
  token: string | null;
}

function parse(argv: string[], env: BudgetIo['env']): Options | string {
  const o: Options = {
    json: false,
    url: env.AGENTSTATS_URL || `http://127.0.0.1:${env.AGENTSTATS_PORT || 3141}`,
    token: env.AGENTSTATS_TOKEN || null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--json') o.json = true;
    else if (flag === '--url') o.url = value() ?? '';
    else if (flag === '--token') o.token = value() ?? null;
    else return `unknown option ${a}`;
  }
  if (!/^https?:\/\//.test(o.url)) return `--url must be an http(s) URL, got "${o.url}"`;
  return o;
}

function fetchStatus(o: Options): Promise<{ status: number; body: unknown }> {
  const url = new URL('/api/budgets/status', o.url);
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) }, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          reject(new Error(`${url.origin} answered ${res.statusCode} without JSON: is it AgentStats?`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
  });
}

const money = (v: number) => `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const count = (v: number) => Math.round(v).toLocaleString('en-US');

function amount(s: BudgetStatus, v: number): string {
  return s.budget.unit === 'usd' ? money(v) : `${count(v)} tok`;
}

function left(endIso: string | null, nowMs: number): string {
  if (!endIso) return '–';
  const m = Math.max(0, Math.round((Date.parse(endIso) - nowMs) / 60_000));
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

const PERIOD: Record<string, string> = { day: 'day', week: 'week', month: 'month', block: '5h block' };

/** The table: one row per budget, then notes (unpriced usage, config budgets). */
export function renderStatus(r: BudgetStatusResponse): string {
  if (r.statuses.length === 0) return 'No budgets. Add one in the dashboard (Cost view) or the config file: docs/budgets.md\n';
  const now = Date.parse(r.now);
  const head = ['Budget', 'Period', 'Scope', 'Spent', 'Limit', 'Used', 'Projected', 'Ends in'];
  const rows = r.statuses.map((s) => {
    const b = s.budget;
    const spent = b.unit === 'usd' && s.spent === 0 && s.unpriced_tokens > 0 ? 'unpriced' : amount(s, s.spent);
    // Unpriced usage is never a dollar figure: nothing priced says so; some priced is a lower bound.
    const unpriced = b.unit === 'usd' && s.unpriced_tokens > 0;
    const projected =
      s.period_start === null
        ? 'no block'
        : !s.projection
          ? `after ${s.projection_min_hours}h`
          : unpriced && s.spent === 0
            ? 'unpriced'
            : `${unpriced ? '≥ ' : ''}${amount(s, s.projection.value)} (${Math.round(s.projection.percent)}%)`;
    return [
      b.name,
      PERIOD[b.period],
      b.project ? `project ${b.project}` : b.agent ? `agent ${b.agent}` : 'all',
      spent,
      amount(s, s.limit),
      `${s.percent.toFixed(1)}%${s.percent >= 100 ? ' !' : ''}`,
      projected,
      s.period_start === null ? '–' : left(s.period_end, now),
    ];
  });
  const right = new Set([3, 4, 5, 6]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(head), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)];
  const notes = r.statuses
    .filter((s) => s.budget.unit === 'usd' && s.unpriced_tokens > 0)
    .map((s) => `  ${s.budget.name}: ${count(s.unpriced_tokens)} tokens of unpriced models are not in its dollars`);
  if (notes.length) out.push('', 'Unpriced usage:', ...notes);
  out.push('', `Periods in ${r.timezone}; weeks start ${r.week_start}. Projection: the period's rate so far, once it has run long enough.`);
  return `${out.join('\n')}\n`;
}

export async function runBudget(argv: string[], io: BudgetIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(HELP);
    return 0;
  }
  const o = parse(argv, io.env);
  if (typeof o === 'string') {
    io.stderr(`agentstats budget: ${o}\n\n${HELP}`);
    return 2;
  }
  let answer: { status: number; body: unknown };
  try {
    answer = await fetchStatus(o);
  } catch (error) {
    io.stderr(`agentstats budget: the server at ${o.url} is not answering (${error instanceof Error ? error.message : String(error)}); budgets are read from the running server: start it with npm start\n`);
    return 1;
  }
  if (answer.status !== 200) {
    const message = (answer.body as { message?: string } | null)?.message ?? '';
    const hint = answer.status === 401 ? ' (set AGENTSTATS_TOKEN or --token)' : answer.status === 404 ? ' (is the alerts exporter in the pipeline?)' : '';
    io.stderr(`agentstats budget: ${o.url} answered ${answer.status}: ${message}${hint}\n`);
    return 1;
  }
  const r = answer.body as BudgetStatusResponse;
  io.stdout(o.json ? `${JSON.stringify(r, null, 2)}\n` : renderStatus(r));
  return 0;
}

export const run = runBudget;
