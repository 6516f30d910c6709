/**
 * Tools: calls, failures and p50/p95/p99 latency per tool for an agent and a time range (GET
 * /api/tools), and a tool's slowest or failed calls, each a link to that moment of its session.
 * Under a drill-down to a project, branch, model or machine the counts come from GET
 * /api/stats/tools instead (the latency histograms are kept per agent only: no percentiles there).
 */
import { LitElement, css, html } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentColor, agentLabel, ms, num, pct, stamp, shortId } from '../format.js';
import { hrefFor, setParams } from '../router.js';
import { countsOnly, TOOL_RANGES, toolFilters, toolsData } from '../tools-data.js';
import type { ToolLatency } from '../types.js';
import { FocusFilterController, sortHeader } from './list-controls.js';
import { rangeOf } from '../filters.js';
import './export-menu.js';


type Key = 'tool_name' | 'calls' | 'errors' | 'error_rate' | 'p50_ms' | 'p95_ms' | 'p99_ms';

export class ToolsView extends LitElement {
  static override styles = [
    shared,
    css`
      .table {
        --cols: minmax(120px, 1.4fr) minmax(110px, 1.4fr) 60px minmax(90px, 1fr) 74px 74px 74px;
        --table-min: 640px;
      }
      .row {
        height: 30px;
      }
      .row.open {
        background: var(--accent-soft);
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
        gap: 6px 18px;
        flex-wrap: wrap;
        margin-bottom: 10px;
      }
      .sum b {
        font-variant-numeric: tabular-nums;
      }
      .drill {
        margin-top: 12px;
      }
      .calls {
        --cols: 130px 110px 90px minmax(80px, 1fr) 90px;
        --table-min: 520px;
      }
      .calls .row {
        height: 28px;
      }
    `,
  ];

  private ctl = new StoreController(this);
  private filterFocus = new FocusFilterController(this);
  private off: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = toolsData.subscribe(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.off?.();
  }

  private renderCalls(tool: string, kind: 'slowest' | 'failed') {
    const c = toolsData.state.calls;
    const rows = c.data?.calls ?? [];
    return html`<section class="panel drill" aria-label="Calls of ${tool}">
      <div class="toolbar">
        <h2 style="margin:0"><span class="mono">${tool}</span> <span class="hint">${kind === 'slowest' ? 'slowest calls, longest first' : 'failed calls, newest first'}</span></h2>
        <span class="spacer"></span>
        <span class="seg" role="group" aria-label="Which calls">
          ${(['slowest', 'failed'] as const).map((k) => html`<button aria-pressed=${k === kind ? 'true' : 'false'} @click=${() => setParams({ kind: k === 'slowest' ? undefined : k })}>${k}</button>`)}
        </span>
        <button @click=${() => setParams({ tool: undefined, kind: undefined })} aria-label="Close the calls">✕</button>
      </div>
      <div class="table calls" role="table" aria-label="${kind} calls">
        <div class="thead" role="row"><span>Time</span><span>Agent</span><span class="num">Duration</span><span>Error</span><span>Session</span></div>
        ${c.error ? html`<div class="empty err">Could not load the calls: ${c.error}</div>` : null}
        ${rows.length === 0 && !c.error ? html`<div class="empty">${c.data ? `No ${kind === 'failed' ? 'failed' : 'timed'} call in this range.` : 'Loading…'}</div>` : null}
        ${rows.map(
          (r) => html`<a class="row ${r.status === 'error' ? 'error' : ''}" role="row" href=${hrefFor('session', r.session_id, { event: String(r.seq) })} data-seq=${r.seq}
            title="Open the session at this call">
            <span class="num muted">${stamp(r.time)}</span>
            <span class="badge ellipsis" style="--c:${agentColor(r.agent_type)}">${agentLabel(r.agent_type)}</span>
            <span class="num" title=${r.duration_ms === null ? '' : `${num(r.duration_ms)} ms`}>${ms(r.duration_ms)}</span>
            <span class="ellipsis ${r.status === 'error' ? 'err' : 'muted'}">${r.error ?? (r.status === 'error' ? 'failed' : '')}</span>
            <span class="mono muted ellipsis">${shortId(r.session_id)}</span>
          </a>`,
        )}
      </div>
    </section>`;
  }

