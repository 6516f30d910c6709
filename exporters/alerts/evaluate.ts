/**
 * Crossing detection: after commits (coalesced) and on a timer, every budget's state is read and
 * each threshold it has reached in its current period is recorded — once. The BudgetStore's unique
 * (budget, period start, threshold) makes that hold across restarts; a small cache of what was
 * already raised keeps the common case (nothing new) free of writes.
 */
import type { AlertRecord, BudgetStore, StatsReader } from '../../collector/core/storage.js';
import { budgetState, UsageSnapshot, type BudgetState, type EffectiveBudget, type PeriodSettings } from './status.js';

export interface Evaluation {
  states: BudgetState[];
  raised: AlertRecord[];
}

export class AlertEvaluator {
  /** `${budget id}|${period start}` → thresholds raised (bounded: cleared when it grows large). */
  private readonly known = new Map<string, Set<number>>();

  constructor(
    private readonly stats: () => StatsReader,
    private readonly store: () => BudgetStore,
    private readonly settings: PeriodSettings,
  ) {}

  /** The states of `budgets` now, without raising anything (GET /api/budgets/status). */
  states(budgets: EffectiveBudget[], nowMs: number): BudgetState[] {
    const snap = new UsageSnapshot(this.stats(), nowMs, this.settings);
    return budgets.map((b) => budgetState(b, snap));
  }

  /** Thresholds already raised in a state's period. */
  raisedIn(state: BudgetState): number[] {
    if (!state.period) return [];
    return [...this.raisedSet(state.budget.id, new Date(state.period.startMs).toISOString())].sort((a, b) => a - b);
  }

  /** Reads every budget and records each threshold newly reached; returns the alerts raised. */
  run(budgets: EffectiveBudget[], nowMs: number): Evaluation {
    const states = this.states(budgets, nowMs);
    const raised: AlertRecord[] = [];
    const raisedAt = new Date(nowMs).toISOString();
    for (const s of states) {
      if (!s.period) continue;
      const periodStart = new Date(s.period.startMs).toISOString();
      const done = this.raisedSet(s.budget.id, periodStart);
      for (const threshold of s.budget.thresholds) {
        if (s.percent < threshold || done.has(threshold)) continue;
        done.add(threshold);
        const b = s.budget;
        const alert = this.store().recordAlert({
          budget_id: b.id,
          budget_name: b.name,
          period: b.period,
          unit: b.unit,
          project: b.project,
          agent: b.agent,
          period_start: periodStart,
          period_end: new Date(s.period.endMs).toISOString(),
          threshold,
          spent: s.spent,
          limit: b.limit,
          raised_at: raisedAt,
        });
        if (alert) raised.push(alert);
      }
    }
    return { states, raised };
  }

  private raisedSet(budgetId: string, periodStart: string): Set<number> {
    const key = `${budgetId}|${periodStart}`;
    let set = this.known.get(key);
    if (!set) {
      if (this.known.size > 10_000) this.known.clear();
      set = new Set(this.store().raisedThresholds(budgetId, periodStart));
      this.known.set(key, set);
    }
    return set;
  }
}
