/**
 * The combined rollup dimension: one row per (agent, project, branch, model, source, machine) an
 * event has, beside the single-dimension rows, in the same totals/hourly/quarter_hours tables. It is
 * what answers usage narrowed by a filter ("project X's cost by model, per day") without scanning
 * events: a filter picks the combined keys that match, and their rows are summed.
 *
 * The key is the JSON array of the six values ('' for none), so it is unambiguous and readable.
 */
import type { CanonicalEvent } from '../../collector/core/event.js';
import { USAGE_FILTER_FIELDS, type UsageDimension, type UsageFilter, type UsageFilterField } from '../../collector/core/usage.js';

export const COMBO_DIM = 'combo';

type ComboFields = Pick<CanonicalEvent, UsageFilterField>;

/** The single dimension each filter field is rolled up under. */
export const DIM_OF_FIELD: Record<UsageFilterField, UsageDimension> = {
  agent_type: 'agent',
  project: 'project',
  branch: 'branch',
  model: 'model',
  source: 'source',
  machine: 'machine',
};

export function comboKey(e: ComboFields): string {
  return JSON.stringify(USAGE_FILTER_FIELDS.map((f) => e[f] ?? ''));
}

export function comboValues(key: string): string[] {
  return JSON.parse(key) as string[];
}

/** Whether a combined key's values match every field the filter names. */
export function comboMatches(values: readonly string[], filter: UsageFilter): boolean {
  return USAGE_FILTER_FIELDS.every((f, i) => filter[f] === undefined || filter[f] === values[i]);
}
