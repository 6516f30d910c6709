/**
 * The live feed: events newest first by when they happened (feed-order.ts), capped at the server's
 * exporters.sse.max_feed (sent in the stream's hello), with pause/resume and filters. History
 * arriving now (an import of old transcripts) sorts below live activity; what falls out of the
 * window is counted in one "+N older history events" tag; rows not from today show their date and
 * imported rows are tagged.
 */
import { LitElement, css, html, unsafeCSS } from 'lit';
import { setParams, hrefFor } from '../router.js';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentColor, agentLabel, eventSummary, eventTime, eventTokens, isError, ms, num, shortId, stamp, tokens, tokenUnit, usd, usdDecimals, when, type TokenUnit } from '../format.js';
import { foldedIn, type FoldMap } from '../folded.js';
import { foldTag, importTag } from './row-tags.js';
import type { StoredEvent } from '../types.js';
import './virtual-list.js';
import { FocusFilterController } from './list-controls.js';

const COLS = '92px 104px 112px minmax(120px,1fr) 64px 64px 64px 76px';

export class LiveFeed extends LitElement {
  static override styles = [
    shared,
    css`
      .table {
        --cols: ${unsafeCSS(COLS)};
        --table-min: 800px;
      }
      as-vlist {
        max-height: 440px;
      }
      /* A phone keeps the key columns (time, type, what, tokens, cost) without sideways scrolling. */
      @media (max-width: 640px) {
        .table {
          --cols: 64px 84px minmax(100px, 1fr) 52px 60px;
          --table-min: 0;
        }
        .thead > :nth-child(2),
        .row > :nth-child(2),
        .thead > :nth-child(7),
        .row > :nth-child(7),
        .thead > :nth-child(8),
        .row > :nth-child(8) {
          display: none;
        }
      }
      .type {
        color: var(--muted);
      }
      .new {
        color: var(--accent);
        font-weight: 600;
      }
      .row.fresh {
        animation: flash 1.2s ease-out;
      }
      @keyframes flash {
        from {
          background: var(--accent-soft);
        }
      }
    `,
  ];

  private ctl = new StoreController(this);
  private filterFocus = new FocusFilterController(this);
  private lastFilterKey = '';
  private cache: { feed: StoredEvent[]; key: string; rows: StoredEvent[] } | null = null;
  private folds: { feed: StoredEvent[]; map: FoldMap } | null = null;

  /** Folded sightings among the events the feed holds (see folded.ts). */
  private foldMap(): FoldMap {
    const feed = store.state.feed;
    if (!this.folds || this.folds.feed !== feed) this.folds = { feed, map: foldedIn(feed) };
    return this.folds.map;
  }

  private rows(): StoredEvent[] {
    const p = store.state.route.params;
    const q = (p.q ?? '').toLowerCase();
    const agent = p.agent ?? '';
    const type = p.type ?? '';
    const key = `${q}|${agent}|${type}`;
    const feed = store.state.feed;
    if (this.cache && this.cache.feed === feed && this.cache.key === key) return this.cache.rows;
    const rows =
      !q && !agent && !type
        ? feed
        : feed.filter(
            (e) =>
              (!agent || e.agent_type === agent) &&
              (!type || e.event_type === type) &&
              (!q ||
                [e.event_type, e.tool_name, e.model, e.session_id, e.project, e.branch, e.agent_type, e.status, e.source]
                  .some((v) => v && v.toLowerCase().includes(q))),
          );
    this.cache = { feed, key, rows };
    if (key !== this.lastFilterKey) {
      this.lastFilterKey = key;
      this.renderRoot.querySelector('as-vlist')?.scrollToTop();
    }
    return rows;
  }

  /** One format per column over the events the feed holds. */
  private columns: { feed: StoredEvent[]; dec: number; tok: TokenUnit } = { feed: [], dec: 2, tok: { div: 1, suffix: '' } };

  private columnFormats(): void {
    const feed = store.state.feed;
    if (this.columns.feed !== feed) {
      this.columns = { feed, dec: usdDecimals(feed.map((e) => e.cost_usd)), tok: tokenUnit(feed.map(eventTokens)) };
    }
  }

