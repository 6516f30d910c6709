/**
 * Budgets and alerts in the dashboard: the budgets' status (refreshed while a budget view is on
 * screen, after every change and on every alert), the alert history, the alerts waiting in the
 * banner, and browser notifications (asked for from a button, never on load). Components read
 * `budgets.state` and subscribe; only this module talks to the budget routes.
 */
import { getJson, HttpError, sendJson } from './api.js';
import type { Alert, AlertList, Budget, BudgetInput, BudgetList, BudgetStatusResponse } from './types.js';

const DISMISSED_KEY = 'agentstats.alerts.dismissed';
/** Alerts older than this are in the history only, not in the banner of a page opened later. */
const BANNER_MAX_AGE_MS = 24 * 3_600_000;
const REFRESH_MS = 10_000;

export interface BudgetsState {
  budgets: Budget[];
  status: BudgetStatusResponse | null;
  alerts: Alert[];
  /** Alerts shown in the banner until dismissed, newest first. */
  banner: Alert[];
  error: string | null;
  loaded: boolean;
}

function dismissedUpTo(): number {
  try {
    return Number(localStorage.getItem(DISMISSED_KEY) ?? 0) || 0;
  } catch {
    return 0;
  }
}

export function notificationsState(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export function alertText(a: Alert): string {
  const amount = (v: number) => (a.unit === 'usd' ? `$${v.toFixed(2)}` : `${Math.round(v).toLocaleString()} tokens`);
  const scope = a.project ? ` (project ${a.project})` : a.agent ? ` (agent ${a.agent})` : '';
  const period = a.period === 'block' ? '5-hour block' : a.period;
  return `Budget “${a.budget_name}”${scope} reached ${a.threshold}% of its ${period} limit: ${amount(a.spent)} of ${amount(a.limit)}`;
}

class Budgets {
  state: BudgetsState = { budgets: [], status: null, alerts: [], banner: [], error: null, loaded: false };
  private listeners = new Set<() => void>();
  private users = 0;
  private timer = 0;
  private started = false;

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<BudgetsState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }

  /** Once per page: the history, and the recent alerts not dismissed yet for the banner. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.loadAlerts(true);
  }

  /** A view showing budgets is on screen: keep the status fresh while it is. */
  use(): () => void {
    this.users++;
    if (this.users === 1) {
      void this.refresh();
      this.timer = window.setInterval(() => void this.refresh(), REFRESH_MS);
    }
    return () => {
      this.users--;
      if (this.users === 0) clearInterval(this.timer);
    };
  }

  async refresh(): Promise<void> {
    try {
      const [list, status] = await Promise.all([getJson<BudgetList>('/api/budgets'), getJson<BudgetStatusResponse>('/api/budgets/status')]);
      this.set({ budgets: list.budgets, status, error: null, loaded: true });
    } catch (error) {
      this.set({ error: error instanceof Error ? error.message : String(error), loaded: true });
    }
  }

  async loadAlerts(fillBanner = false): Promise<void> {
    try {
      const { alerts } = await getJson<AlertList>('/api/alerts', { limit: 100 });
      const patch: Partial<BudgetsState> = { alerts };
      if (fillBanner) {
        const seen = dismissedUpTo();
        const recent = alerts.filter((a) => a.id > seen && Date.now() - Date.parse(a.raised_at) < BANNER_MAX_AGE_MS);
        const known = new Set(this.state.banner.map((a) => a.id));
        patch.banner = [...this.state.banner, ...recent.filter((a) => !known.has(a.id))].sort((x, y) => y.id - x.id);
      }
      this.set(patch);
    } catch {
      /* the history shows what it had; the connection pill tells the story */
    }
  }

  /** From the stream: banner, notification, history, fresh status. */
  onAlert(a: Alert): void {
    if (this.state.banner.some((b) => b.id === a.id)) return;
    this.set({ banner: [a, ...this.state.banner], alerts: [a, ...this.state.alerts.filter((x) => x.id !== a.id)] });
    if (notificationsState() === 'granted') {
      try {
        // The tag folds the same alert from several open dashboards into one notification.
        new Notification('AgentStats budget alert', { body: alertText(a), tag: `agentstats-alert-${a.id}` });
      } catch {
        /* some browsers allow notifications only from a service worker */
      }
    }
    void this.refresh();
  }

  /** Dismisses every alert in the banner, in this browser (other dashboards keep theirs). */
  dismiss(): void {
    const max = Math.max(dismissedUpTo(), ...this.state.banner.map((a) => a.id));
    try {
      localStorage.setItem(DISMISSED_KEY, String(max));
    } catch {
      /* private mode: dismissed for this page only */
    }
    this.set({ banner: [] });
  }

  async askNotifications(): Promise<void> {
    if (notificationsState() === 'unsupported') return;
    await Notification.requestPermission();
    this.set({});
  }

  /** Creates (no id) or changes a budget; throws HttpError with the server's message on a 4xx. */
  async save(input: BudgetInput, id?: string): Promise<void> {
    if (id) await sendJson('PUT', `/api/budgets/${encodeURIComponent(id)}`, input);
    else await sendJson('POST', '/api/budgets', input);
    await this.refresh();
  }

  async remove(id: string): Promise<void> {
    await sendJson('DELETE', `/api/budgets/${encodeURIComponent(id)}`);
    await this.refresh();
  }
}

export const budgets = new Budgets();
export { HttpError };
