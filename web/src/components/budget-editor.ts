/**
 * The budgets editor: every budget with where it comes from (config-file budgets are read-only
 * here: they are changed in the file), and a form to add or change a dashboard budget. The server
 * checks every field; its 400 message is shown as it is.
 */
import { LitElement, css, html } from 'lit';
import { budgets, notificationsState } from '../budgets.js';
import { store } from '../store.js';
import { shared } from '../styles.js';
import type { Budget, BudgetInput } from '../types.js';
import { amount, PERIOD_LABEL, scopeLabel } from './budget-bars.js';

type Scope = 'all' | 'project' | 'agent';

export class BudgetEditor extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        min-width: 0;
      }
      .b {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 10px;
        padding: 5px 2px;
        border-bottom: 1px solid var(--border);
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 10px;
        align-items: end;
        margin-top: 10px;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 2px;
        font-size: 11px;
        color: var(--muted);
      }
      input {
        min-width: 0;
        width: 150px;
        max-width: 100%;
      }
      select {
        max-width: 100%;
      }
      input.short {
        width: 90px;
      }
      .msg {
        flex-basis: 100%;
      }
    `,
  ];

  private editing: Budget | null = null;
  private scope: Scope = 'all';
  private error = '';
  private off: (() => void) | null = null;
  private offStore: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = budgets.subscribe(() => this.requestUpdate());
    this.offStore = store.subscribe(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.off?.();
    this.offStore?.();
  }

  private edit(b: Budget | null): void {
    this.editing = b;
    this.scope = b?.project ? 'project' : b?.agent ? 'agent' : 'all';
    this.error = '';
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('input[name=name]')?.focus());
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value.trim() ?? '';
    const thresholds = v('thresholds')
      ? v('thresholds').split(/[\s,]+/).filter(Boolean).map(Number)
      : null;
    const input: BudgetInput = {
      name: v('name'),
      period: v('period') as BudgetInput['period'],
      unit: v('unit') as BudgetInput['unit'],
      limit: Number(v('limit')),
      project: this.scope === 'project' ? v('scope_value') || null : null,
      agent: this.scope === 'agent' ? v('scope_value') || null : null,
      thresholds,
    };
    try {
      await budgets.save(input, this.editing?.id);
      this.editing = null;
      this.error = '';
      form.reset();
      this.scope = 'all';
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
    this.requestUpdate();
  }

  private async deleteBudget(b: Budget): Promise<void> {
    if (!confirm(`Delete the budget “${b.name}”? Its alerts stay in the history.`)) return;
    try {
      await budgets.remove(b.id);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this.requestUpdate();
    }
  }

  private row(b: Budget) {
    return html`<div class="b">
      <b>${b.name}</b>
      <span>${amount(b.unit, b.limit)} ${PERIOD_LABEL[b.period]}</span>
      <span class="hint">${scopeLabel(b)} · alerts at ${b.thresholds.join(', ')}%</span>
      <span class="spacer"></span>
      ${b.editable
        ? html`<button @click=${() => this.edit(b)}>Edit</button><button @click=${() => void this.deleteBudget(b)}>Delete</button>`
        : html`<span class="hint" title="Defined in the config file (exporters.alerts.budgets): change it there">from config file · read-only</span>`}
    </div>`;
  }

  protected override render() {
    const b = this.editing;
    const opts = store.state.filterOptions;
    const values = this.scope === 'project' ? opts?.projects ?? [] : this.scope === 'agent' ? opts?.agent_types ?? [] : [];
    const perm = notificationsState();
    return html`<section class="panel" aria-label="Edit budgets">
      <h2>Budgets and alerts</h2>
      ${budgets.state.budgets.map((x) => this.row(x))}
      <form @submit=${(e: Event) => void this.submit(e)} aria-label=${b ? `Edit budget ${b.name}` : 'New budget'}>
        <label>Name<input name="name" required maxlength="100" .value=${b?.name ?? ''} /></label>
        <label>Period<select name="period" .value=${b?.period ?? 'day'}>
          <option value="day">day</option><option value="week">week</option><option value="month">month</option><option value="block">5-hour block</option>
        </select></label>
        <label>Limit<input class="short" name="limit" type="number" min="0" step="any" required .value=${b ? String(b.limit) : ''} /></label>
        <label>Unit<select name="unit" .value=${b?.unit ?? 'usd'}><option value="usd">dollars</option><option value="tokens">tokens</option></select></label>
        <label>Scope<select name="scope" .value=${this.scope} @change=${(e: Event) => { this.scope = (e.target as HTMLSelectElement).value as Scope; this.requestUpdate(); }}>
          <option value="all">all usage</option><option value="project">one project</option><option value="agent">one agent</option>
        </select></label>
        ${this.scope !== 'all'
          ? html`<label>${this.scope}<input name="scope_value" required list="budget-scope-values" .value=${b?.project ?? b?.agent ?? ''} />
              <datalist id="budget-scope-values">${values.map((x) => html`<option value=${x}></option>`)}</datalist></label>`
          : null}
        <label>Alert at % <input class="short" name="thresholds" placeholder="50, 80, 100" .value=${b && b.thresholds ? b.thresholds.join(', ') : ''} /></label>
        <button class="primary" type="submit">${b ? 'Save' : 'Add budget'}</button>
        ${b ? html`<button type="button" @click=${() => this.edit(null)}>Cancel</button>` : null}
        <span class="msg">
          ${this.error ? html`<span class="err" role="alert">${this.error}</span>` : null}
          ${perm === 'default' ? html`<button type="button" @click=${() => void budgets.askNotifications()}>Show alerts as browser notifications</button>` : null}
          ${perm === 'granted' ? html`<span class="hint">Browser notifications on for this dashboard.</span>` : null}
          ${perm === 'denied' ? html`<span class="hint">Browser notifications are blocked for this site (browser settings).</span>` : null}
        </span>
      </form>
    </section>`;
  }
}

customElements.define('as-budget-editor', BudgetEditor);
