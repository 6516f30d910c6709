/** `agentstats daily|weekly|monthly|session|blocks`: options → source → report → table or JSON. */
import { parseReportArgs, REPORT_OPTIONS_HELP, UsageError, type ReportArgs } from './args.js';
import { resolveEndpoint } from './endpoint.js';
import { AutoSource, type ReportSource } from './source.js';
import { blocksReport, periodReport, sessionReport, type PeriodKind } from './reports.js';
import { blocksJson, periodJson, sessionJson, type Meta } from './json.js';
import { blocksTable, periodTable, sessionTable } from './render.js';
import { paintFor, type Paint } from './format.js';
import { outputWidth } from './table.js';
import { systemTimeZone } from './dates.js';
import type { CliIo } from './io.js';

export const REPORT_SUMMARIES: Record<string, string> = {
  daily: 'cost and tokens per day',
  weekly: 'cost and tokens per week',
  monthly: 'cost and tokens per month',
  session: 'cost and tokens per session',
  blocks: '5-hour billing blocks with burn rate and projection',
};

/** Reports ask a busy server for a few rollup reads; past this, the database is read instead. */
const API_TIMEOUT_MS = 10_000;

function help(command: string): string {
  return `usage: agentstats ${command} [options]\n\n${REPORT_SUMMARIES[command]}, from the AgentStats server (or its database file).\n\n${REPORT_OPTIONS_HELP.replace('%ZONE%', systemTimeZone())}\n`;
}

function footer(source: ReportSource, a: ReportArgs, paint: Paint, extra: string[]): string[] {
  const range = `${a.range.since ?? 'the beginning'} – ${a.range.until ?? 'now'}`;
  const from =
    source.kind === 'api'
      ? `from the server at ${source.where}`
      : `from the database file ${source.where}${a.source === 'db' ? '' : ' (the server is not answering)'}`;
  return [...extra, paint.dim(`${range}, days in ${a.range.timezone}; ${from}`)];
}

function unpricedNote(models: Array<{ model: string; unpriced_tokens: number }>, totalUnpriced: number): string[] {
  if (totalUnpriced <= 0) return [];
  const names = models.map((m) => m.model || '(no model)').join(', ');
  return [`unpriced: ${totalUnpriced.toLocaleString('en-US')} tokens have no known price${names ? ` (${names})` : ''}; they are not in the cost`];
}

export async function runReport(command: string, argv: string[], io: CliIo): Promise<number> {
  let a: ReportArgs;
  try {
    a = parseReportArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`agentstats ${command}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (a.help) {
    io.stdout(help(command));
    return 0;
  }
  if (command === 'blocks' && a.project) {
    io.stderr('agentstats blocks: --project does not apply (a block is a subscription\'s 5-hour window, across projects); --agent does\n');
    return 2;
  }
  const endpoint = resolveEndpoint({ env: io.env, cwd: io.cwd, configPath: a.configPath, url: a.url, dbPath: a.dbPath });
  const source = new AutoSource(endpoint, a.source, API_TIMEOUT_MS);
  try {
    const paint = a.json ? paintFor({}, { NO_COLOR: '1' }) : paintFor(io.stdoutStream, io.env);
    const width = outputWidth(io.stdoutStream, io.env);
    const filters = { project: a.project, agent: a.agent };
    const meta = (): Meta => ({ source: source.kind, where: source.where });
    let out: string[];
    if (command === 'session') {
      const r = await sessionReport(source, { range: a.range, filters, order: a.order });
      out = a.json
        ? [JSON.stringify(sessionJson(r, meta()), null, 2)]
        : [...sessionTable(r, width, paint, a.range.timezone), ...footer(source, a, paint, unpricedNote([], r.totals.unpriced_tokens))];
    } else if (command === 'blocks') {
      const r = await blocksReport(source, { range: a.range, filters, order: a.order, limit: a.limit, now: new Date() });
      out = a.json
        ? [JSON.stringify(blocksJson(r, meta()), null, 2)]
        : [...blocksTable(r, width, paint, a.range.timezone), ...footer(source, a, paint, unpricedNote([], r.totals.unpriced_tokens))];
    } else {
      const kind = command as PeriodKind;
      const r = await periodReport(source, { kind, range: a.range, filters, startOfWeek: a.startOfWeek, withModels: a.breakdown || a.json, order: a.order });
      out = a.json
        ? [JSON.stringify(periodJson(r, meta()), null, 2)]
        : [...periodTable(r, width, paint, a.breakdown), ...footer(source, a, paint, unpricedNote(r.unpricedModels, r.totals.unpriced_tokens))];
    }
    io.stdout(out.join('\n') + '\n');
    return 0;
  } finally {
    source.close();
  }
}
