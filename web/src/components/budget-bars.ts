/**
 * Each budget as a progress bar: spent of the limit in its current period, the thresholds as ticks,
 * and the projection for the period once there is enough data ("from N h of data"). Unpriced usage
 * is never shown as $0.00: a dollar budget says how many tokens are unpriced.
 */
import { LitElement, css, html } from 'lit';
import { budgets } from '../budgets.js';
import { shared } from '../styles.js';
import { agentLabel, tokens, usd, when } from '../format.js';
import type { BudgetStatus } from '../types.js';

export function amount(unit: 'usd' | 'tokens', v: number): string {
  return unit === 'usd' ? usd(v) : `${tokens(v)} tokens`;
}

export function scopeLabel(b: { project: string | null; agent: string | null }): string {
  return b.project ? `project ${b.project}` : b.agent ? `agent ${agentLabel(b.agent)}` : 'all usage';
}

export const PERIOD_LABEL: Record<string, string> = { day: 'today', week: 'this week', month: 'this month', block: '5-hour block' };

function level(p: number): string {
  return p >= 100 ? 'over' : p >= 80 ? 'high' : '';
}

export class BudgetBars extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        min-width: 0;
      }
      .item {
        padding: 6px 0;
        border-bottom: 1px solid var(--border);
      }
      .item:last-child {
        border-bottom: 0;
      }
      .line {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 12px;
        align-items: baseline;
      }
      .name {
        font-weight: 600;
      }
      .track {
        position: relative;
        height: 10px;
        margin: 5px 0 3px;
        border-radius: 5px;
        background: var(--border);
        overflow: hidden;
      }
      .fill {
        position: absolute;
        inset: 0 auto 0 0;
        background: var(--ok);
        border-radius: 5px;
      }
      .fill.high {
        background: var(--warn);
      }
      .fill.over {
        background: var(--err);
      }
      .proj {
        position: absolute;
        top: 0;
        bottom: 0;
        background: repeating-linear-gradient(90deg, transparent 0 3px, color-mix(in srgb, var(--muted) 45%, transparent) 3px 6px);
      }
      .tick {
        position: absolute;
        top: 0;
        bottom: 0;
        width: 1px;
        background: var(--surface);
      }
      .warn {
        color: var(--warn);
      }
      .pct {
        font-variant-numeric: tabular-nums;
        font-weight: 600;
      }
      .pct.high {
        color: var(--warn);
      }
      .pct.over {
        color: var(--err);
      }
    `,
  ];

  private release: (() => void) | null = null;
  private off: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.release = budgets.use();
    this.off = budgets.subscribe(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.release?.();
    this.off?.();
  }

  private spentText(s: BudgetStatus) {
    const unit = s.budget.unit;
    if (unit === 'usd' && s.spent === 0 && s.unpriced_tokens > 0) {
      return html`<span class="warn" title="Usage of models with no known price">unpriced (${tokens(s.unpriced_tokens)} tokens)</span> of ${usd(s.limit)}`;
    }
    return html`${amount(unit, s.spent)} of ${amount(unit, s.limit)}
      ${unit === 'usd' && s.unpriced_tokens > 0
        ? html`<span class="warn" title="Usage of models with no known price: not in the dollars spent">+ ${tokens(s.unpriced_tokens)} tokens unpriced</span>`
        : null}`;
  }

  private projectionText(s: BudgetStatus) {
    if (s.period_start === null) return html`<span class="hint">no 5-hour block running</span>`;
    const p = s.projection;
    if (!p) return html`<span class="hint">projection after ${s.projection_min_hours} h of the period</span>`;
    // Unpriced usage is never a dollar figure: with some of it, the dollars are a lower bound.
    const unpriced = s.budget.unit === 'usd' && s.unpriced_tokens > 0;
    if (unpriced && s.spent === 0) return html`<span class="warn">projection unknown: usage unpriced</span>`;
    return html`<span class="muted" title="At the rate so far in this period${unpriced ? '; priced usage only' : ''}">projected ${unpriced ? '≥ ' : ''}${amount(s.budget.unit, p.value)} (${Math.round(p.percent)}%) by ${when(s.period_end)}
      · rate from the ${p.basis_hours < 10 ? p.basis_hours.toFixed(1) : Math.round(p.basis_hours)} h so far</span>`;
  }

  private item(s: BudgetStatus) {
    const pct = s.percent;
    const proj = s.projection ? Math.min(100, s.projection.percent) : null;
    return html`<div class="item" data-budget=${s.budget.id}>
      <div class="line">
        <span class="name">${s.budget.name}</span>
        <span class="hint">${PERIOD_LABEL[s.budget.period]} · ${scopeLabel(s.budget)}</span>
        <span class="spacer"></span>
        <span class="pct ${level(pct)}">${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%</span>
      </div>
      <div class="track" role="progressbar" aria-label="${s.budget.name}" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.min(100, Math.round(pct))}>
        ${proj !== null && proj > pct ? html`<span class="proj" style="left:${Math.min(100, pct)}%;width:${proj - Math.min(100, pct)}%"></span>` : null}
        <span class="fill ${level(pct)}" style="width:${Math.min(100, pct)}%"></span>
        ${s.budget.thresholds.filter((t) => t < 100).map((t) => html`<span class="tick" style="left:${t}%"></span>`)}
      </div>
      <div class="line"><span>${this.spentText(s)}</span><span class="spacer"></span>${this.projectionText(s)}</div>
    </div>`;
  }

  protected override render() {
    const st = budgets.state.status;
    if (!st || st.statuses.length === 0) {
      return this.hasAttribute('compact')
        ? null
        : html`<section class="panel" aria-label="Budgets"><h2>Budgets</h2><div class="hint">No budgets yet: add one below, or in the config file (docs/budgets.md).</div></section>`;
    }
    return html`<section class="panel" aria-label="Budgets">
      <h2>Budgets <span class="hint">${st.timezone}${st.statuses.some((s) => s.budget.period === 'week') ? ` · weeks start ${st.week_start}` : ''}</span></h2>
      ${st.statuses.map((s) => this.item(s))}
    </section>`;
  }
}

customElements.define('as-budget-bars', BudgetBars);