  protected override render() {
    const p = store.state.route.params;
    const countOnly = countsOnly(p);
    toolsData.ensure(p, countOnly);
    const t = countOnly
      ? {
          data: store.state.toolUsage.data
            ? {
                max_relative_error: 0,
                tools: store.state.toolUsage.data.tools.map((x) => ({ ...x, p50_ms: null, p95_ms: null, p99_ms: null })),
              }
            : null,
          loading: store.state.toolUsage.loading,
          error: store.state.toolUsage.error,
        }
      : toolsData.state;
    const all = t.data?.tools ?? [];
    const custom = rangeOf(p);
    const range = custom.since || custom.until ? 'custom' : p.range in TOOL_RANGES ? p.range : '7d';
    const q = (p.q ?? '').toLowerCase();
    const key = (p.sort || 'calls') as Key;
    const dir = p.dir === 'asc' ? 1 : -1;
    const tools = all
      .filter((x) => !q || x.tool_name.toLowerCase().includes(q))
      .sort((a: ToolLatency, b: ToolLatency) => {
        const x = a[key];
        const y = b[key];
        if (typeof x === 'string' || typeof y === 'string') return String(x).localeCompare(String(y)) * dir;
        return ((x ?? -1) - (y ?? -1)) * dir;
      });
    const maxCalls = Math.max(1, ...all.map((x) => x.calls));
    const calls = all.reduce((n, x) => n + x.calls, 0);
    const errors = all.reduce((n, x) => n + x.errors, 0);
    const slowest = all.filter((x) => x.p95_ms !== null).sort((a, b) => (b.p95_ms ?? 0) - (a.p95_ms ?? 0))[0];
    const errPct = t.data ? (t.data.max_relative_error * 100).toFixed(1) : '2.5';
    const agent = p.agent_type ?? '';
    const agents = (store.state.filterOptions?.agent_types ?? []).filter(Boolean);
    if (agent && !agents.includes(agent)) agents.unshift(agent);
    return html`
      <div class="toolbar">
        <h2 style="margin:0">Tools <span class="hint">${all.length} tools · ${range === 'custom' ? 'custom range' : range === 'all' ? 'all time' : `last ${range}`}${countOnly ? ' · filtered' : ''}</span></h2>
        <span class="spacer"></span>
        ${range === 'custom'
          ? null
          : html`<span class="seg" role="group" aria-label="Range">
              ${Object.keys(TOOL_RANGES).map((r) => html`<button aria-pressed=${r === range ? 'true' : 'false'} @click=${() => setParams({ range: r === '7d' ? undefined : r })}>${r}</button>`)}
            </span>`}
        <select aria-label="Agent" @change=${(e: Event) => setParams({ agent_type: (e.target as HTMLSelectElement).value || undefined })}>
          <option value="" ?selected=${!agent}>All agents</option>
          ${agents.map((a) => html`<option value=${a} ?selected=${agent === a}>${agentLabel(a)}</option>`)}
        </select>
        ${countOnly
          ? // The table's own range (the preset, 7d by default, or the custom one), not all time.
            html`<as-export-menu .table=${'tools'} .extra=${toolFilters(p)}></as-export-menu>`
          : html`<as-export-menu .table=${'tools'} .columns=${['tool_name', 'calls', 'errors', 'error_rate', 'p50_ms', 'p95_ms', 'p99_ms']}
              .rows=${[...tools.map((x) => [x.tool_name, x.calls, x.errors, x.error_rate, x.p50_ms, x.p95_ms, x.p99_ms]), ['Total', calls, errors, calls ? errors / calls : 0, null, null, null]]}></as-export-menu>`}
        <input type="search" placeholder="Filter tools…" aria-label="Filter tools" .value=${p.q ?? ''}
          @input=${(e: Event) => setParams({ q: (e.target as HTMLInputElement).value || undefined }, { replace: true })} />
      </div>
      ${t.error ? html`<div class="panel err">Could not load tools: ${t.error}</div>` : null}
      <div class="sum panel">
        <span>Calls <b>${num(calls)}</b></span>
        <span>Failed <b class=${errors ? 'err' : ''}>${num(errors)}</b> (${pct(calls ? errors / calls : 0)})</span>
        ${slowest ? html`<span>Slowest p95 <b>${slowest.tool_name}</b> ${ms(slowest.p95_ms)}</span>` : null}
        ${t.loading ? html`<span class="hint">updating…</span>` : null}
      </div>
      <div class="table" role="table" aria-label="Tools">
        <div class="thead" role="row">
          ${sortHeader('tool_name', 'Tool', 'calls', false)} ${sortHeader('calls', 'Calls', 'calls', false)} ${sortHeader('errors', 'Errors', 'calls')}
          ${sortHeader('error_rate', 'Error rate', 'calls', false)} ${sortHeader('p50_ms', 'p50', 'calls')} ${sortHeader('p95_ms', 'p95', 'calls')} ${sortHeader('p99_ms', 'p99', 'calls')}
        </div>
        ${tools.length === 0
          ? html`<div class="empty">${t.loading && !t.data ? 'Loading…' : all.length ? 'No tool matches.' : 'No tool calls in this range.'}</div>`
          : tools.map(
              (x) => html`<a class="row ${p.tool === x.tool_name ? 'open' : ''}" role="row" data-tool=${x.tool_name}
                href=${`?${new URLSearchParams({ ...p, tool: x.tool_name }).toString()}`} title="Show the slowest and failed calls of ${x.tool_name}">
                <span class="ellipsis mono">${x.tool_name}</span>
                <span class="cell-bar"><span class="num">${num(x.calls)}</span><span class="bar" style="width:${(x.calls / maxCalls) * 100}%"></span></span>
                <span class="num ${x.errors ? 'err' : ''}">${num(x.errors)}</span>
                <span class="cell-bar"><span class="num ${x.error_rate > 0.1 ? 'err' : ''}">${pct(x.error_rate)}</span>${x.errors ? html`<span class="bar red" style="width:${Math.max(2, x.error_rate * 100)}%"></span>` : null}</span>
                <span class="num" data-p="50">${ms(x.p50_ms)}</span>
                <span class="num" data-p="95">${ms(x.p95_ms)}</span>
                <span class="num" data-p="99">${ms(x.p99_ms)}</span>
              </a>`,
            )}
      </div>
      ${countOnly
        ? html`<p class="hint">Filtered by project, branch, model or machine: calls and failures counted from the stored tool calls that match; latency percentiles are kept per agent and range only (remove those filters to see them).</p>`
        : html`<p class="hint">Percentiles by nearest rank over the calls in range, from a histogram of 5 %-wide buckets: each within ±${errPct} % of the exact value.
            Pick a tool for its slowest and failed calls.</p>`}
      ${p.tool ? this.renderCalls(p.tool, p.kind === 'failed' ? 'failed' : 'slowest') : null}
    `;
  }
}

customElements.define('as-tools', ToolsView);