  private renderRow = (e: StoredEvent) => {
    const fresh = Date.now() - Date.parse(e.created_at) < 1500;
    const fold = this.foldMap().get(e);
    const at = eventTime(e);
    return html`<a class="row ${isError(e) ? 'error' : ''} ${fresh ? 'fresh' : ''} ${fold ? 'folded' : ''}" role="link" href=${hrefFor('session', e.session_id)} data-seq=${e.seq} data-source=${e.source}
      title=${`${e.event_id} · happened ${when(at)} · arrived ${when(e.created_at)} via ${e.source}`}>
      <span class="num muted">${stamp(at)}</span>
      <span class="badge ellipsis" style="--c:${agentColor(e.agent_type)}">${agentLabel(e.agent_type)}</span>
      <span class="type ellipsis">${e.event_type}</span>
      <span class="ellipsis keep ${isError(e) ? 'err' : ''}">${importTag(e)}${foldTag(e, fold)}<span class="dim">${eventSummary(e)}</span></span>
      <span class="num">${eventTokens(e) ? tokens(eventTokens(e), this.columns.tok) : ''}</span>
      <span class="num ${e.cost_usd === null && eventTokens(e) ? 'warn' : ''}">${e.cost_usd ? usd(e.cost_usd, this.columns.dec) : e.cost_usd === null && eventTokens(e) ? 'unpriced' : ''}</span>
      <span class="num muted">${e.duration_ms !== null ? ms(e.duration_ms) : ''}</span>
      <span class="mono muted ellipsis">${shortId(e.session_id)}</span>
    </a>`;
  };

  /**
   * The feed holds only the newest events (200 after a reload, up to max_feed live), so the total
   * comes from the stats, not from the feed's length.
   */
  private countHint(shown: number): string {
    const s = store.state;
    const loaded = s.feed.length;
    const total = s.stats?.total_events;
    const head = shown === loaded ? `${num(loaded)} latest` : `${num(shown)} of ${num(loaded)} latest`;
    return total !== undefined && total > loaded ? `${head} · ${num(total)} total` : head;
  }

  protected override render() {
    const s = store.state;
    const p = s.route.params;
    const opts = s.filterOptions;
    const rows = this.rows();
    this.columnFormats();
    const setFilter = (k: string) => (e: Event) => setParams({ [k]: (e.target as HTMLSelectElement).value || undefined });
    return html`
      <div class="toolbar">
        <h2 style="margin:0">Live feed <span class="hint" title=${`The feed keeps the newest ${num(store.maxFeed)} events; every event stays stored.`}>${this.countHint(rows.length)}</span>
          <span class="hint" title="Newest on top by when it happened, not when it arrived: an import of old history sorts below what is happening now (its rows show their date and an “imported” tag).">· by event time</span></h2>
        ${s.historyOut
          ? html`<a class="tag import history-out" href=${hrefFor('sessions')} title="History events (imported or arriving late) older than the feed's window: stored and counted, not listed here">+${num(s.historyOut)} older history events</a>`
          : null}
        ${s.paused && s.held.length ? html`<span class="new" role="status">${s.held.length} new</span>` : null}
        <span class="spacer"></span>
        <input
          type="search"
          placeholder="Filter: tool, model, session…"
          aria-label="Filter the feed"
          .value=${p.q ?? ''}
          @input=${(e: Event) => setParams({ q: (e.target as HTMLInputElement).value || undefined }, { replace: true })}
        />
        <select aria-label="Agent" @change=${setFilter('agent')}>
          <option value="" ?selected=${!p.agent}>All agents</option>
          ${(opts?.agent_types ?? []).filter(Boolean).map((a) => html`<option value=${a} ?selected=${p.agent === a}>${agentLabel(a)}</option>`)}
        </select>
        <select aria-label="Event type" @change=${setFilter('type')}>
          <option value="" ?selected=${!p.type}>All types</option>
          ${(opts?.event_types ?? []).filter(Boolean).map((t) => html`<option value=${t} ?selected=${p.type === t}>${t}</option>`)}
        </select>
        <button @click=${() => store.setPaused(!s.paused)} aria-pressed=${s.paused ? 'true' : 'false'} title="Pause or resume (p)">
          ${s.paused ? '▶ Resume' : '❚❚ Pause'}
        </button>
        <button @click=${() => store.clearFeed()} title="Clear the feed (the events stay stored)">Clear</button>
      </div>
      <div class="table" role="table" aria-label="Live feed">
        <div class="thead" role="row">
          <span>Time</span><span>Agent</span><span>Type</span><span>Detail</span>
          <span class="num">Tokens</span><span class="num">Cost</span><span class="num">Duration</span><span>Session</span>
        </div>
        ${rows.length
          ? html`<as-vlist .items=${rows} row-height="28" .renderRow=${this.renderRow}></as-vlist>`
          : html`<div class="empty">${s.feed.length ? 'No event matches the filter.' : 'Waiting for events…'}</div>`}
      </div>
    `;
  }
}

customElements.define('as-live-feed', LiveFeed);
