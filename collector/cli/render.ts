/** The reports as terminal tables: columns, breakdown rows, the totals row and a footer. */
import type { BillingBlock, Counters, SessionRow } from '../api/schemas/index.js';
import { formatCompact, formatCost, formatInt, formatMinutes, formatUsd, type Paint } from './format.js';
import { localDay, localTime } from './dates.js';
import { sessionCounters, type BlocksReport, type PeriodReport, type SessionReport } from './reports.js';
import { renderTable, type Column, type TableRow } from './table.js';

interface Line {
  label: string;
  models: string;
  c: Counters;
}

function tokenColumns<R>(get: (r: R) => Counters | null): Column<R>[] {
  const n = (v: (c: Counters) => number) => (r: R, compact: boolean) => {
    const c = get(r);
    return c === null ? '' : compact ? formatCompact(v(c)) : formatInt(v(c));
  };
  return [
    { header: 'Input', align: 'right', priority: 5, cell: n((c) => c.tokens_in) },
    { header: 'Output', align: 'right', priority: 6, cell: n((c) => c.tokens_out) },
    { header: 'Cache write', align: 'right', priority: 3, cell: n((c) => c.cache_write_tokens) },
    { header: 'Cache read', align: 'right', priority: 2, cell: n((c) => c.cache_read_tokens) },
    { header: 'Total tokens', align: 'right', priority: 4, cell: n((c) => c.total_tokens) },
  ];
}

function costColumn<R>(get: (r: R) => Counters | null): Column<R> {
  return {
    header: 'Cost (USD)',
    align: 'right',
    priority: Infinity,
    cell: (r) => {
      const c = get(r);
      return c === null ? '' : formatCost(c.cost_usd, c.unpriced_tokens);
    },
  };
}

const PERIOD_HEADER = { daily: 'Date', weekly: 'Week', monthly: 'Month' } as const;

export function periodTable(r: PeriodReport, width: number, paint: Paint, breakdown: boolean): string[] {
  const rows: TableRow<Line>[] = [];
  for (const row of r.rows) {
    const names = row.models.map((m) => m.model || '(no model)');
    rows.push({ kind: 'row', data: { label: row.key, models: names.join(', '), c: row.counters } });
    if (breakdown) for (const m of row.models) rows.push({ kind: 'detail', data: { label: `  └ ${m.model || '(no model)'}`, models: '', c: m.counters } });
  }
  rows.push({ kind: 'total', data: { label: 'Total', models: '', c: r.totals } });
  const columns: Column<Line>[] = [
    { header: PERIOD_HEADER[r.kind], align: 'left', priority: Infinity, cell: (l) => l.label },
    ...(r.withModels ? [{ header: 'Models', align: 'left', priority: 1, minWidth: 12, cell: (l: Line) => l.models } as Column<Line>] : []),
    ...tokenColumns<Line>((l) => l.c),
    costColumn<Line>((l) => l.c),
  ];
  return renderTable(columns, rows, { width, paint });
}

interface SessionLine {
  s: SessionRow | null;
  c: Counters;
}

export function sessionTable(r: SessionReport, width: number, paint: Paint, tz: string): string[] {
  const rows: TableRow<SessionLine>[] = r.sessions.map((s) => ({ kind: 'row', data: { s, c: sessionCounters(s) } }));
  rows.push({ kind: 'total', data: { s: null, c: r.totals } });
  const text = (f: (s: SessionRow) => string) => (l: SessionLine) => (l.s ? f(l.s) : '');
  const columns: Column<SessionLine>[] = [
    { header: 'Session', align: 'left', priority: Infinity, minWidth: 9, cell: (l) => (l.s ? l.s.session_id : 'Total') },
    { header: 'Agent', align: 'left', priority: 2, cell: text((s) => s.agent_type) },
    { header: 'Project', align: 'left', priority: 3, minWidth: 10, cell: text((s) => s.project ?? '') },
    { header: 'Models', align: 'left', priority: 1, minWidth: 10, cell: text((s) => s.models.join(', ')) },
    ...tokenColumns<SessionLine>((l) => l.c).map((c) => ({ ...c, priority: c.priority === 2 || c.priority === 3 ? 0 : c.priority + 2 })),
    costColumn<SessionLine>((l) => l.c),
    { header: 'Last activity', align: 'left', priority: 7, cell: text((s) => `${localDay(Date.parse(s.last_seen), tz)} ${localTime(Date.parse(s.last_seen), tz)}`) },
  ];
  return renderTable(columns, rows, { width, paint });
}

interface BlockLine {
  b: BillingBlock | null;
  c: Counters | null;
  tokens: number;
}

export function blocksTable(r: BlocksReport, width: number, paint: Paint, tz: string): string[] {
  const rows: TableRow<BlockLine>[] = r.blocks.map((b) => ({ kind: 'row', data: { b, c: null, tokens: b.total_tokens } }));
  rows.push({ kind: 'total', data: { b: null, c: r.totals, tokens: r.totals.total_tokens } });
  const block = (f: (b: BillingBlock) => string) => (l: BlockLine) => (l.b ? f(l.b) : '');
  const columns: Column<BlockLine>[] = [
    { header: 'Block start', align: 'left', priority: Infinity, cell: (l) => (l.b ? `${localDay(Date.parse(l.b.start), tz)} ${localTime(Date.parse(l.b.start), tz)}` : 'Total') },
    {
      header: 'Status',
      align: 'left',
      priority: 5,
      cell: block((b) => (b.is_active ? `ACTIVE, ${formatMinutes(b.projection?.remaining_minutes ?? 0)} left` : `${formatMinutes(b.elapsed_minutes)} used`)),
    },
    { header: 'Requests', align: 'right', priority: 1, cell: (l) => (l.b ? formatInt(l.b.api_requests) : '') },
    { header: 'Tokens', align: 'right', priority: 4, cell: (l, compact) => (compact ? formatCompact(l.tokens) : formatInt(l.tokens)) },
    { header: 'Cost (USD)', align: 'right', priority: Infinity, cell: (l) => (l.b ? formatCost(l.b.cost_usd, l.b.unpriced_tokens) : formatCost(l.c!.cost_usd, l.c!.unpriced_tokens)) },
    { header: 'Burn rate', align: 'right', priority: 3, cell: block((b) => `${formatUsd(b.burn_rate.cost_usd_per_hour)}/h`) },
    { header: 'Projected', align: 'right', priority: 2, cell: block((b) => (b.projection ? formatUsd(b.projection.cost_usd) : '')) },
  ];
  return renderTable(columns, rows, { width, paint });
}
