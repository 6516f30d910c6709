/**
 * Usage narrowed by a filter (project, agent, model, branch, source, machine), read from the
 * combined rollup rows (combo.ts): the filter picks the combined keys that match among those ever
 * seen (the running totals hold each once), and only those keys' rows are summed — per dimension
 * value for breakdowns, per hour or quarter hour for timelines. Never a scan of events.
 */
import type Database from 'better-sqlite3';
import { USAGE_FILTER_FIELDS, type UsageFilter, type UsageQuery, type UsageRow } from '../../collector/core/usage.js';
import { COUNTER_COLUMNS, emptyCounters } from './rollups.js';
import { COMBO_DIM, comboMatches, comboValues, DIM_OF_FIELD } from './combo.js';
import { planRange, quartersOf } from './quarters.js';

const SUMS = COUNTER_COLUMNS.map((c) => `SUM(${c})`).join(', ');
const KEYS = 'SELECT value FROM json_each(?)';

/** Raw rows: [period or key, ...counters in COUNTER_COLUMNS order]. */
export type RawRow = Array<number | string>;

export class FilteredUsage {
  private readonly comboKeys: Database.Statement;
  private readonly totalsOf: Database.Statement;
  private readonly hoursByKey: Database.Statement;
  private readonly quartersByKey: Database.Statement;
  private readonly hoursByHour: Database.Statement;
  private readonly quartersByQuarter: Database.Statement;

  constructor(db: Database.Database) {
    this.comboKeys = db.prepare(`SELECT key FROM totals WHERE dim = '${COMBO_DIM}'`).pluck();
    this.totalsOf = db.prepare(`SELECT key, ${COUNTER_COLUMNS.join(', ')} FROM totals WHERE dim = '${COMBO_DIM}' AND key IN (${KEYS})`).raw(true);
    // By the covering index hourly_combo: the hours in range, only the matching keys' entries.
    this.hoursByKey = db
      .prepare(`SELECT key, ${SUMS} FROM hourly WHERE dim = '${COMBO_DIM}' AND hour >= ? AND hour < ? AND key IN (${KEYS}) GROUP BY key`)
      .raw(true);
    this.hoursByHour = db
      .prepare(
        `SELECT hour, ${SUMS} FROM hourly WHERE dim = '${COMBO_DIM}' AND hour >= ? AND hour < ? AND key IN (${KEYS})
         GROUP BY hour ORDER BY hour`,
      )
      .raw(true);
    // Listed quarters, each by primary key.
    this.quartersByKey = db
      .prepare(`SELECT key, ${SUMS} FROM quarter_hours WHERE quarter IN (${KEYS}) AND dim = '${COMBO_DIM}' AND key IN (${KEYS}) GROUP BY key`)
      .raw(true);
    this.quartersByQuarter = db
      .prepare(`SELECT quarter, ${SUMS} FROM quarter_hours WHERE quarter IN (${KEYS}) AND dim = '${COMBO_DIM}' AND key IN (${KEYS}) GROUP BY quarter`)
      .raw(true);
  }

  /** The combined keys the filter matches, as the JSON list the statements take. */
  matchingKeys(filter: UsageFilter): string {
    const keys = (this.comboKeys.all() as string[]).filter((key) => comboMatches(comboValues(key), filter));
    return JSON.stringify(keys);
  }

  /** Usage per requested dimension value, highest cost first; only dimensions a filter can break down. */
  usage(q: UsageQuery & { filter: UsageFilter }): UsageRow[] {
    const keys = this.matchingKeys(q.filter);
    let rows: RawRow[];
    if (!q.since && !q.until) {
      rows = this.totalsOf.all(keys) as RawRow[];
    } else {
      const plan = planRange(q);
      rows = this.hoursByKey.all(plan.fromHour, plan.toHour, keys) as RawRow[];
      const quarters = plan.edges.flatMap(quartersOf);
      if (quarters.length > 0) rows.push(...(this.quartersByKey.all(JSON.stringify(quarters), keys) as RawRow[]));
    }
    return foldByDimension(rows, q.dims);
  }

  /** Hourly rows [hour, ...counters] of the matching keys in [fromHour, toHour), oldest first. */
  hours(keys: string, fromHour: number, toHour: number): RawRow[] {
    return this.hoursByHour.all(fromHour, toHour, keys) as RawRow[];
  }

  /** Quarter-hour rows [quarter, ...counters] of the matching keys among the listed quarters. */
  quarters(keys: string, quarters: number[]): RawRow[] {
    return this.quartersByQuarter.all(JSON.stringify(quarters), keys) as RawRow[];
  }
}

/** Combined-key rows summed into rows of the requested dimensions ('all' and the filter fields' own). */
function foldByDimension(rows: RawRow[], dims: UsageQuery['dims']): UsageRow[] {
  const wanted = new Set<string>(dims);
  const fields = USAGE_FILTER_FIELDS.map((field, i) => ({ dim: DIM_OF_FIELD[field], i })).filter(({ dim }) => wanted.has(dim));
  const out = new Map<string, UsageRow>();
  const add = (dim: UsageRow['dim'], key: string, row: RawRow) => {
    const id = `${dim}\u0000${key}`;
    let r = out.get(id);
    if (!r) out.set(id, (r = { dim, key, ...emptyCounters() }));
    for (let c = 0; c < COUNTER_COLUMNS.length; c++) r[COUNTER_COLUMNS[c]] += Number(row[c + 1] ?? 0);
  };
  for (const row of rows) {
    if (wanted.has('all')) add('all', '', row);
    if (fields.length === 0) continue;
    const values = comboValues(row[0] as string);
    for (const { dim, i } of fields) add(dim, values[i], row);
  }
  return [...out.values()].sort((a, b) => b.cost_usd - a.cost_usd || b.events - a.events);
}
