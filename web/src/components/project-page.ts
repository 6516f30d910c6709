/**
 * One project: its cost over time, models, branches, agents, tool calls and latest sessions, for
 * the custom range (or the last 30 days), all read from the filtered APIs (project=NAME). Rows
 * drill further: a model or branch narrows the whole dashboard to this project and that value.
 */
import { LitElement, css, html } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentColor, agentLabel, costText, ms, num, pct, tokens, usd, usdDecimals, when } from '../format.js';
import { hrefFor } from '../router.js';
import { fillTimeline } from '../timeline.js';
import { globalParams, type DrillField } from '../filters.js';
import { bucketFor, projectRange } from '../project-data.js';
import type { Counters } from '../types.js';
import type { ChartSeries } from './chart.js';
import './chart.js';
import './export-menu.js';

const SERIES: ChartSeries[] = [
  { label: 'Cost', color: '--accent', kind: 'bars', scale: 'y', format: (v) => usd(v) },
  { label: 'Tokens', color: '--claude', kind: 'line', scale: 'y2', format: (v) => tokens(v), integer: true },
];

export class ProjectPage extends LitElement {
  static override styles = [
    shared,
    css`
      .totals {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 22px;
        align-items: baseline;
        margin-bottom: 10px;
      }
      .big {
        font-size: 22px;
        font-weight: 650;
        font-variant-numeric: tabular-nums;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: 12px;
        margin-top: 12px;
      }
      @media (max-width: 900px) {
        .grid {
          grid-template-columns: 1fr;
        }
      }
      .r {
        display: grid;
        grid-template-columns: minmax(0, 1.6fr) repeat(3, minmax(52px, 0.6fr));
        gap: 8px;
        padding: 4px 2px;
        border-bottom: 1px solid var(--border);
        align-items: center;
      }
      .r.head {
        font-size: 11px;
        color: var(--muted);
        text-transform: uppercase;
      }
      .warn {
        color: var(--warn);
      }
      a.sess {
        color: var(--text);
      }
      a.sess:hover {
        background: var(--surface-2);
        text-decoration: none;
      }
    `,
  ];

  private ctl = new StoreController(this);
  private chartFor: unknown = null;
  private chartData: [number[], number[], number[]] = [[], [], []];

  /** A breakdown of the project's usage; each value drills into project + that value on the Cost view. */
  private breakdown(title: string, one: string, table: string, field: DrillField, rows: Array<Counters & Record<string, string>>, label = (v: string) => v) {
    const name = store.state.route.id ?? '';
    const p = globalParams(store.state.route.params);
    // One money format for the column: the decimals its smallest non-zero amount needs.
    const dec = usdDecimals(rows.map((r) => r.cost_usd));
    return html`<section class="panel" aria-label="${title} of the project">
      <h2>${title} <span class="spacer"></span><as-export-menu .table=${table} .extra=${this.extra()}></as-export-menu></h2>
      <div class="r head"><span>${title}</span><span class="num">Cost</span><span class="num">Tokens</span><span class="num">Requests</span></div>
      ${rows.length === 0 ? html`<div class="empty">No usage in this range.</div>` : null}
      ${rows.map(
        (r) => html`<div class="r">
          ${r[field]
            ? html`<a class="ellipsis ${field === 'agent_type' ? 'badge' : ''}" style=${field === 'agent_type' ? `--c:${agentColor(r[field])}` : ''} data-drill=${field}
                href=${hrefFor('cost', null, { ...p, project: name, [field]: r[field] })} title="Cost of ${name} with ${r[field]}">${label(r[field])}</a>`
            : html`<span class="ellipsis muted" title="Events that carry no ${one}">(no ${one})</span>`}
          <span class="num ${r.unpriced_tokens && !r.cost_usd ? 'warn' : ''}" title=${r.unpriced_tokens ? costText(r.cost_usd, r.unpriced_tokens) : ''}
            >${!r.cost_usd && r.unpriced_tokens ? 'unpriced' : usd(r.cost_usd, dec)}${r.cost_usd && r.unpriced_tokens ? html`<span class="warn">*</span>` : null}</span
          >
          <span class="num">${tokens(r.total_tokens)}</span>
          <span class="num">${num(r.api_requests)}</span>
        </div>`,
      )}
    </section>`;
  }

  /** Exports of this page: the project and the page's range. */
  private extra(): Record<string, string | undefined> {
    const r = projectRange({ since: store.state.project.data?.cost?.since ?? undefined, until: store.state.project.data?.cost?.until ?? undefined });
    return { project: store.state.route.id ?? undefined, since: r.since, until: r.until, bucket: store.state.project.data?.cost?.bucket };
  }

