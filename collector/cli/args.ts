/**
 * The report commands' options (ccusage's names and short flags where it has them) and the time
 * range they select: --since/--until days are whole local days in --timezone, --until inclusive.
 */
import { parseArgs } from 'node:util';
import { addDays, dayStartMs, isTimeZone, parseDateArg, systemTimeZone, WEEK_DAYS, type WeekDay } from './dates.js';
import type { Range } from './reports.js';
import type { SourceChoice } from './source.js';

export class UsageError extends Error {}

export interface ReportArgs {
  range: Range;
  project?: string;
  agent?: string;
  breakdown: boolean;
  json: boolean;
  order: 'asc' | 'desc';
  startOfWeek: WeekDay;
  limit: number;
  source: SourceChoice;
  configPath?: string;
  url?: string;
  dbPath?: string;
  help: boolean;
}

export const COMMON_OPTIONS = {
  config: { type: 'string' },
  url: { type: 'string' },
  db: { type: 'string' },
  source: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const REPORT_OPTIONS_HELP = `options:
  -s, --since DATE        from this day (YYYYMMDD or YYYY-MM-DD, in --timezone) or instant (ISO, with Z or an offset)
  -u, --until DATE        up to and including this day (or up to an ISO instant)
  -z, --timezone ZONE     IANA zone days are cut in (default: this machine's, now %ZONE%)
      --project NAME      only this project
      --agent NAME        only this agent (claude-code, codex, gemini-cli, …)
  -b, --breakdown         a row per model under each period
  -j, --json              JSON (ccusage's field names; docs/cli.md)
  -o, --order asc|desc    oldest first (default) or newest first
  -w, --start-of-week DAY weekly: the day weeks start on (default: sunday, as in ccusage)
      --limit N           blocks: most recent blocks shown (default 50)
      --source auto|api|db   auto (default): the server when it answers, else its database file
      --url URL           the server (default: $AGENTSTATS_URL, else the config's host and port)
      --db FILE           the database file (default: the config's exporters.sqlite.path)
      --config FILE       config file (default: as the server finds it)
  -h, --help              this text`;

function instantOf(value: string, flag: string, tz: string, inclusiveEnd: boolean): string {
  const parsed = parseDateArg(value);
  if (!parsed) throw new UsageError(`${flag} "${value}": expected YYYYMMDD, YYYY-MM-DD or an ISO date-time with Z or an offset`);
  if ('instant' in parsed) return new Date(parsed.instant).toISOString();
  return new Date(dayStartMs(inclusiveEnd ? addDays(parsed.day, 1) : parsed.day, tz)).toISOString();
}

export function parseReportArgs(argv: string[]): ReportArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...COMMON_OPTIONS,
        since: { type: 'string', short: 's' },
        until: { type: 'string', short: 'u' },
        timezone: { type: 'string', short: 'z' },
        project: { type: 'string' },
        agent: { type: 'string' },
        breakdown: { type: 'boolean', short: 'b' },
        json: { type: 'boolean', short: 'j' },
        order: { type: 'string', short: 'o' },
        'start-of-week': { type: 'string', short: 'w' },
        limit: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  const tz = (values.timezone as string | undefined) ?? systemTimeZone();
  if (!isTimeZone(tz)) throw new UsageError(`--timezone "${tz}": not an IANA time zone (e.g. Europe/Berlin, Asia/Kolkata, UTC)`);
  const order = (values.order as string | undefined) ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw new UsageError(`--order must be asc or desc, got "${order}"`);
  const startOfWeek = ((values['start-of-week'] as string | undefined) ?? 'sunday').toLowerCase();
  if (!(WEEK_DAYS as readonly string[]).includes(startOfWeek)) throw new UsageError(`--start-of-week must be one of ${WEEK_DAYS.join(', ')}`);
  const source = (values.source as string | undefined) ?? 'auto';
  if (!['auto', 'api', 'db'].includes(source)) throw new UsageError(`--source must be auto, api or db, got "${source}"`);
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000');
  const since = values.since === undefined ? null : instantOf(values.since as string, '--since', tz, false);
  const until = values.until === undefined ? null : instantOf(values.until as string, '--until', tz, true);
  if (since && until && since >= until) throw new UsageError('--since must be before --until');
  const str = (k: string) => (typeof values[k] === 'string' && values[k] !== '' ? (values[k]) : undefined);
  return {
    range: { since, until, timezone: tz },
    project: str('project'),
    agent: str('agent'),
    breakdown: values.breakdown === true,
    json: values.json === true,
    order,
    startOfWeek: startOfWeek as WeekDay,
    limit,
    source: source as SourceChoice,
    configPath: str('config'),
    url: str('url'),
    dbPath: str('db'),
    help: values.help === true,
  };
}
