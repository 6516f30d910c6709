/** GET /api/filter-options: every value each filterable dimension has seen, sorted; '' left out. */
import type { StatsReader, UsageDimension } from '../../core/storage.js';

export interface FilterOptions {
  agent_types: string[];
  event_types: string[];
  tool_names: string[];
  models: string[];
  projects: string[];
  branches: string[];
  sources: string[];
  machines: string[];
}

const LIST_OF: Partial<Record<UsageDimension, keyof FilterOptions>> = {
  agent: 'agent_types',
  event_type: 'event_types',
  tool: 'tool_names',
  model: 'models',
  project: 'projects',
  branch: 'branches',
  source: 'sources',
  machine: 'machines',
};

export function filterOptionsView(reader: StatsReader): FilterOptions {
  const options: FilterOptions = {
    agent_types: [],
    event_types: [],
    tool_names: [],
    models: [],
    projects: [],
    branches: [],
    sources: [],
    machines: [],
  };
  for (const { dim, key } of reader.usageKeys()) {
    const list = LIST_OF[dim];
    if (list && key !== '') options[list].push(key);
  }
  for (const list of Object.values(options) as string[][]) list.sort();
  return options;
}
