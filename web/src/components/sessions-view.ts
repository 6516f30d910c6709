/** Sessions: every session, filterable and sortable, live-updated, paged from the server. */
import { LitElement, css, html, unsafeCSS } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentColor, agentLabel, duration, num, shortId, tokens, tokenUnit, usd, usdDecimals, when, type TokenUnit } from '../format.js';
import { hrefFor, setParams } from '../router.js';
import type { SessionRow } from '../types.js';
import './virtual-list.js';
import { FocusFilterController, sortHeader } from './list-controls.js';
import './export-menu.js';

const COLS = '64px 104px minmax(110px,1.3fr) minmax(80px,1fr) minmax(110px,1fr) 104px 72px 60px 66px 70px';

type SortKey = 'last_seen' | 'first_seen' | 'duration' | 'events' | 'tokens' | 'cost';

const SORTS: Record<SortKey, (s: SessionRow) => number> = {
  last_seen: (s) => Date.parse(s.last_seen),
  first_seen: (s) => Date.parse(s.first_seen),
  duration: (s) => sessionMs(s),
  events: (s) => s.event_count,
  tokens: (s) => sessionTokens(s),
  cost: (s) => s.cost_usd,
};

export function sessionMs(s: SessionRow): number {
  return Date.parse(s.ended_at ?? s.last_seen) - Date.parse(s.first_seen);
}

export function sessionTokens(s: SessionRow): number {
  return s.tokens_in + s.tokens_out + s.cache_read_tokens + s.cache_write_tokens;
}

export function statusPill(status: string) {
  return html`<span class="pill ${status === 'active' ? 'active' : ''}">${status}</span>`;
}

export class SessionsView extends LitElement {
  static override styles = [
    shared,
    css`
      .table {
        --cols: ${unsafeCSS(COLS)};
        --table-min: 960px;
      }
      as-vlist {
        max-height: max(300px, calc(100vh - 190px));
      }
      .sub {
        color: var(--faint);
        margin-right: 3px;
      }
      .more {
        padding: 8px;
        text-align: center;
      }
    `,
  ];

  private ctl = new StoreController(this);
  private filterFocus = new FocusFilterController(this);
  private cache: { rows: SessionRow[]; key: string; out: SessionRow[] } | null = null;

  /**
   * Every filter, the text search and the sort run on the server (store.loadSessions pages them in
   * that order). Sorting again here only places rows the stream updated since, with the server's
   * tie-break (session id).
   */
  private visible(rows: SessionRow[]): SessionRow[] {
    const p = store.state.route.params;
    const key = [p.sort, p.dir].join('|');
    if (this.cache && this.cache.rows === rows && this.cache.key === key) return this.cache.out;
    const sort = SORTS[p.sort as SortKey];
    let out = rows;
    if (sort) {
      const dir = p.dir === 'asc' ? 1 : -1;
      out = rows.slice().sort((a, b) => (sort(a) - sort(b) || (a.session_id < b.session_id ? -1 : 1)) * dir);
    }
    this.cache = { rows, key, out };
    return out;
  }

  /** One format per column over the loaded rows (decimals for cost, unit for tokens). */
  private columns: { rows: SessionRow[]; dec: number; tok: TokenUnit } | null = null;

  private columnFormats(rows: SessionRow[]): { dec: number; tok: TokenUnit } {
    if (this.columns?.rows !== rows) {
      this.columns = { rows, dec: usdDecimals(rows.map((r) => r.cost_usd)), tok: tokenUnit(rows.map(sessionTokens)) };
    }
    return this.columns;
  }

