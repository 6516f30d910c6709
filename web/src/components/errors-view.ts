/**
 * Errors: API errors and failed tool calls over time (chart), by type, model, tool and error class
 * (tables), and the newest ones, each a link to its session at that event. All from GET /api/errors:
 * the rollups for every agent, the stored error events for one.
 */
import { LitElement, css, html } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentColor, agentLabel, ms, num, when } from '../format.js';
import { hrefFor, setParams } from '../router.js';
import { listRange, loadErrors } from '../store-lists.js';
import type { ErrorBucket, ErrorCount, ErrorEvent } from '../types.js';
import type { ChartSeries } from './chart.js';
import './chart.js';

const RANGES = ['24h', '7d', '30d', '90d', 'all'];
const KINDS: Array<[string, string]> = [['', 'All errors'], ['api', 'API errors'], ['tool', 'Failed tool calls']];

const SERIES: ChartSeries[] = [
  { label: 'API errors', color: '--err', kind: 'bars', integer: true, format: (v) => num(v) },
  { label: 'Failed tool calls', color: '--warn', kind: 'bars', integer: true, format: (v) => num(v) },
  { label: 'Other errors', color: '--faint', kind: 'bars', integer: true, format: (v) => num(v) },
];

/**
 * Every bucket of the range, empty ones as 0, so the axis spans the range (hours, or local days
 * stepped by the calendar so DST days stay whole); `all` starts at the first bucket with errors. A
 * custom range (the range picker) is drawn in days from its start to its end.
 */
function chartRows(timeline: ErrorBucket[], params: Record<string, string>, range: string): [number[], ...number[][]] {
  const byStart = new Map(timeline.map((b) => [Date.parse(b.start), b]));
  const r = listRange({ ...params, range }, '7d');
  const hourly = !r.custom && range === '24h';
  const first = r.since ?? timeline[0]?.start;
  const end = Math.min(Date.now(), r.until ? Date.parse(r.until) - 1 : Date.now());
  const rows: [number[], number[], number[], number[]] = [[], [], [], []];
  if (!first) return rows;
  const at = new Date(first);
  if (hourly) at.setMinutes(0, 0, 0);
  else at.setHours(0, 0, 0, 0);
  for (let i = 0; i < 2000 && at.getTime() <= end; i++) {
    const b = byStart.get(at.getTime());
    rows[0].push(at.getTime() / 1000);
    rows[1].push(b?.api_errors ?? 0);
    rows[2].push(b?.tool_errors ?? 0);
    rows[3].push(b?.other_errors ?? 0);
    if (hourly) at.setHours(at.getHours() + 1);
    else at.setDate(at.getDate() + 1);
  }
  return rows;
}

export class ErrorsView extends LitElement {
  static override styles = [
    shared,
    css`
      .sum {
        display: flex;
        gap: 18px;
        flex-wrap: wrap;
        margin-bottom: 10px;
      }
      .sum b {
        font-variant-numeric: tabular-nums;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
        gap: 12px;
        margin: 12px 0;
      }
      .breakdown .row {
        --cols: minmax(0, 1fr) 64px;
        height: 28px;
      }
      .breakdown .thead {
        --cols: minmax(0, 1fr) 64px;
      }
      .recent {
        --cols: 130px 96px 90px minmax(80px, 1fr) minmax(90px, 1fr) minmax(120px, 2fr) 70px;
        overflow-x: auto;
      }
      .recent .row,
      .recent .thead {
        min-width: 720px;
      }
      .recent .row {
        height: 30px;
      }
      .more {
        padding: 8px;
        text-align: center;
      }
    `,
  ];

  private ctl = new StoreController(this);
  private chartKey = '';
  private chartData: [number[], ...Array<Array<number | null>>] = [[]];

  private breakdown(title: string, rows: ErrorCount[], empty: string) {
    return html`<div class="table breakdown" role="table" aria-label=${title}>
      <div class="thead" role="row"><span>${title}</span><span class="num">Errors</span></div>
      ${rows.length
        ? rows.slice(0, 12).map((r) => html`<div class="row" role="row"><span class="ellipsis mono" title=${r.key}>${r.key}</span><span class="num err">${num(r.errors)}</span></div>`)
        : html`<div class="empty">${empty}</div>`}
    </div>`;
  }

