/** Budgets written in the config file (`exporters.alerts.budgets`): their schema and ids. */
import type { BudgetPeriod, BudgetUnit } from '../../collector/core/storage.js';
import type { EffectiveBudget } from './status.js';

export interface ConfigBudget {
  name: string;
  period: BudgetPeriod;
  unit: BudgetUnit;
  limit: number;
  project?: string | null;
  agent?: string | null;
  thresholds?: number[] | null;
}

export const BUDGET_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'period', 'unit', 'limit'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'Shown in the dashboard and alerts; unique.' },
    period: { type: 'string', enum: ['day', 'week', 'month', 'block'], description: 'day | week | month | block (the running 5-hour block).' },
    unit: { type: 'string', enum: ['usd', 'tokens'], description: 'usd (priced cost) or tokens (input + output + cache read + cache write).' },
    limit: { type: 'number', exclusiveMinimum: 0, description: 'The budget, in its unit.' },
    project: { type: ['string', 'null'], minLength: 1, description: 'Only this project’s usage.' },
    agent: { type: ['string', 'null'], minLength: 1, description: 'Only this agent’s usage (claude_code, codex, gemini_cli, …).' },
    thresholds: {
      type: ['array', 'null'],
      items: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
      description: 'Percentages that raise an alert; default: the exporter’s `thresholds`.',
    },
  },
} as const;

/** The config's budgets as the exporter holds them; the id follows the name, so alerts keep to it across restarts. */
export function configBudgets(list: ConfigBudget[], defaults: number[]): EffectiveBudget[] {
  return list.map((b) => ({
    id: `config:${b.name}`,
    name: b.name,
    period: b.period,
    unit: b.unit,
    limit: b.limit,
    project: b.project ?? null,
    agent: b.agent ?? null,
    thresholds: b.thresholds ? [...b.thresholds].sort((x, y) => x - y) : defaults,
    source: 'config',
    editable: false,
    created_at: null,
    updated_at: null,
  }));
}
