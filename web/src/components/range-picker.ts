/**
 * A custom date range beside the presets: from and to dates (whole local days, both included),
 * written to the URL as `since`/`until` instants so every panel reads the same range. A range
 * that ends before it starts is refused with a message; "Clear" goes back to the presets.
 */
import { LitElement, css, html } from 'lit';
import { setParams } from '../router.js';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { localDate, localMidnight, rangeOf } from '../filters.js';

export class RangePicker extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: inline-block;
      }
      form {
        display: inline-flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px;
      }
      input {
        min-width: 0;
        width: 132px;
      }
      .msg {
        color: var(--err);
        font-size: 12px;
      }
    `,
  ];

  private ctl = new StoreController(this);
  private message = '';

  private apply(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const from = (form.elements.namedItem('from') as HTMLInputElement).value;
    const to = (form.elements.namedItem('to') as HTMLInputElement).value;
    if (!from && !to) {
      this.message = 'Pick a start or an end date.';
    } else if (from && to && to < from) {
      this.message = 'The range ends before it starts.';
    } else {
      this.message = '';
      // "to" is a whole day: the range runs until the next local midnight.
      setParams({ since: from ? localMidnight(from) : undefined, until: to ? localMidnight(to, 1) : undefined, range: undefined });
    }
    this.requestUpdate();
  }

  protected override render() {
    const p = store.state.route.params;
    const r = rangeOf(p);
    const from = r.since ? localDate(r.since) : '';
    const to = r.until ? localDate(new Date(Date.parse(r.until) - 1).toISOString()) : '';
    const active = !!(r.since || r.until);
    return html`<form @submit=${(e: Event) => this.apply(e)} aria-label="Custom range">
      <input type="date" name="from" aria-label="From" .value=${from} />
      <span class="hint">–</span>
      <input type="date" name="to" aria-label="To" .value=${to} />
      <button type="submit">Apply</button>
      ${active ? html`<button type="button" @click=${() => setParams({ since: undefined, until: undefined })}>Clear</button>` : null}
      ${this.message || r.error ? html`<span class="msg" role="alert">${this.message || `Range ignored: ${r.error}`}</span>` : null}
    </form>`;
  }
}

customElements.define('as-range-picker', RangePicker);
