/** Tools: calls, failures and latency per tool, live from the stats stream. */
import { LitElement, css, html } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { ms, num, pct } from '../format.js';
import { setParams } from '../router.js';
import type { ToolStat } from '../types.js';
import { FocusFilterController, sortHeader } from './list-controls.js';
import { isFiltered } from '../filters.js';
import './export-menu.js';

type Key = 'tool_name' | 'calls' | 'errors' | 'error_rate' | 'p50_ms' | 'p95_ms';

export class ToolsView extends LitElement {
  static override styles = [
    shared,
    css`
      .table {
        --cols: minmax(140px, 1.4fr) minmax(150px, 1.6fr) 70px minmax(130px, 1.2fr) 80px 80px;
      }
      .row {
        height: 30px;
      }
      .cell-bar {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      .cell-bar .num {
        min-width: 48px;
      }
      .bar.red {
        background: var(--err);
      }
      .sum {
        display: flex;
        gap: 18px;
        flex-wrap: wrap;
        margin-bottom: 10px;
      }
      .sum b {
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  private ctl = new StoreController(this);
  private filterFocus = new FocusFilterController(this);

  protected override render() {
    const p = store.state.route.params;
    // Under drill-down filters or a range the counts come from GET /api/stats/tools (no percentiles).
    const filtered = isFiltered(p);
    const usage = store.state.toolUsage;
    const all: ToolStat[] = filtered
      ? (usage.data?.tools ?? []).map((t) => ({ tool_name: t.tool_name, calls: t.calls, errors: t.errors, error_rate: t.error_rate, p50_ms: null, p95_ms: null }))
      : (store.state.stats?.tools ?? []);
    const q = (p.q ?? '').toLowerCase();
    const key = (p.sort || 'calls') as Key;
    const dir = p.dir === 'asc' ? 1 : -1;
    const tools = all
      .filter((t) => !q || t.tool_name.toLowerCase().includes(q))
      .sort((a: ToolStat, b: ToolStat) => {
        const x = a[key];
        const y = b[key];
        if (typeof x === 'string' || typeof y === 'string') return String(x).localeCompare(String(y)) * dir;
        return ((x ?? -1) - (y ?? -1)) * dir;
      });
    const maxCalls = Math.max(1, ...all.map((t) => t.calls));
    const calls = all.reduce((n, t) => n + t.calls, 0);
    const errors = all.reduce((n, t) => n + t.errors, 0);
    const slowest = all.filter((t) => t.p95_ms !== null).sort((a, b) => (b.p95_ms ?? 0) - (a.p95_ms ?? 0))[0];
    const flakiest = all.filter((t) => t.calls >= 5).sort((a, b) => b.error_rate - a.error_rate)[0];
    return html`
      <div class="toolbar">
        <h2 style="margin:0">Tools <span class="hint">${all.length} tools · ${filtered ? 'filtered' : 'all time'}</span></h2>
        <span class="spacer"></span>
        ${filtered
          ? html`<as-export-menu .table=${'tools'}></as-export-menu>`
          : html`<as-export-menu .table=${'tools'} .columns=${['tool_name', 'calls', 'errors', 'error_rate', 'p50_ms', 'p95_ms']}
              .rows=${[...tools.map((t) => [t.tool_name, t.calls, t.errors, t.error_rate, t.p50_ms, t.p95_ms]), ['Total', calls, errors, calls ? errors / calls : 0, null, null]]}></as-export-menu>`}
        <input type="search" placeholder="Filter tools…" aria-label="Filter tools" .value=${p.q ?? ''}
          @input=${(e: Event) => setParams({ q: (e.target as HTMLInputElement).value || undefined }, { replace: true })} />
      </div>
      <div class="sum panel">
        <span>Calls <b>${num(calls)}</b></span>
        <span>Failed <b class=${errors ? 'err' : ''}>${num(errors)}</b> (${pct(calls ? errors / calls : 0)})</span>
        ${slowest ? html`<span>Slowest p95 <b>${slowest.tool_name}</b> ${ms(slowest.p95_ms)}</span>` : null}
        ${flakiest && flakiest.errors ? html`<span>Most failures <b>${flakiest.tool_name}</b> ${pct(flakiest.error_rate)}</span>` : null}
      </div>
      <div class="table" role="table" aria-label="Tools">
        <div class="thead" role="row">
          ${sortHeader('tool_name', 'Tool', 'calls', false)} ${sortHeader('calls', 'Calls', 'calls', false)} ${sortHeader('errors', 'Errors', 'calls')}
          ${sortHeader('error_rate', 'Error rate', 'calls', false)} ${sortHeader('p50_ms', 'p50', 'calls')} ${sortHeader('p95_ms', 'p95', 'calls')}
        </div>
        ${tools.length === 0
          ? html`<div class="empty">${all.length ? 'No tool matches.' : 'No tool calls recorded yet.'}</div>`
          : tools.map(
              (t) => html`<div class="row" role="row">
                <span class="ellipsis mono">${t.tool_name}</span>
                <span class="cell-bar"><span class="num">${num(t.calls)}</span><span class="bar" style="width:${(t.calls / maxCalls) * 100}%"></span></span>
                <span class="num ${t.errors ? 'err' : ''}">${num(t.errors)}</span>
                <span class="cell-bar"><span class="num ${t.error_rate > 0.1 ? 'err' : ''}">${pct(t.error_rate)}</span>${t.errors ? html`<span class="bar red" style="width:${Math.max(2, t.error_rate * 100)}%"></span>` : null}</span>
                <span class="num">${ms(t.p50_ms)}</span>
                <span class="num">${ms(t.p95_ms)}</span>
              </div>`,
            )}
      </div>
      ${usage.error && filtered ? html`<p class="err">Could not load tools: ${usage.error}</p>` : null}
      <p class="hint">${filtered
        ? 'Filtered: calls and failures counted from the stored tool calls that match; latency percentiles are shown without filters.'
        : 'p50/p95 come from a duration histogram (bucket upper bounds). Updated with every stats message.'}</p>
    `;
  }
}

customElements.define('as-tools', ToolsView);
