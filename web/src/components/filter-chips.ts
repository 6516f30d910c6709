/**
 * The dashboard-wide filters as removable chips (a drill-down value per field, the custom range),
 * shown above every view but the session page. Removing a chip edits the URL, so every panel follows.
 */
import { LitElement, css, html } from 'lit';
import { hrefFor, setParams, type View } from '../router.js';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentLabel, when } from '../format.js';
import { DRILL_FIELDS, FIELD_LABEL, drillFilter, globalParams, rangeOf, type DrillField } from '../filters.js';
import './range-picker.js';

/**
 * Drill-down fields a view cannot narrow by (its API has no such filter): their chips say so
 * instead of suggesting the numbers below are filtered.
 */
const NOT_APPLIED: Partial<Record<View, readonly DrillField[]>> = {
  search: ['project', 'branch', 'model', 'machine'],
  errors: ['project', 'branch', 'model', 'machine'],
  sessions: ['machine'],
};

export class FilterChips extends LitElement {
  static override styles = [
    shared,
    css`
      .fbar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px;
        margin-bottom: 10px;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        max-width: 100%;
        padding: 1px 2px 1px 9px;
        border: 1px solid var(--accent);
        background: var(--accent-soft);
        border-radius: 999px;
        font-size: 12px;
      }
      .chip b {
        font-weight: 600;
      }
      .chip button {
        border: 0;
        background: transparent;
        height: 20px;
        width: 20px;
        padding: 0;
        border-radius: 50%;
        line-height: 1;
      }
      .chip[data-ignored] {
        border-style: dashed;
        background: transparent;
        color: var(--muted);
      }
      .chip button:hover {
        background: var(--surface);
      }
    `,
  ];

  private ctl = new StoreController(this);

  protected override render() {
    const route = store.state.route;
    const p = route.params;
    const f = drillFilter(p);
    const r = rangeOf(p);
    const chips = DRILL_FIELDS.filter((k) => f[k] !== undefined);
    const custom = !!(r.since || r.until);
    const onCost = route.view === 'cost';
    const ignored = NOT_APPLIED[route.view] ?? [];
    if (chips.length === 0 && !custom && !r.error && onCost) return null;
    return html`<div class="fbar" role="region" aria-label="Filters">
      ${chips.length || custom ? html`<span class="hint">Filtered:</span>` : null}
      ${chips.map(
        (k) => html`<span class="chip" data-field=${k} ?data-ignored=${ignored.includes(k)} title=${ignored.includes(k) ? `This view cannot be narrowed by ${FIELD_LABEL[k].toLowerCase()}: it shows everything` : ''}>
          <span class="ellipsis">${FIELD_LABEL[k]} <b>${k === 'agent_type' ? agentLabel(f[k]!) : f[k]}</b>${ignored.includes(k) ? ' (not applied here)' : ''}</span>
          ${k === 'project' && route.view !== 'project'
            ? html`<a href=${hrefFor('project', f[k], globalParams(p))} title="Open the project page">page</a>`
            : null}
          <button aria-label="Remove the ${FIELD_LABEL[k].toLowerCase()} filter" title="Remove" @click=${() => setParams({ [k]: undefined })}>×</button>
        </span>`,
      )}
      ${custom
        ? html`<span class="chip" data-field="range"
            ><span>Range <b>${r.since ? when(r.since) : 'start'} – ${r.until ? when(r.until) : 'now'}</b></span
            ><button aria-label="Remove the range" title="Remove" @click=${() => setParams({ since: undefined, until: undefined })}>×</button></span
          >`
        : null}
      ${chips.length > 1 ? html`<button @click=${() => setParams(Object.fromEntries(DRILL_FIELDS.map((k) => [k, undefined])))}>Clear all</button>` : null}
      <span class="spacer"></span>
      ${onCost ? null : html`<as-range-picker></as-range-picker>`}
    </div>`;
  }
}

customElements.define('as-filter-chips', FilterChips);
