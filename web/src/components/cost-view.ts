/** Cost: where the money goes — over time, in 5-hour blocks, and by model, project, branch, agent. */
import { LitElement, css, html } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentColor, agentLabel, clock, num, timeZone, tokens, usd, when } from '../format.js';
import { setParams } from '../router.js';
import { fillTimeline } from '../timeline.js';
import type { Block, Counters } from '../types.js';
import type { ChartSeries } from './chart.js';
import './chart.js';
import './budget-bars.js';
import './budget-editor.js';
import './budget-history.js';

const SERIES: ChartSeries[] = [
  { label: 'Cost', color: '--accent', kind: 'bars', scale: 'y', format: (v) => usd(v) },
  { label: 'Tokens', color: '--claude', kind: 'line', scale: 'y2', format: (v) => tokens(v), integer: true },
];
const RANGES = ['24h', '7d', '30d', '90d', 'all'];

export class CostView extends LitElement {
  static override styles = [
    shared,
    css`
      .totals {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 22px;
        margin-bottom: 12px;
        align-items: baseline;
      }
      .big {
        font-size: 22px;
        font-weight: 650;
        font-variant-numeric: tabular-nums;
      }
      .warn {
        color: var(--warn);
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
      .bk {
        display: grid;
        grid-template-columns: minmax(100px, 1.8fr) minmax(40px, 0.8fr) 66px 56px 60px;
        gap: 8px;
        align-items: center;
        padding: 4px 2px;
        border-bottom: 1px solid var(--border);
      }
      .bk.head {
        font-size: 11px;
        color: var(--muted);
        text-transform: uppercase;
      }
      .blocks {
        display: grid;
        grid-template-columns: minmax(150px, 1.4fr) repeat(5, minmax(70px, 1fr));
        max-width: 860px;
        gap: 8px;
        padding: 4px 2px;
        border-bottom: 1px solid var(--border);
        align-items: center;
      }
      .blocks.now {
        background: var(--accent-soft);
        border-radius: 4px;
        font-weight: 600;
      }
    `,
  ];

  private ctl = new StoreController(this);
  private chartFor: unknown = null;
  private chartData: [number[], number[], number[]] = [[], [], []];

  /** The server rolls events without a project/branch/model up under the key '' ("(no project)"). */
  private breakdown<K extends string>(title: string, rows: Array<Counters & Record<K, string>>, key: K, label = (v: string) => v) {
    const max = Math.max(1e-9, ...rows.map((r) => r.cost_usd));
    const total = rows.reduce((s, r) => s + r.cost_usd, 0);
    return html`<section class="panel" aria-label="Cost by ${title}">
      <h2>By ${title}</h2>
      <div class="bk head"><span>${title}</span><span>Share</span><span class="num">Cost</span><span class="num">Tokens</span><span class="num">Unpriced</span></div>
      ${rows.length === 0 ? html`<div class="empty">No usage in this range.</div>` : null}
      ${rows.slice(0, 12).map(
        (r) => html`<div class="bk">
          ${r[key]
            ? html`<span class="ellipsis ${key === 'agent_type' ? 'badge' : ''}" style=${key === 'agent_type' ? `--c:${agentColor(String(r[key]))}` : ''} title=${String(r[key])}>${label(String(r[key]))}</span>`
            : html`<span class="ellipsis none" title=${`Events that carry no ${title}`}>(no ${title})</span>`}
          <span title="${total ? ((r.cost_usd / total) * 100).toFixed(1) : 0}%"><span class="bar" style="display:block;width:${(r.cost_usd / max) * 100}%"></span></span>
          <span class="num">${usd(r.cost_usd)}</span>
          <span class="num">${tokens(r.total_tokens)}</span>
          <span class="num ${r.unpriced_tokens ? 'warn' : 'hint'}">${r.unpriced_tokens ? tokens(r.unpriced_tokens) : '–'}</span>
        </div>`,
      )}
      ${rows.length > 12 ? html`<div class="hint">and ${rows.length - 12} more</div>` : null}
    </section>`;
  }

