/**
 * The "show your work" parts of /api/stats/cost: how many events each source had counted and how
 * many of its sightings were folded into an earlier source's (the dedupe audit), and which models
 * have tokens no price was found for.
 */
import type { FoldedCount, UsageRow } from '../../core/usage.js';

export interface SourceAudit {
  source: string;
  /** Events of this source that count in totals (in the requested time range). */
  counted: number;
  /** Sightings of this source folded into an earlier one with the same correlation key (all time). */
  folded: number;
  seen: number;
}

export function dedupeAudit(sourceRows: readonly UsageRow[], folded: readonly FoldedCount[]): SourceAudit[] {
  const bySource = new Map<string, SourceAudit>();
  for (const row of sourceRows) {
    bySource.set(row.key, { source: row.key, counted: row.events, folded: 0, seen: 0 });
  }
  for (const { source, count } of folded) {
    const audit = bySource.get(source) ?? { source, counted: 0, folded: 0, seen: 0 };
    audit.folded = count;
    bySource.set(source, audit);
  }
  const list = [...bySource.values()];
  for (const a of list) a.seen = a.counted + a.folded;
  return list.sort((a, b) => b.seen - a.seen || a.source.localeCompare(b.source));
}

/** Models with unpriced tokens (unknown to the price table): shown, never silently $0. */
export function unpricedModels(modelRows: readonly UsageRow[]): Array<{ model: string; unpriced_tokens: number }> {
  return modelRows
    // '' holds events that name no model: unpriced for want of a model, counted in unpriced_tokens.
    .filter((row) => row.key !== '' && row.unpriced_tokens > 0)
    .map((row) => ({ model: row.key, unpriced_tokens: row.unpriced_tokens }))
    .sort((a, b) => b.unpriced_tokens - a.unpriced_tokens);
}
