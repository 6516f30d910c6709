/**
 * Budgets and their alerts, as stored (the BudgetStore port of storage.ts). A budget caps spend in
 * dollars or tokens over a day, week, month or 5-hour block, overall or for one project or agent;
 * crossing one of its thresholds raises an alert once per period. The alerts exporter evaluates
 * them; the SQLite exporter stores the budgets made in the dashboard and every alert raised.
 */
export type BudgetPeriod = 'day' | 'week' | 'month' | 'block';
export type BudgetUnit = 'usd' | 'tokens';

/** What a user sets. `project` and `agent` narrow the scope (neither: all usage). */
export interface BudgetSpec {
  name: string;
  period: BudgetPeriod;
  unit: BudgetUnit;
  limit: number;
  project: string | null;
  agent: string | null;
  /** Percentages of the limit that raise an alert; null: the alerts exporter's default. */
  thresholds: number[] | null;
}

export interface BudgetRecord extends BudgetSpec {
  id: string;
  created_at: string;
  updated_at: string;
}

/** One threshold crossed in one period of one budget: raised once, kept as history. */
export interface AlertRecord {
  id: number;
  budget_id: string;
  /** The budget as it was when the alert was raised (it may since have changed or gone). */
  budget_name: string;
  period: BudgetPeriod;
  unit: BudgetUnit;
  project: string | null;
  agent: string | null;
  period_start: string;
  period_end: string;
  threshold: number;
  spent: number;
  limit: number;
  raised_at: string;
}

export type NewAlert = Omit<AlertRecord, 'id'>;

export interface BudgetStore {
  /** Budgets made in the dashboard, oldest first. */
  listBudgets(): BudgetRecord[];
  getBudget(id: string): BudgetRecord | null;
  createBudget(id: string, spec: BudgetSpec, now: string): BudgetRecord;
  /** null when there is no such budget. */
  updateBudget(id: string, spec: BudgetSpec, now: string): BudgetRecord | null;
  deleteBudget(id: string): boolean;
  /**
   * Stores an alert unless one exists for the same budget, period start and threshold: returns the
   * stored alert, or null when it had been raised already (so a restart never raises it again).
   */
  recordAlert(alert: NewAlert): AlertRecord | null;
  /** The thresholds already raised for one budget in the period starting at `periodStart`. */
  raisedThresholds(budgetId: string, periodStart: string): number[];
  /** Alerts, newest first. */
  listAlerts(limit: number): AlertRecord[];
}