  private renderRow = (e: ErrorEvent) => html`<a class="row error" role="row" href=${hrefFor('session', e.session_id, { event: String(e.seq) })} data-seq=${e.seq}>
    <span class="num muted" style="text-align:left">${when(e.time)}</span>
    <span class="badge ellipsis" style="--c:${agentColor(e.agent_type)}">${agentLabel(e.agent_type)}</span>
    <span class="ellipsis">${e.event_type === 'api_error' ? 'API error' : e.event_type === 'tool_use' ? 'tool call' : e.event_type}</span>
    <span class="ellipsis mono">${e.tool_name ?? e.model ?? '–'}</span>
    <span class="ellipsis muted">${e.project ?? ''}</span>
    <span class="ellipsis err" title=${e.message ?? ''}>${e.error_type ?? ''}${e.message ? ` · ${e.message}` : ''}</span>
    <span class="num muted">${e.duration_ms !== null ? ms(e.duration_ms) : ''}</span>
  </a>`;

  protected override render() {
    const s = store.state;
    const p = s.route.params;
    const res = s.errors;
    const sum = res.data?.summary ?? null;
    const range = p.range && RANGES.includes(p.range) ? p.range : '7d';
    const custom = listRange(p, '7d').custom;
    if (sum && res.key !== this.chartKey) {
      this.chartKey = res.key;
      this.chartData = chartRows(sum.timeline, p, range);
    }
    const agents = s.filterOptions?.agent_types ?? [];
    const recent = res.data?.recent ?? [];
    return html`
      <div class="toolbar">
        <h2 style="margin:0">Errors <span class="hint">${sum?.source === 'events' ? 'from stored error events (one agent)' : 'all agents, from the rollups'}</span></h2>
        <span class="spacer"></span>
        ${custom
          ? html`<span class="hint">custom range</span>`
          : html`<span class="seg" role="group" aria-label="Time range">
              ${RANGES.map((r) => html`<button aria-pressed=${range === r ? 'true' : 'false'} @click=${() => setParams({ range: r === '7d' ? undefined : r })}>${r}</button>`)}
            </span>`}
        <select aria-label="Agent" @change=${(e: Event) => setParams({ agent_type: (e.target as HTMLSelectElement).value || undefined })}>
          <option value="" ?selected=${!p.agent_type}>Agent: all</option>
          ${agents.map((a) => html`<option value=${a} ?selected=${p.agent_type === a}>${agentLabel(a)}</option>`)}
        </select>
      </div>
      ${res.error ? html`<div class="panel empty err">Could not load errors: ${res.error}</div>` : null}
      <div class="sum panel" aria-label="Error totals">
        <span>Errors <b class=${sum?.total ? 'err' : ''} data-k="total">${sum ? num(sum.total) : '–'}</b></span>
        <span>API errors <b data-k="api">${sum ? num(sum.api_errors) : '–'}</b></span>
        <span>Failed tool calls <b data-k="tool">${sum ? num(sum.tool_errors) : '–'}</b></span>
      </div>
      <section class="panel">
        <h2>Errors per ${!custom && range === '24h' ? 'hour' : 'day'} <span class="hint">count per bucket</span></h2>
        <as-chart .data=${this.chartData} .series=${SERIES} height="200" bar-seconds=${!custom && range === '24h' ? 3600 : 86400}></as-chart>
      </section>
      <div class="grid">
        ${this.breakdown('Type', sum?.by_event_type ?? [], 'No errors.')}
        ${this.breakdown('Model', sum?.by_model ?? [], 'No error names a model.')}
        ${this.breakdown('Tool', sum?.by_tool ?? [], 'No failed tool calls.')}
        ${this.breakdown('API error class', sum?.by_error_type ?? [], 'No API errors stored.')}
      </div>
      <div class="toolbar">
        <h2 style="margin:0">Newest errors <span class="hint">open one to see its session at that moment</span></h2>
        <span class="spacer"></span>
        <span class="seg" role="group" aria-label="Kind">
          ${KINDS.map(([k, label]) => html`<button aria-pressed=${(p.kind ?? '') === k ? 'true' : 'false'} @click=${() => setParams({ kind: k || undefined })}>${label}</button>`)}
        </span>
      </div>
      <div class="table recent" role="table" aria-label="Newest errors">
        <div class="thead" role="row"><span>Time</span><span>Agent</span><span>Kind</span><span>Tool / model</span><span>Project</span><span>Error</span><span class="num">Duration</span></div>
        ${recent.length ? recent.map(this.renderRow) : html`<div class="empty">${res.loading ? 'Loading…' : 'No errors in this range.'}</div>`}
        ${res.data?.next ? html`<div class="more"><button @click=${() => loadErrors(store, false, true)} ?disabled=${res.loading}>Older errors</button></div>` : null}
      </div>
    `;
  }
}

customElements.define('as-errors', ErrorsView);
