/**
 * Budgets and alerts (the alerts exporter's routes): GET/POST /api/budgets, PUT/DELETE
 * /api/budgets/:id, GET /api/budgets/status, GET /api/alerts, and the stream's `alert` message.
 */
import { Type, type Static } from 'typebox';
import { Nullable, NullableObject, StringEnum } from './common.js';

export const BUDGET_PERIODS = ['day', 'week', 'month', 'block'] as const;
export const BUDGET_UNITS = ['usd', 'tokens'] as const;

const Name = Type.String({ minLength: 1, maxLength: 100 });
const Scope = Type.String({ minLength: 1, maxLength: 256 });
/** Percentages of the limit; above 100 allowed (an alert at 150 % of a soft budget). */
const Thresholds = Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 1000 }), { minItems: 1, maxItems: 10, uniqueItems: true });

/** What POST /api/budgets and PUT /api/budgets/:id take. `project` and `agent`: at most one. */
export const BudgetInput = Type.Object(
  {
    name: Name,
    period: StringEnum(BUDGET_PERIODS),
    unit: StringEnum(BUDGET_UNITS),
    limit: Type.Number({ exclusiveMinimum: 0, maximum: 1e15 }),
    project: Type.Optional(Nullable(Scope)),
    agent: Type.Optional(Nullable(Scope)),
    thresholds: Type.Optional(Type.Unsafe<number[] | null>({ ...Thresholds, type: ['array', 'null'] })),
  },
  { additionalProperties: false },
);
export type BudgetInput = Static<typeof BudgetInput>;

export const BudgetIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export type BudgetIdParams = Static<typeof BudgetIdParams>;

export const Budget = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    period: StringEnum(BUDGET_PERIODS),
    unit: StringEnum(BUDGET_UNITS),
    limit: Type.Number(),
    project: Nullable(Type.String()),
    agent: Nullable(Type.String()),
    /** The thresholds in effect (the budget's own, or the exporter's default), ascending. */
    thresholds: Type.Array(Type.Number()),
    /** `config`: from the config file, read-only here; `dashboard`: made in the UI or the API. */
    source: StringEnum(['config', 'dashboard']),
    editable: Type.Boolean(),
    created_at: Nullable(Type.String()),
    updated_at: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type Budget = Static<typeof Budget>;

export const BudgetList = Type.Object({ budgets: Type.Array(Budget) }, { additionalProperties: false });
export type BudgetList = Static<typeof BudgetList>;

const Projection = Type.Object(
  {
    /** Spent by the period's end at the rate so far, in the budget's unit. */
    value: Type.Number(),
    percent: Type.Number(),
    /** Hours of the period the rate is taken from. */
    basis_hours: Type.Number(),
  },
  { additionalProperties: false },
);

export const BudgetStatus = Type.Object(
  {
    budget: Budget,
    /** The current period; null for a block budget while no 5-hour block is running. */
    period_start: Nullable(Type.String()),
    period_end: Nullable(Type.String()),
    /** In the budget's unit: dollars of priced usage, or tokens (input + output + cache read + cache write). */
    spent: Type.Number(),
    limit: Type.Number(),
    percent: Type.Number(),
    cost_usd: Type.Number(),
    tokens: Type.Integer(),
    /** Tokens of models with no known price in the period: their cost is not in `spent` of a dollar budget. */
    unpriced_tokens: Type.Integer(),
    /** Null until the period has run `projection_min_hours` (no extrapolation from its first minutes). */
    projection: NullableObject(Projection),
    projection_min_hours: Type.Number(),
    /** Thresholds already raised in this period. */
    raised: Type.Array(Type.Number()),
  },
  { additionalProperties: false },
);
export type BudgetStatus = Static<typeof BudgetStatus>;

export const BudgetStatusResponse = Type.Object(
  {
    now: Type.String(),
    timezone: Type.String(),
    week_start: Type.String(),
    statuses: Type.Array(BudgetStatus),
  },
  { additionalProperties: false },
);
export type BudgetStatusResponse = Static<typeof BudgetStatusResponse>;

export const Alert = Type.Object(
  {
    id: Type.Integer(),
    budget_id: Type.String(),
    budget_name: Type.String(),
    period: StringEnum(BUDGET_PERIODS),
    unit: StringEnum(BUDGET_UNITS),
    project: Nullable(Type.String()),
    agent: Nullable(Type.String()),
    period_start: Type.String(),
    period_end: Type.String(),
    threshold: Type.Number(),
    spent: Type.Number(),
    limit: Type.Number(),
    raised_at: Type.String(),
  },
  { additionalProperties: false },
);
export type Alert = Static<typeof Alert>;

export const AlertsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  { additionalProperties: false },
);
export type AlertsQuery = Static<typeof AlertsQuery>;

export const AlertList = Type.Object({ alerts: Type.Array(Alert) }, { additionalProperties: false });
export type AlertList = Static<typeof AlertList>;
