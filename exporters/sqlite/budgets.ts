/**
 * The BudgetStore port: budgets made in the dashboard (their spec as JSON, so a new budget field
 * needs no migration) and the alerts raised. `budget_alerts_once` makes recordAlert() an
 * insert-or-nothing: an alert exists once per budget, period and threshold, across restarts.
 */
import type Database from 'better-sqlite3';
import type { AlertRecord, BudgetRecord, BudgetSpec, BudgetStore, NewAlert } from '../../collector/core/storage.js';

interface BudgetRow {
  id: string;
  spec: string;
  created_at: string;
  updated_at: string;
}

interface AlertRow {
  id: number;
  detail: string;
}

function budgetOf(row: BudgetRow): BudgetRecord {
  const spec = JSON.parse(row.spec) as BudgetSpec;
  return {
    id: row.id,
    name: spec.name,
    period: spec.period,
    unit: spec.unit,
    limit: spec.limit,
    project: spec.project ?? null,
    agent: spec.agent ?? null,
    thresholds: spec.thresholds ?? null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function specJson(spec: BudgetSpec): string {
  const { name, period, unit, limit, project, agent, thresholds } = spec;
  return JSON.stringify({ name, period, unit, limit, project, agent, thresholds });
}

export class SqliteBudgets implements BudgetStore {
  private readonly list: Database.Statement<[], BudgetRow>;
  private readonly get: Database.Statement<[string], BudgetRow>;
  private readonly insert: Database.Statement<[string, string, string, string]>;
  private readonly update: Database.Statement<[string, string, string]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly insertAlert: Database.Statement<[string, string, number, string, string]>;
  private readonly raised: Database.Statement<[string, string], { threshold: number }>;
  private readonly alerts: Database.Statement<[number], AlertRow>;

  constructor(db: Database.Database) {
    this.list = db.prepare('SELECT id, spec, created_at, updated_at FROM budgets ORDER BY created_at, id');
    this.get = db.prepare('SELECT id, spec, created_at, updated_at FROM budgets WHERE id = ?');
    this.insert = db.prepare('INSERT INTO budgets (id, spec, created_at, updated_at) VALUES (?, ?, ?, ?)');
    this.update = db.prepare('UPDATE budgets SET spec = ?, updated_at = ? WHERE id = ?');
    this.remove = db.prepare('DELETE FROM budgets WHERE id = ?');
    this.insertAlert = db.prepare(
      `INSERT INTO budget_alerts (budget_id, period_start, threshold, raised_at, detail) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (budget_id, period_start, threshold) DO NOTHING`,
    );
    this.raised = db.prepare('SELECT threshold FROM budget_alerts WHERE budget_id = ? AND period_start = ?');
    this.alerts = db.prepare('SELECT id, detail FROM budget_alerts ORDER BY id DESC LIMIT ?');
  }

  listBudgets(): BudgetRecord[] {
    return this.list.all().map(budgetOf);
  }

  getBudget(id: string): BudgetRecord | null {
    const row = this.get.get(id);
    return row ? budgetOf(row) : null;
  }

  createBudget(id: string, spec: BudgetSpec, now: string): BudgetRecord {
    this.insert.run(id, specJson(spec), now, now);
    return this.getBudget(id)!;
  }

  updateBudget(id: string, spec: BudgetSpec, now: string): BudgetRecord | null {
    if (this.update.run(specJson(spec), now, id).changes === 0) return null;
    return this.getBudget(id);
  }

  deleteBudget(id: string): boolean {
    return this.remove.run(id).changes > 0;
  }

  recordAlert(alert: NewAlert): AlertRecord | null {
    const result = this.insertAlert.run(alert.budget_id, alert.period_start, alert.threshold, alert.raised_at, JSON.stringify(alert));
    if (result.changes === 0) return null;
    return { id: Number(result.lastInsertRowid), ...alert };
  }

  raisedThresholds(budgetId: string, periodStart: string): number[] {
    return this.raised.all(budgetId, periodStart).map((r) => r.threshold);
  }

  listAlerts(limit: number): AlertRecord[] {
    return this.alerts.all(limit).map((row) => ({ ...(JSON.parse(row.detail) as NewAlert), id: row.id }));
  }
}
