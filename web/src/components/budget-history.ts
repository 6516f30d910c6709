/** The alert history: every budget alert raised, newest first (GET /api/alerts). */
import { LitElement, css, html } from 'lit';
import { budgets } from '../budgets.js';
import { shared } from '../styles.js';
import { when } from '../format.js';
import { amount, PERIOD_LABEL, scopeLabel } from './budget-bars.js';

export class AlertHistory extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        min-width: 0;
      }
      .scroll {
        overflow-x: auto;
      }
      .r {
        display: grid;
        grid-template-columns: 130px minmax(120px, 1.5fr) 60px minmax(120px, 1fr) minmax(110px, 1fr);
        gap: 8px;
        padding: 4px 2px;
        border-bottom: 1px solid var(--border);
        align-items: center;
        min-width: 560px;
      }
      .r.head {
        font-size: 11px;
        color: var(--muted);
        text-transform: uppercase;
      }
    `,
  ];

  private off: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = budgets.subscribe(() => this.requestUpdate());
    void budgets.loadAlerts();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.off?.();
  }

  protected override render() {
    const list = budgets.state.alerts;
    return html`<section class="panel" aria-label="Alert history">
      <h2>Alert history <span class="hint">each threshold once per period</span></h2>
      ${list.length === 0
        ? html`<div class="hint">No budget alerts yet.</div>`
        : html`<div class="scroll">
            <div class="r head"><span>Raised</span><span>Budget</span><span class="num">At</span><span class="num">Spent / limit</span><span>Period</span></div>
            ${list.map(
              (a) => html`<div class="r">
                <span>${when(a.raised_at)}</span>
                <span class="ellipsis" title=${scopeLabel(a)}>${a.budget_name} <span class="hint">${scopeLabel(a)}</span></span>
                <span class="num">${a.threshold}%</span>
                <span class="num">${amount(a.unit, a.spent)} / ${amount(a.unit, a.limit)}</span>
                <span class="hint">${PERIOD_LABEL[a.period]} from ${when(a.period_start)}</span>
              </div>`,
            )}
          </div>`}
    </section>`;
  }
}

customElements.define('as-alert-history', AlertHistory);
