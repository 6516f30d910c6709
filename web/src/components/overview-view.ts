/** Overview: the numbers that matter now, the last 24 hours, what is running, and the live feed. */
import { LitElement, css, html, type TemplateResult } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentColor, agentLabel, ago, clock, duration, num, pct, shortId, tokens, usd } from '../format.js';
import { hrefFor } from '../router.js';
import { fillTimeline } from '../timeline.js';
import type { ChartSeries } from './chart.js';
import './chart.js';
import './live-feed.js';
import './empty-state.js';
import './budget-bars.js';

const SERIES: ChartSeries[] = [
  { label: 'Events', color: '--accent', kind: 'bars', scale: 'y', format: (v) => tokens(v), integer: true },
  { label: 'Cost', color: '--claude', kind: 'line', scale: 'y2', format: (v) => usd(v) },
];

/** Time left in a block, to the minute ("3h 12m", "31m"): the card has no room for seconds. */
function minutesLeft(msLeft: number): string {
  const m = Math.max(0, Math.ceil(msLeft / 60_000));
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

export class OverviewView extends LitElement {
  static override styles = [
    shared,
    css`
      .cards {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(150px, 1fr));
        gap: 10px;
        margin-bottom: 12px;
      }
      .card {
        padding: 10px 12px;
      }
      .label {
        font-size: 11px;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--muted);
      }
      .value {
        font-size: 22px;
        font-weight: 650;
        font-variant-numeric: tabular-nums;
        line-height: 1.3;
      }
      .sub {
        font-size: 12px;
        color: var(--faint);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .value .proj {
        font-size: 14px;
        font-weight: 500;
        color: var(--muted);
      }
      .value.err {
        color: var(--err);
      }
      .figures {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 4px 20px;
        padding: 8px 12px;
        margin-bottom: 12px;
      }
      .figures b {
        font-variant-numeric: tabular-nums;
      }
      .mid {
        display: grid;
        grid-template-columns: minmax(0, 2fr) minmax(260px, 1fr);
        gap: 12px;
        margin-bottom: 12px;
      }
      @media (max-width: 900px) {
        .mid {
          grid-template-columns: 1fr;
        }
      }
      .active {
        max-height: 230px;
        overflow-y: auto;
      }
      .sess {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 2px 8px;
        padding: 5px 4px;
        border-bottom: 1px solid var(--border);
        color: var(--text);
      }
      .sess:hover {
        background: var(--surface-2);
        text-decoration: none;
      }
    `,
  ];

  private ctl = new StoreController(this);
  private chartFor: unknown = null;
  private chartData: [number[], number[], number[]] = [[], [], []];

  private card(label: string, value: string | TemplateResult, sub: string, opts: { err?: boolean; title?: string } = {}) {
    return html`<div class="panel card" title=${opts.title ?? ''}>
      <div class="label">${label}</div>
      <div class="value ${opts.err ? 'err' : ''}">${value}</div>
      <div class="sub">${sub}</div>
    </div>`;
  }

  private renderCards() {
    const s = store.state;
    const st = s.stats;
    const today = s.today;
    const block = s.blocks?.find((b) => b.active) ?? null;
    const last = s.timeline24h.length ? s.timeline24h[s.timeline24h.length - 1] : null;
    const lastHour = last && Date.now() - Date.parse(last.start) < 3_600_000 ? last : null;
    const unpricedToday = today?.unpriced_tokens ?? 0;
    return html`<section class="cards" aria-label="Summary">
      ${this.card('Active sessions', num(st?.active_sessions), `${num(st?.idle_sessions)} idle · ${num(st?.total_sessions)} total`)}
      ${this.card('Events', tokens(st?.total_events), `${num(lastHour?.events ?? 0)} this hour`)}
      ${this.card('Tokens', tokens(st?.total_tokens), today ? `${tokens(today.total_tokens)} today` : '–')}
      ${this.card(
        'Cost today',
        usd(today?.cost_usd ?? 0),
        unpricedToday ? `+ ${tokens(unpricedToday)} tokens unpriced` : `${usd(st?.total_cost_usd)} all time`,
        { title: 'Priced usage since local midnight. Unpriced tokens have no known price and are not in the total.' },
      )}
      ${this.card(
        'This block',
        // The projection sits beside the value, so the sub line stays short enough for a narrow card.
        block
          ? html`${usd(block.cost_usd)}${block.projected_usd !== null ? html` <span class="proj">→ ${usd(block.projected_usd)}</span>` : null}`
          : '–',
        block ? `${usd(block.burn_usd_per_hour)}/h · ${minutesLeft(Date.parse(block.end) - Date.now())} left` : 'no active 5-hour block',
        {
          title: block
            ? `5-hour usage block until ${clock(block.end).slice(0, 5)}: ${usd(block.cost_usd)} so far, burning ${usd(block.burn_usd_per_hour)}/h${block.projected_usd !== null ? `, projected ${usd(block.projected_usd)} at its end` : ''}`
            : '5-hour usage block',
        },
      )}
      ${this.card('Error rate', pct(st?.error_rate), `${num(st?.error_count)} errors`, { err: (st?.error_rate ?? 0) > 0.05 })}
    </section>`;
  }

  /** Code activity from the agents' OTLP metrics: only the figures that are not zero, or nothing. */
  private renderFigures() {
    const m = store.state.stats?.metrics;
    if (!m) return null;
    const byType = Object.entries(m.active_time_by_type ?? {});
    const figures = [
      [m.lines_added, html`<b class="ok">+${num(m.lines_added)}</b> lines added`],
      [m.lines_removed, html`<b class="err">−${num(m.lines_removed)}</b> removed`],
      [m.commits, html`<b>${num(m.commits)}</b> ${m.commits === 1 ? 'commit' : 'commits'}`],
      [m.pull_requests, html`<b>${num(m.pull_requests)}</b> ${m.pull_requests === 1 ? 'pull request' : 'pull requests'}`],
      [m.active_time_seconds, html`<b title=${byType.map(([k, v]) => `${k}: ${duration(v * 1000)}`).join(' · ')}>${duration(m.active_time_seconds * 1000)}</b> active`],
    ] as const;
    const shown = figures.filter(([value]) => value > 0);
    if (shown.length === 0) return null;
    return html`<section class="panel figures" aria-label="Code activity">
      ${shown.map(([, text]) => html`<span>${text}</span>`)}
      <span class="spacer"></span><span class="hint">from agent metrics · all time</span>
    </section>`;
  }

  private renderTimeline() {
    const t = store.state.timeline24h;
    // Same timeline, same array: the chart only redraws when the data really changed.
    if (this.chartFor !== t) {
      this.chartFor = t;
      const f = fillTimeline(t, 'hour', Date.now() - 23 * 3_600_000);
      this.chartData = [f.x, f.rows.map((r) => r?.events ?? 0), f.rows.map((r) => r?.cost_usd ?? 0)];
    }
    const data = this.chartData;
    return html`<section class="panel" aria-label="Last 24 hours">
      <h2>Last 24 hours <span class="hint">events per hour and cost</span></h2>
      <as-chart .data=${data} .series=${SERIES} height="190"></as-chart>
    </section>`;
  }

  private renderActive() {
    const rows = store.state.active;
    return html`<section class="panel" aria-label="Active sessions">
      <h2>Active now <span class="hint">${rows.length}</span></h2>
      <div class="active">
        ${rows.length === 0
          ? html`<div class="empty">No session is active.</div>`
          : rows.map(
              (r) => html`<a class="sess" href=${hrefFor('session', r.session_id)}>
                <span class="badge ellipsis" style="--c:${agentColor(r.agent_type)}">${agentLabel(r.agent_type)} · ${r.project ?? shortId(r.session_id)}</span>
                <span class="num">${usd(r.cost_usd)}</span>
                <span class="hint ellipsis">${r.branch ?? ''} ${r.models[0] ?? ''}</span>
                <span class="hint num">${num(r.event_count)} ev · ${ago(r.last_seen)}</span>
              </a>`,
            )}
      </div>
    </section>`;
  }

  protected override render() {
    const s = store.state;
    const empty = s.feed.length === 0 && s.stats !== null && s.stats.total_events === 0;
    if (empty) {
      return html`${this.renderCards()}${this.renderFigures()}<as-empty-state></as-empty-state>
        <section class="panel" style="margin-top:12px"><as-live-feed></as-live-feed></section>`;
    }
    return html`
      ${this.renderCards()} ${this.renderFigures()}
      <as-budget-bars compact style="display:block;margin-bottom:12px"></as-budget-bars>
      <div class="mid">${this.renderTimeline()} ${this.renderActive()}</div>
      <section class="panel"><as-live-feed></as-live-feed></section>
    `;
  }
}

customElements.define('as-overview', OverviewView);
