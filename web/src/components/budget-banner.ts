/** The alert banner in the shell: budget alerts raised while the page is open (or in the last day, not yet dismissed). */
import { LitElement, css, html } from 'lit';
import { alertText, budgets, notificationsState } from '../budgets.js';
import { shared } from '../styles.js';
import { ago } from '../format.js';

export class BudgetBanner extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        min-width: 0;
      }
      .banner {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px 12px;
        padding: 8px 12px;
        margin-bottom: 12px;
        border: 1px solid var(--warn);
        border-left-width: 4px;
        border-radius: 6px;
        background: color-mix(in srgb, var(--warn) 12%, var(--surface));
      }
      .banner.over {
        border-color: var(--err);
        background: var(--err-soft);
      }
      .text {
        flex: 1 1 260px;
        min-width: 0;
      }
    `,
  ];

  private off: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = budgets.subscribe(() => this.requestUpdate());
    budgets.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.off?.();
  }

  protected override render() {
    const list = budgets.state.banner;
    if (list.length === 0) return null;
    const a = list[0];
    const perm = notificationsState();
    return html`<div class="banner ${a.threshold >= 100 ? 'over' : ''}" role="alert">
      <span class="text"><b>⚠ ${alertText(a)}</b> <span class="hint">${ago(a.raised_at)}</span>
        ${list.length > 1 ? html`<span class="muted"> · and ${list.length - 1} more (see Cost → Alert history)</span>` : null}</span>
      ${perm === 'default' ? html`<button @click=${() => void budgets.askNotifications()} title="Ask this browser to show budget alerts as notifications">Notify me</button>` : null}
      <button @click=${() => budgets.dismiss()} aria-label="Dismiss budget alerts">Dismiss</button>
    </div>`;
  }
}

customElements.define('as-budget-banner', BudgetBanner);
