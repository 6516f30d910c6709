/** Cost: where the money goes — over time, in 5-hour blocks, and by model, project, branch, agent. */
import { LitElement, css, html } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentColor, agentLabel, clock, costText, num, timeZone, tokenColumn, tokens, tokenUnit, usd, usdColumn, usdDecimals, when } from '../format.js';
import { blockProjection } from '../blocks.js';
import { hrefFor, setParams } from '../router.js';
import { bucketFor } from '../project-data.js';
import { drillHref, globalParams, rangeOf, type DrillField } from '../filters.js';
import './export-menu.js';
import './range-picker.js';
import { fillTimeline } from '../timeline.js';
import type { Block, Counters, CostStats } from '../types.js';
import type { ChartSeries } from './chart.js';
import './chart.js';
import './budget-bars.js';
import './budget-editor.js';
import './budget-history.js';

/** Both series are per bucket (not cumulative), and say so in their legend and axis titles. */
const seriesFor = (bucket: 'hour' | 'day'): ChartSeries[] => [
  { label: `Priced cost per ${bucket}`, color: '--accent', kind: 'bars', scale: 'y', format: (v) => usd(v), column: usdColumn, axis: `USD per ${bucket}` },
  { label: `Tokens per ${bucket}`, color: '--claude', kind: 'line', scale: 'y2', format: (v) => tokens(v), column: tokenColumn, integer: true, axis: `tokens per ${bucket}` },
];
const SERIES = { hour: seriesFor('hour'), day: seriesFor('day') };
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
      .scroll-x {
        overflow-x: auto;
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
  private breakdown<K extends DrillField>(title: string, rows: Array<Counters & Record<K, string>>, key: K, label = (v: string) => v, table = `by_${title}`) {
    const max = Math.max(1e-9, ...rows.map((r) => r.cost_usd));
    const total = rows.reduce((s, r) => s + r.cost_usd, 0);
    const shown = rows.slice(0, 12);
    // One format per column: the same decimals for every amount, the same unit for every count.
    const dec = usdDecimals(shown.map((r) => r.cost_usd));
    const tok = tokenUnit(shown.map((r) => r.total_tokens));
    const unp = tokenUnit(shown.map((r) => r.unpriced_tokens));
    return html`<section class="panel" aria-label="Cost by ${title}">
      <h2>By ${title} <span class="spacer"></span><as-export-menu .table=${table} .extra=${this.exportExtra()}></as-export-menu></h2>
      <div class="bk head"><span>${title}</span><span>Share</span><span class="num">Cost</span><span class="num">Tokens</span><span class="num" title="Tokens with no known price">Unpriced</span></div>
      ${rows.length === 0 ? html`<div class="empty">No usage in this range.</div>` : null}
      ${shown.map(
        (r) => html`<div class="bk">
          ${r[key]
            ? html`<span class="ellipsis"
                ><a class="drill ${key === 'agent_type' ? 'badge' : ''}" style=${key === 'agent_type' ? `--c:${agentColor(String(r[key]))}` : ''}
                  href=${drillHref(location.pathname, store.state.route.params, key, String(r[key]))} data-drill=${key} title="Show only ${String(r[key])} in every view"
                  >${label(String(r[key]))}</a
                >${key === 'project'
                  ? html` <a class="hint" href=${hrefFor('project', String(r[key]), globalParams(store.state.route.params))} title="Open the project page" aria-label="Project page of ${String(r[key])}">↗</a>`
                  : null}</span
              >`
            : key === 'machine'
              ? html`<span class="ellipsis" title="Events that happened on this machine (not forwarded by another AgentStats)">this machine</span>`
              : html`<span class="ellipsis none" title=${`Events that carry no ${title}`}>(no ${title})</span>`}
          <span title="${total ? ((r.cost_usd / total) * 100).toFixed(1) : 0}%"><span class="bar" style="display:block;width:${(r.cost_usd / max) * 100}%"></span></span>
          <span class="num ${!r.cost_usd && r.unpriced_tokens ? 'warn' : ''}" title=${r.unpriced_tokens ? `${num(r.unpriced_tokens)} tokens have no known price` : ''}>${!r.cost_usd && r.unpriced_tokens ? 'unpriced' : usd(r.cost_usd, dec)}</span>
          <span class="num">${tokens(r.total_tokens, tok)}</span>
          <span class="num ${r.unpriced_tokens ? 'warn' : 'hint'}">${r.unpriced_tokens ? tokens(r.unpriced_tokens, unp) : '–'}</span>
        </div>`,
      )}
      ${rows.length > 12 ? html`<div class="hint">and ${rows.length - 12} more</div>` : null}
    </section>`;
  }

  /** Query parameters of this view's exports besides the filters: the preset's range and bucket. */
  private exportExtra(): Record<string, string | undefined> {
    const d = store.state.cost.data;
    return { since: d?.since ?? undefined, until: d?.until ?? undefined, bucket: d?.bucket };
  }

  private projection(b: Block, now: number, dec: number) {
    if (!b.active) return '';
    const p = blockProjection(b, now);
    if (p.usd === null) return html`<span class="hint" title="A projection from a block's first minutes says little: it shows once the block has run an hour">in ${p.waitMinutes}m</span>`;
    return b.unpriced_tokens ? html`<span title="Priced usage only; the unpriced tokens are not in it">${usd(p.usd, dec)}*</span>` : usd(p.usd, dec);
  }

  private renderPricing(pricing: CostStats['pricing']) {
    if (!pricing) return html`<p class="hint pricing">No price table: costs are what the agents reported.</p>`;
    const src = pricing.source ?? 'bundled table';
    return html`<p class="hint pricing">Prices: ${pricing.date ? html`table of <b>${pricing.date}</b>` : 'undated table'} from
      ${/^https?:\/\//.test(src) ? html`<a href=${src} target="_blank" rel="noreferrer noopener">${src}</a>` : src}
      · ${num(pricing.models)} models${pricing.unit ? ` · ${pricing.unit}` : ''}${pricing.override ? ` · override ${pricing.override.path} (${num(pricing.override.models)} models)` : ''}</p>`;
  }

  private renderBlocks(blocks: Block[] | null, custom: boolean) {
    const list = (blocks ?? []).slice(0, 8);
    const dec = usdDecimals(list.flatMap((b) => [b.cost_usd, b.burn_usd_per_hour ?? 0, b.projected_usd ?? 0]));
    const tok = tokenUnit(list.map((b) => b.tokens));
    const now = Date.now();
    return html`<section class="panel" aria-label="5-hour blocks">
      <h2>5-hour blocks <span class="hint">billing windows · ${custom ? 'in the range' : 'last 7 days'}</span></h2>
      <div class="scroll-x">
      <div class="blocks head hint"><span>Start</span><span>Ends</span><span class="num">Cost</span><span class="num">Tokens</span><span class="num">Burn</span><span class="num" title="The block's projected total, once it has run an hour">Projected</span></div>
      ${list.length === 0 ? html`<div class="empty">No usage ${custom ? 'in the range' : 'in the last 7 days'}.</div>` : null}
      ${list.map(
        (b) => html`<div class="blocks ${b.active ? 'now' : ''}">
          <span>${when(b.start)}${b.active ? html` <span class="pill active">now</span>` : null}</span>
          <span class="muted">${clock(b.end).slice(0, 5)}</span>
          <span class="num ${b.unpriced_tokens ? 'warn' : ''}" title=${b.unpriced_tokens ? costText(b.cost_usd, b.unpriced_tokens) : ''}>${!b.cost_usd && b.unpriced_tokens ? 'unpriced' : usd(b.cost_usd, dec)}${b.cost_usd && b.unpriced_tokens ? '*' : ''}</span>
          <span class="num">${tokens(b.tokens, tok)}</span>
          <span class="num" title="USD per hour over the block's elapsed time">${b.burn_usd_per_hour !== null && (b.cost_usd || !b.unpriced_tokens) ? `${usd(b.burn_usd_per_hour, dec)}/h` : '–'}</span>
          <span class="num">${this.projection(b, now, dec)}</span>
        </div>`,
      )}
      </div>
    </section>`;
  }

  protected override render() {
    const c = store.state.cost;
    const p = store.state.route.params;
    const custom = rangeOf(p);
    const isCustom = !!(custom.since || custom.until);
    const range = isCustom ? 'custom' : RANGES.includes(p.range) ? p.range : '7d';
    const bucket = p.bucket === 'hour' || p.bucket === 'day' ? p.bucket : isCustom ? bucketFor(custom) : range === '24h' ? 'hour' : 'day';
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
          ${RANGES.map((r) => html`<button aria-pressed=${r === range ? 'true' : 'false'} @click=${() => setParams({ range: r === '7d' ? undefined : r, since: undefined, until: undefined })}>${r}</button>`)}
        </span>
        <as-range-picker></as-range-picker>
        <span class="seg" role="group" aria-label="Bucket">
          ${(['hour', 'day'] as const).map((b) => html`<button aria-pressed=${b === bucket ? 'true' : 'false'} @click=${() => setParams({ bucket: b })}>per ${b}</button>`)}
        </span>
        <span class="hint" title="Days are cut at midnight in this time zone">${timeZone}</span>
      </div>
      ${c.error ? html`<div class="panel err">Could not load cost: ${c.error}</div>` : null}
      <section class="panel">
        <div class="totals">
          <span><span class="big" data-usd=${String(t?.cost_usd ?? 0)}>${!t?.cost_usd && t?.unpriced_tokens ? 'unpriced' : usd(t?.cost_usd ?? 0)}</span> <span class="muted">priced cost</span></span>
          <span><b title=${num(t?.total_tokens ?? 0)}>${tokens(t?.total_tokens ?? 0)}</b> <span class="muted">tokens</span></span>
          <span><b>${num(t?.api_requests ?? 0)}</b> <span class="muted">API requests</span></span>
          ${t?.unpriced_tokens
            ? html`<span class="warn" title="Usage of models with no known price: not included in the cost, not counted as $0">⚠ ${tokens(t.unpriced_tokens)} tokens unpriced — their cost is unknown</span>`
            : html`<span class="hint">all usage priced</span>`}
          ${c.loading ? html`<span class="hint">updating…</span>` : null}
        </div>
        <div class="toolbar" style="margin:0"><span class="hint">Cost report per ${bucket}</span><span class="spacer"></span><as-export-menu .table=${'timeline'} .extra=${this.exportExtra()}></as-export-menu></div>
        <as-chart class="cost-chart" .data=${this.chartData} .series=${SERIES[bucket]} height="220" bar-seconds=${bucket === 'hour' ? 3600 : 86400}
          x-label=${`${bucket === 'hour' ? 'hour' : 'day'} (${timeZone})`}></as-chart>
        ${this.renderPricing(d?.pricing ?? null)}
      </section>
      <div style="margin-top:12px"><as-budget-bars></as-budget-bars></div>
      <div style="margin-top:12px">${this.renderBlocks(c.blocks, isCustom)}</div>
      <div class="grid">
        ${this.breakdown('model', d?.by_model ?? [], 'model')}
        ${this.breakdown('project', d?.by_project ?? [], 'project')}
        ${this.breakdown('branch', d?.by_branch ?? [], 'branch')}
        ${this.breakdown('agent', d?.by_agent ?? [], 'agent_type', agentLabel)}
        ${(d?.by_machine ?? []).some((m) => m.machine !== '') ? this.breakdown('machine', d?.by_machine ?? [], 'machine') : null}
      </div>
      <div class="grid">
        <as-budget-editor></as-budget-editor>
        <as-alert-history></as-alert-history>
      </div>
    `;
  }
}

customElements.define('as-cost', CostView);