  protected override render() {
    const name = store.state.route.id ?? '';
    const pr = store.state.project;
    const d = pr.data && pr.data.name === name ? pr.data : null;
    const c = d?.cost;
    if (c && this.chartFor !== c.timeline) {
      this.chartFor = c.timeline;
      const f = fillTimeline(c.timeline, c.bucket, c.since ? Date.parse(c.since) : null);
      this.chartData = [f.x, f.rows.map((r) => r?.cost_usd ?? 0), f.rows.map((r) => r?.total_tokens ?? 0)];
    }
    const t = c?.totals;
    const p = globalParams(store.state.route.params);
    const range = projectRange({ since: p.since, until: p.until });
    const toolCalls = d?.tools ? d.tools.tools.reduce((n, x) => n + x.calls, 0) : null;
    return html`
      <div class="toolbar">
        <h2 style="margin:0">Project <span class="mono">${name}</span></h2>
        <span class="hint">${p.since || p.until ? `${when(range.since)} – ${range.until ? when(range.until) : 'now'}` : 'last 30 days'}</span>
        <span class="spacer"></span>
        <a href=${hrefFor('cost', null, { ...p, project: name })}>Cost view</a>
        <a href=${hrefFor('sessions', null, { ...p, project: name })}>All sessions</a>
      </div>
      ${pr.error ? html`<div class="panel err">Could not load the project: ${pr.error}</div>` : null}
      <section class="panel">
        <div class="totals" data-testid="project-totals">
          <span><span class="big" data-figure="cost" data-usd=${String(t?.cost_usd ?? 0)}>${usd(t?.cost_usd ?? 0)}</span> <span class="muted">priced cost</span></span>
          <span><b data-figure="tokens">${tokens(t?.total_tokens ?? 0)}</b> <span class="muted">tokens</span></span>
          <span><b data-figure="requests">${num(t?.api_requests ?? 0)}</b> <span class="muted">API requests</span></span>
          <span><b data-figure="tool-calls">${num(toolCalls)}</b> <span class="muted">tool calls</span></span>
          ${t?.unpriced_tokens ? html`<span class="warn">⚠ ${tokens(t.unpriced_tokens)} tokens unpriced</span>` : null}
          ${pr.loading ? html`<span class="hint">updating…</span>` : null}
          <span class="spacer"></span><as-export-menu .table=${'timeline'} .extra=${this.extra()}></as-export-menu>
        </div>
        <as-chart class="cost-chart" .data=${this.chartData} .series=${SERIES} height="200" bar-seconds=${bucketFor(range) === 'hour' ? 3600 : 86400}></as-chart>
      </section>
      <div class="grid">
        ${this.breakdown('Models', 'model', 'by_model', 'model', (c?.by_model ?? []) as never)}
        ${this.breakdown('Branches', 'branch', 'by_branch', 'branch', (c?.by_branch ?? []) as never)}
        ${this.breakdown('Agents', 'agent', 'by_agent', 'agent_type', (c?.by_agent ?? []) as never, agentLabel)}
        <section class="panel" aria-label="Tools of the project">
          <h2>Tools <span class="spacer"></span><as-export-menu .table=${'tools'} .extra=${this.extra()}></as-export-menu></h2>
          <div class="r head"><span>Tool</span><span class="num">Calls</span><span class="num">Failed</span><span class="num">Mean</span></div>
          ${(d?.tools?.tools ?? []).length === 0 ? html`<div class="empty">${d?.tools ? 'No tool calls in this range.' : 'Loading…'}</div>` : null}
          ${(d?.tools?.tools ?? []).map(
            (x) => html`<div class="r tool">
              <span class="ellipsis mono">${x.tool_name}</span><span class="num">${num(x.calls)}</span>
              <span class="num ${x.errors ? 'err' : ''}">${num(x.errors)} <span class="hint">${x.errors ? pct(x.error_rate) : ''}</span></span>
              <span class="num" title=${x.mean_ms === null ? '' : `${num(Math.round(x.mean_ms))} ms`}>${ms(x.mean_ms)}</span>
            </div>`,
          )}
        </section>
      </div>
      <section class="panel" style="margin-top:12px" aria-label="Sessions of the project">
        <h2>Latest sessions <span class="hint">${num(d?.sessions?.length ?? 0)}${d?.moreSessions ? '+' : ''}</span><span class="spacer"></span>
          <as-export-menu .table=${'sessions'} .extra=${{ ...this.extra(), bucket: undefined }}></as-export-menu></h2>
        ${(d?.sessions ?? []).map(
          (s) => html`<a class="r sess" href=${hrefFor('session', s.session_id)}>
            <span class="ellipsis"><span class="badge" style="--c:${agentColor(s.agent_type)}">${agentLabel(s.agent_type)}</span> ${s.branch ?? ''} <span class="hint">${when(s.first_seen)}</span></span>
            <span class="num">${!s.cost_usd && s.unpriced_tokens ? 'unpriced' : usd(s.cost_usd)}</span><span class="num">${tokens(s.tokens_in + s.tokens_out + s.cache_read_tokens + s.cache_write_tokens)}</span><span class="num">${num(s.event_count)} ev</span>
          </a>`,
        )}
        ${d?.moreSessions ? html`<a href=${hrefFor('sessions', null, { ...p, project: name })}>All sessions of ${name} →</a>` : null}
      </section>
    `;
  }
}

customElements.define('as-project-page', ProjectPage);