  private renderBlocks(blocks: Block[] | null) {
    const list = (blocks ?? []).slice(0, 8);
    return html`<section class="panel" aria-label="5-hour blocks">
      <h2>5-hour blocks <span class="hint">billing windows · last 7 days</span></h2>
      <div class="blocks head hint"><span>Start</span><span>Ends</span><span class="num">Cost</span><span class="num">Tokens</span><span class="num">Burn</span><span class="num">Projected</span></div>
      ${list.length === 0 ? html`<div class="empty">No usage in the last 7 days.</div>` : null}
      ${list.map(
        (b) => html`<div class="blocks ${b.active ? 'now' : ''}">
          <span>${when(b.start)}${b.active ? html` <span class="pill active">now</span>` : null}</span>
          <span class="muted">${clock(b.end).slice(0, 5)}</span>
          <span class="num">${usd(b.cost_usd)}</span>
          <span class="num">${tokens(b.tokens)}</span>
          <span class="num" title="USD per hour over the block's elapsed time">${b.burn_usd_per_hour !== null ? `${usd(b.burn_usd_per_hour)}/h` : '–'}</span>
          <span class="num">${b.active && b.projected_usd !== null ? usd(b.projected_usd) : ''}</span>
        </div>`,
      )}
    </section>`;
  }

  protected override render() {
    const c = store.state.cost;
    const p = store.state.route.params;
    const range = RANGES.includes(p.range) ? p.range : '7d';
    const bucket = p.bucket === 'hour' || p.bucket === 'day' ? p.bucket : range === '24h' ? 'hour' : 'day';
    const d = c.data;
    if (d && this.chartFor !== d.timeline) {
      this.chartFor = d.timeline;
      const f = fillTimeline(d.timeline, d.bucket, d.since ? Date.parse(d.since) : null);
      this.chartData = [f.x, f.rows.map((r) => r?.cost_usd ?? 0), f.rows.map((r) => r?.total_tokens ?? 0)];
    }
    const t = d?.totals;
    return html`
      <div class="toolbar">
        <h2 style="margin:0">Cost</h2>
        <span class="spacer"></span>
        <span class="seg" role="group" aria-label="Range">
          ${RANGES.map((r) => html`<button aria-pressed=${r === range ? 'true' : 'false'} @click=${() => setParams({ range: r === '7d' ? undefined : r })}>${r}</button>`)}
        </span>
        <span class="seg" role="group" aria-label="Bucket">
          ${(['hour', 'day'] as const).map((b) => html`<button aria-pressed=${b === bucket ? 'true' : 'false'} @click=${() => setParams({ bucket: b })}>per ${b}</button>`)}
        </span>
        <span class="hint" title="Days are cut at midnight in this time zone">${timeZone}</span>
      </div>
      ${c.error ? html`<div class="panel err">Could not load cost: ${c.error}</div>` : null}
      <section class="panel">
        <div class="totals">
          <span><span class="big">${usd(t?.cost_usd ?? 0)}</span> <span class="muted">priced cost</span></span>
          <span><b>${tokens(t?.total_tokens ?? 0)}</b> <span class="muted">tokens</span></span>
          <span><b>${num(t?.api_requests ?? 0)}</b> <span class="muted">API requests</span></span>
          ${t?.unpriced_tokens
            ? html`<span class="warn" title="Usage of models with no known price: not included in the cost, not counted as $0">⚠ ${tokens(t.unpriced_tokens)} tokens unpriced — their cost is unknown</span>`
            : html`<span class="hint">all usage priced</span>`}
          ${c.loading ? html`<span class="hint">updating…</span>` : null}
        </div>
        <as-chart class="cost-chart" .data=${this.chartData} .series=${SERIES} height="220" bar-seconds=${bucket === 'hour' ? 3600 : 86400}></as-chart>
      </section>
      <div style="margin-top:12px"><as-budget-bars></as-budget-bars></div>
      <div style="margin-top:12px">${this.renderBlocks(c.blocks)}</div>
      <div class="grid">
        ${this.breakdown('model', d?.by_model ?? [], 'model')}
        ${this.breakdown('project', d?.by_project ?? [], 'project')}
        ${this.breakdown('branch', d?.by_branch ?? [], 'branch')}
        ${this.breakdown('agent', d?.by_agent ?? [], 'agent_type', agentLabel)}
      </div>
      <div class="grid">
        <as-budget-editor></as-budget-editor>
        <as-alert-history></as-alert-history>
      </div>
    `;
  }
}

customElements.define('as-cost', CostView);
