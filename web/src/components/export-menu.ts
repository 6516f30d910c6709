/**
 * Export a table as CSV or JSON. Server tables (GET /api/export/:table) are fetched whole for the
 * current filters and range, so a long list exports completely; a table that shows every row can
 * instead hand its own rows (`.rows` + `.columns`) to be written in the browser.
 */
import { LitElement, css, html } from 'lit';
import { api } from '../api.js';
import { store } from '../store.js';
import { shared } from '../styles.js';
import { timeZone } from '../format.js';
import { drillFilter, rangeOf, sessionFilter } from '../filters.js';
import { saveFile, toCsv, type Cell } from '../csv.js';

export class ExportMenu extends LitElement {
  static override properties = { table: {}, extra: { attribute: false }, columns: { attribute: false }, rows: { attribute: false } };
  static override styles = [
    shared,
    css`
      :host {
        display: inline-flex;
        gap: 4px;
        align-items: center;
      }
      button {
        height: 22px;
        padding: 0 7px;
        font-size: 12px;
      }
      .msg {
        color: var(--err);
        font-size: 12px;
      }
    `,
  ];

  /** GET /api/export/<table>. */
  table = '';
  /** Query parameters besides the dashboard's filters and range (bucket, status, a project …). */
  extra: Record<string, string | undefined> = {};
  /** Browser-built export: the columns and every row (the last one a totals row when there is one). */
  columns: string[] | null = null;
  rows: Cell[][] | null = null;
  private error = '';

  private async run(format: 'csv' | 'json'): Promise<void> {
    this.error = '';
    try {
      if (this.columns && this.rows) {
        const cols = this.columns;
        const name = `agentstats-${this.table}-${new Date().toISOString().slice(0, 10)}.${format}`;
        const body =
          format === 'csv' ? toCsv(cols, this.rows) : JSON.stringify({ table: this.table, columns: cols, rows: this.rows.map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i]]))) }, null, 1);
        saveFile(name, new Blob([body], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
        return;
      }
      const p = store.state.route.params;
      const r = rangeOf(p);
      const { name, blob } = await api.download(this.table, { ...(this.table === 'sessions' ? sessionFilter(drillFilter(p)) : drillFilter(p)), since: r.since, until: r.until, tz: timeZone, ...this.extra, format });
      saveFile(name, blob);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
    this.requestUpdate();
  }

  protected override render() {
    return html`<span class="hint">Export</span>
      <button @click=${() => this.run('csv')} title="Download every row as CSV" data-format="csv">CSV</button>
      <button @click=${() => this.run('json')} title="Download every row as JSON" data-format="json">JSON</button>
      ${this.error ? html`<span class="msg" role="alert">${this.error}</span>` : null}`;
  }
}

customElements.define('as-export-menu', ExportMenu);