  private renderRow = (s: SessionRow) => html`<a class="row" href=${hrefFor('session', s.session_id)} title=${s.session_id}>
    <span>${statusPill(s.status)}</span>
    <span class="badge ellipsis" style="--c:${agentColor(s.agent_type)}">${agentLabel(s.agent_type)}</span>
    <span class="ellipsis">${s.parent_session_id ? html`<span class="sub" title="subagent">↳</span>` : null}${s.project || html`<span class="mono muted">${shortId(s.session_id)}</span>`}</span>
    <span class="ellipsis muted">${s.branch ?? ''}</span>
    <span class="ellipsis muted">${s.models.join(', ')}</span>
    <span class="num muted">${when(s.first_seen)}</span>
    <span class="num">${duration(sessionMs(s))}</span>
    <span class="num">${num(s.event_count)}</span>
    <span class="num">${tokens(sessionTokens(s), this.columns?.tok)}</span>
    <span class="num ${!s.cost_usd && s.unpriced_tokens ? 'warn' : ''}" title=${s.unpriced_tokens ? `${num(s.unpriced_tokens)} tokens unpriced` : ''}>${!s.cost_usd && s.unpriced_tokens ? 'unpriced' : `${usd(s.cost_usd, this.columns?.dec)}${s.unpriced_tokens ? '*' : ''}`}</span>
  </a>`;

  private select(param: string, label: string, values: string[], show: (v: string) => string = (v) => v) {
    const current = store.state.route.params[param] ?? '';
    // '' is the breakdowns' "(no project)" key, never a value to filter on.
    values = values.filter((v) => v !== '');
    // A deep link may name a value the options do not list (yet): still show it as chosen.
    if (current && !values.includes(current)) values = [current, ...values];
    return html`<select aria-label=${label} @change=${(e: Event) => setParams({ [param]: (e.target as HTMLSelectElement).value || undefined })}>
      <option value="" ?selected=${!current}>${label}: all</option>
      ${values.map((v) => html`<option value=${v} ?selected=${current === v}>${show(v)}</option>`)}
    </select>`;
  }

  protected override render() {
    const s = store.state;
    const list = s.sessions;
    const o = s.filterOptions;
    const rows = this.visible(list.data?.rows ?? []);
    this.columnFormats(list.data?.rows ?? []);
    const p = s.route.params;
    return html`
      <div class="toolbar">
        <h2 style="margin:0">Sessions <span class="hint">${rows.length}${list.data?.next ? '+' : ''} shown</span></h2>
        <span class="spacer"></span>
        <input type="search" placeholder="Search id, project, branch, model…" aria-label="Search sessions" .value=${p.q ?? ''}
          @input=${(e: Event) => setParams({ q: (e.target as HTMLInputElement).value || undefined }, { replace: true })} />
        ${this.select('status', 'Status', ['active', 'idle', 'ended'])}
        ${this.select('agent_type', 'Agent', o?.agent_types ?? [], agentLabel)}
        ${this.select('project', 'Project', o?.projects ?? [])}
        ${this.select('branch', 'Branch', o?.branches ?? [])}
        ${this.select('model', 'Model', o?.models ?? [])}
        <as-export-menu .table=${'sessions'} .extra=${{ status: p.status, q: p.q, sort: p.sort, order: p.sort && p.dir === 'asc' ? 'asc' : undefined }}></as-export-menu>
      </div>
      <div class="table" role="table" aria-label="Sessions">
        <div class="thead" role="row">
          <span>Status</span><span>Agent</span><span>Project</span><span>Branch</span><span>Model</span>
          ${sortHeader('first_seen', 'Started', 'last_seen')} ${sortHeader('duration', 'Duration', 'last_seen')} ${sortHeader('events', 'Events', 'last_seen')}
          ${sortHeader('tokens', 'Tokens', 'last_seen')} ${sortHeader('cost', 'Cost', 'last_seen')}
        </div>
        ${list.error ? html`<div class="empty err">Could not load sessions: ${list.error}</div>` : null}
        ${rows.length
          ? html`<as-vlist .items=${rows} row-height="30" .renderRow=${this.renderRow}></as-vlist>`
          : html`<div class="empty">${list.loading ? 'Loading…' : 'No session matches these filters.'}</div>`}
        ${list.data?.next
          ? html`<div class="more"><button @click=${() => store.loadSessions(false, true)} ?disabled=${list.loading}>Load older sessions</button></div>`
          : null}
      </div>
      ${rows.some((r) => r.unpriced_tokens > 0)
        ? html`<p class="hint unpriced-note">* part of the session's tokens have no known price; the cost shown covers the priced part.</p>`
        : null}
    `;
  }
}

customElements.define('as-sessions', SessionsView);
