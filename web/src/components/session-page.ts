/** One session: its summary, then timeline, tool calls, prompts, API calls, subagents and spans. */
import { LitElement, css, html, unsafeCSS, type TemplateResult } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentColor, agentLabel, clock, duration, errorText, eventSummary, eventTime, eventTokens, isError, ms, num, tokens, usd, when } from '../format.js';
import { hrefFor, setParams } from '../router.js';
import type { SessionDetail, StoredEvent } from '../types.js';
import { foldedIn, type FoldMap } from '../folded.js';
import { foldTag, importTag } from './row-tags.js';
import { sessionMs, sessionTokens, statusPill } from './sessions-view.js';
import './virtual-list.js';
import './session-tree.js';

type Tab = 'timeline' | 'tools' | 'prompts' | 'api' | 'subagents' | 'spans';

interface Derived {
  events: StoredEvent[];
  tools: StoredEvent[];
  prompts: StoredEvent[];
  api: StoredEvent[];
  /** Sightings already counted from another source: listed (dimmed), never counted or summed. */
  folds: FoldMap;
  /** Per tab, the rows that count (folded sightings left out). */
  counted: { events: number; tools: number; prompts: number; api: number };
  apiSum: { cost: number; tokens: number; unpriced: number; failed: number };
  byTool: Array<{ tool: string; calls: number; errors: number; total: number; max: number }>;
}

function derive(events: StoredEvent[]): Derived {
  const folds = foldedIn(events);
  const counts = (list: StoredEvent[]) => list.filter((e) => !folds.has(e)).length;
  const tools = events.filter((e) => e.event_type === 'tool_use');
  const api = events.filter((e) => e.event_type === 'api_request' || e.event_type === 'api_error');
  const prompts = events.filter((e) => e.event_type === 'user_prompt');
  const byTool = new Map<string, { tool: string; calls: number; errors: number; total: number; max: number }>();
  for (const e of tools) {
    if (folds.has(e)) continue;
    const name = e.tool_name ?? '(unknown)';
    const t = byTool.get(name) ?? { tool: name, calls: 0, errors: 0, total: 0, max: 0 };
    t.calls++;
    if (isError(e)) t.errors++;
    t.total += e.duration_ms ?? 0;
    t.max = Math.max(t.max, e.duration_ms ?? 0);
    byTool.set(name, t);
  }
  const apiSum = { cost: 0, tokens: 0, unpriced: 0, failed: 0 };
  for (const e of api) {
    if (folds.has(e)) continue;
    if (e.event_type === 'api_error') apiSum.failed++;
    apiSum.cost += e.cost_usd ?? 0;
    apiSum.tokens += eventTokens(e);
    if (e.cost_usd === null) apiSum.unpriced += eventTokens(e);
  }
  return {
    events,
    tools,
    prompts,
    api,
    folds,
    counted: { events: counts(events), tools: counts(tools), prompts: counts(prompts), api: counts(api) },
    apiSum,
    byTool: [...byTool.values()].sort((a, b) => b.calls - a.calls),
  };
}

const COLS: Record<string, string> = {
  timeline: '62px 58px 118px minmax(120px,1fr) 64px 64px 64px 56px',
  tools: '62px minmax(100px,160px) 64px 150px minmax(120px,1fr)',
  prompts: '62px 80px minmax(200px,1fr)',
  api: '62px minmax(120px,1fr) 66px 66px 66px 66px 70px 70px 62px',
};

export class SessionPage extends LitElement {
  static override styles = [
    shared,
    css`
      .head {
        margin-bottom: 12px;
      }
      .title {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 10px;
        font-size: 16px;
        font-weight: 650;
        margin: 4px 0 2px;
      }
      .facts {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(132px, 1fr));
        gap: 8px 14px;
        margin-top: 10px;
      }
      .facts div span {
        display: block;
      }
      .facts .wide {
        grid-column: span 2;
      }
      .k {
        white-space: nowrap;
        font-size: 11px;
        color: var(--muted);
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      .v {
        font-variant-numeric: tabular-nums;
        font-weight: 600;
      }
      /* A narrow screen scrolls the tab strip sideways; tabs never wrap. */
      [role='tablist'] {
        display: flex;
        gap: 2px;
        border-bottom: 1px solid var(--border);
        margin-bottom: 10px;
        overflow-x: auto;
        scrollbar-width: thin;
      }
      [role='tab'] {
        all: unset;
        flex: none;
        white-space: nowrap;
        cursor: pointer;
        padding: 6px 10px;
        color: var(--muted);
        border-bottom: 2px solid transparent;
        font-weight: 500;
      }
      [role='tab'][aria-selected='true'] {
        color: var(--text);
        border-bottom-color: var(--accent);
      }
      [role='tab']:focus-visible {
        outline: 2px solid var(--accent);
      }
      .count {
        color: var(--faint);
        margin-left: 4px;
      }
      as-vlist {
        max-height: max(280px, calc(100vh - 330px));
      }
      .durbar {
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .durbar .bar {
        flex: none;
      }
      .summary {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        margin-bottom: 8px;
      }
      .prompt {
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
    `,
    css`
      .row.target {
        background: var(--accent-soft);
        box-shadow: inset 3px 0 0 var(--accent);
      }
    `,
    unsafeCSS(Object.entries(COLS).map(([k, v]) => `.t-${k}{--cols:${v}}`).join('')),
  ];

  private ctl = new StoreController(this);
  private memo: Derived | null = null;
  /** The ?event= already scrolled to (with the events it was found in), so updates do not scroll again. */
  private scrolledTo: { seq: number; events: StoredEvent[] } | null = null;

  /** ?event=SEQ (from search or the errors view): the timeline scrolls to that event, highlighted. */
  private targetSeq(): number | null {
    const v = Number(store.state.route.params.event);
    return Number.isInteger(v) && v > 0 ? v : null;
  }

  protected override updated(): void {
    const seq = this.targetSeq();
    const d = store.state.detail.data;
    if (seq === null || !d || this.scrolledTo?.seq === seq) return;
    const at = d.events.findIndex((e) => e.seq === seq);
    if (at < 0) return;
    this.scrolledTo = { seq, events: d.events };
    const list = this.renderRoot.querySelector<HTMLElement & { rowHeight: number; updateComplete: Promise<unknown> }>('.t-timeline as-vlist');
    if (!list) return;
    list.scrollIntoView({ block: 'start' });
    // A few rows of context above the event; again once the list has laid out its full height.
    const apply = () => (list.scrollTop = Math.max(0, (at - 3) * list.rowHeight));
    apply();
    void list.updateComplete.then(() => requestAnimationFrame(apply));
  }

  private derived(d: SessionDetail): Derived {
    if (!this.memo || this.memo.events !== d.events) this.memo = derive(d.events);
    return this.memo;
  }

  private renderHead(d: SessionDetail, x: Derived) {
    const s = d.session;
    const fact = (k: string, v: unknown, title = '', wide = false) => html`<div title=${title} class=${wide ? 'wide' : ''}><span class="k">${k}</span><span class="v">${v}</span></div>`;
    return html`<section class="panel head">
      <a href=${hrefFor('sessions')}>← Sessions</a>
      <div class="title">
        <span class="badge" style="--c:${agentColor(s.agent_type)}">${agentLabel(s.agent_type)}</span>
        <span>${s.project ?? 'Session'}</span>
        ${s.branch ? html`<span class="pill">${s.branch}</span>` : null}
        ${statusPill(s.status)}
        ${s.end_reason ? html`<span class="hint">(${s.end_reason})</span>` : null}
      </div>
      <div class="mono muted">${s.session_id}${s.cwd ? html` · ${s.cwd}` : null}</div>
      ${s.parent_session_id
        ? html`<div>Subagent of <a class="mono" href=${hrefFor('session', s.parent_session_id)}>${s.parent_session_id}</a></div>`
        : null}
      <div class="facts">
        ${fact('Started', when(s.first_seen))} ${fact('Last activity', when(s.last_seen))}
        ${fact('Duration', duration(sessionMs(s)))} ${fact('Events', num(s.event_count))}
        ${fact('Prompts', num(s.prompt_count))} ${fact('Tool calls', num(s.tool_count))}
        ${fact('Errors', html`<span class=${s.error_count ? 'err' : ''}>${num(s.error_count)}</span>`)} ${fact('API calls', html`${num(s.api_request_count)}${x.apiSum.failed ? html` <span class="hint">+ ${num(x.apiSum.failed)} failed</span>` : null}`, 'successful API requests; failed ones (api_error) beside them')}
        ${fact('Tokens', tokens(sessionTokens(s)), 'input + output + cache read + cache write')}
        ${fact('Input / output', `${tokens(s.tokens_in)} / ${tokens(s.tokens_out)}`, `reasoning: ${num(s.reasoning_tokens)}`)}
        ${fact('Cache read / write', `${tokens(s.cache_read_tokens)} / ${tokens(s.cache_write_tokens)}`)}
        ${fact('Cost', !s.cost_usd && s.unpriced_tokens ? html`<span class="warn">unpriced</span> <span class="hint">${tokens(s.unpriced_tokens)} tokens</span>` : html`${usd(s.cost_usd)}${s.unpriced_tokens ? html` <span class="hint">+ ${tokens(s.unpriced_tokens)} unpriced</span>` : null}`)}
        ${fact('Models', s.models.join(', ') || '–', '', true)}
      </div>
    </section>`;
  }

  private renderTabs(d: SessionDetail, x: Derived, tab: Tab) {
    // Counts leave folded sightings out, as the session's own counters do; the rows still list them.
    const tabs: Array<[Tab, string, number, number]> = [
      ['timeline', 'Timeline', x.counted.events, x.events.length],
      ['tools', 'Tool calls', x.counted.tools, x.tools.length],
      ['prompts', 'Prompts', x.counted.prompts, x.prompts.length],
      ['api', 'API calls', x.counted.api, x.api.length],
      ['subagents', 'Subagents', d.children.length, d.children.length],
      ['spans', 'Spans', d.spans.length, d.spans.length],
    ];
    const countTitle = (n: number, listed: number) =>
      listed > n ? `${num(n)} counted · ${num(listed - n)} more ${listed - n === 1 ? 'sighting' : 'sightings'} of the same occurrences from another source, listed dimmed and counted once` : '';
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const i = tabs.findIndex(([t]) => t === tab);
      const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length][0];
      setParams({ tab: next === 'timeline' ? undefined : next }, { replace: true });
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-selected="true"]')?.focus());
    };
    return html`<div role="tablist" aria-label="Session details" @keydown=${onKey}>
      ${tabs.map(
        ([t, label, n, listed]) => html`<button role="tab" aria-selected=${t === tab ? 'true' : 'false'} tabindex=${t === tab ? 0 : -1} title=${countTitle(n, listed)}
          @click=${() => setParams({ tab: t === 'timeline' ? undefined : t }, { replace: true })}>${label}<span class="count">${num(n)}</span></button>`,
      )}
    </div>`;
  }

  private table(kind: string, head: TemplateResult, rows: StoredEvent[], row: (e: StoredEvent) => TemplateResult, emptyText: string) {
    return html`<div class="table t-${kind}" role="table">
      <div class="thead" role="row">${head}</div>
      ${rows.length ? html`<as-vlist .items=${rows} row-height="28" .renderRow=${row}></as-vlist>` : html`<div class="empty">${emptyText}</div>`}
    </div>`;
  }

  /** What the API calls listed add up to: counted calls only, so it matches the session's header. */
  private apiSummary(x: Derived) {
    const folded = x.api.length - x.counted.api;
    if (!x.api.length) return null;
    return html`<div class="summary api-sum">
      <span class="pill">${num(x.counted.api)} ${x.counted.api === 1 ? 'call' : 'calls'}${x.apiSum.failed ? ` (${num(x.apiSum.failed)} failed)` : ''} · ${!x.apiSum.cost && x.apiSum.unpriced ? 'unpriced' : usd(x.apiSum.cost)} · ${tokens(x.apiSum.tokens)} tokens</span>
      ${x.apiSum.unpriced ? html`<span class="pill">+ ${tokens(x.apiSum.unpriced)} tokens unpriced</span>` : null}
      ${folded ? html`<span class="hint" title="The same API call reported by another source as well: listed dimmed, not summed again">${num(folded)} more ${folded === 1 ? 'sighting' : 'sightings'} counted once</span>` : null}
    </div>`;
  }

  private renderTab(d: SessionDetail, x: Derived, tab: Tab) {
    const target = this.targetSeq();
    const start = Date.parse(d.session.first_seen);
    const offset = (e: StoredEvent) => `+${duration(Math.max(0, Date.parse(eventTime(e)) - start))}`;
    switch (tab) {
      case 'tools': {
        const max = Math.max(1, ...x.tools.map((e) => e.duration_ms ?? 0));
        return html`<div class="summary">
            ${x.byTool.map((t) => html`<span class="pill ${t.errors ? 'error' : ''}" title="avg ${ms(t.total / t.calls)}, max ${ms(t.max)}">${t.tool} · ${t.calls}${t.errors ? ` · ${t.errors} failed` : ''}</span>`)}
          </div>
          ${this.table('tools', html`<span>Time</span><span>Tool</span><span>Status</span><span>Duration</span><span>Error</span>`, x.tools,
            (e) => html`<div class="row ${isError(e) ? 'error' : ''} ${x.folds.has(e) ? 'folded' : ''}" data-source=${e.source}>
              <span class="num muted">${clock(eventTime(e))}</span><span class="ellipsis">${e.tool_name ?? '–'}</span>
              <span class=${isError(e) ? 'err' : 'ok'}>${e.status ?? '–'}</span>
              <span class="durbar"><span class="bar" style="width:${Math.max(2, ((e.duration_ms ?? 0) / max) * 80)}px"></span><span class="num">${ms(e.duration_ms)}</span></span>
              <span class="ellipsis keep">${importTag(e)}${foldTag(e, x.folds.get(e))}<span class="dim err" title=${errorText(e)}>${errorText(e)}</span></span>
            </div>`, 'No tool calls in this session.')}`;
      }
      case 'prompts': {
        const stored = store.state.hello?.store_prompts;
        return this.table('prompts', html`<span>Time</span><span class="num">Length</span><span>Prompt</span>`, x.prompts, (e) => {
          const text = typeof e.metadata.prompt === 'string' ? e.metadata.prompt : typeof e.metadata.prompt_text === 'string' ? e.metadata.prompt_text : null;
          const len = typeof e.metadata.prompt_length === 'number' ? e.metadata.prompt_length : text?.length;
          return html`<div class="row ${x.folds.has(e) ? 'folded' : ''}" data-source=${e.source}><span class="num muted">${clock(eventTime(e))}</span><span class="num">${len !== undefined ? `${len} ch` : '–'}</span>
            <span class="prompt keep">${importTag(e)}${foldTag(e, x.folds.get(e))}<span class="dim ${text ? '' : 'hint'}" title=${text ?? ''}>${text ?? (stored ? 'no text sent' : 'text not stored (AGENTSTATS_STORE_PROMPTS=1 keeps it)')}</span></span></div>`;
        }, 'No prompts in this session.');
      }
      case 'api':
        return html`${this.apiSummary(x)}${this.table('api', html`<span>Time</span><span>Model</span><span class="num">In</span><span class="num">Out</span><span class="num">Cache R</span><span class="num">Cache W</span><span class="num">Cost</span><span class="num">Duration</span><span>Status</span>`, x.api,
          (e) => html`<div class="row ${isError(e) ? 'error' : ''} ${x.folds.has(e) ? 'folded' : ''}" data-source=${e.source}><span class="num muted">${clock(eventTime(e))}</span>
            <span class="ellipsis keep">${importTag(e)}${foldTag(e, x.folds.get(e))}<span class="dim">${e.model ?? '–'}</span></span>
            <span class="num">${tokens(e.tokens_in)}</span><span class="num" title=${e.reasoning_tokens ? `${num(e.reasoning_tokens)} reasoning` : ''}>${tokens(e.tokens_out)}</span>
            <span class="num">${tokens(e.cache_read_tokens)}</span><span class="num">${tokens(e.cache_write_tokens)}</span>
            <span class="num" title=${e.cost_source ?? ''}>${e.cost_usd === null ? html`<span class="hint">unpriced</span>` : usd(e.cost_usd)}</span>
            <span class="num">${ms(e.duration_ms)}</span><span class=${isError(e) ? 'err ellipsis' : 'muted ellipsis'} title=${errorText(e)}>${isError(e) ? errorText(e) || 'error' : e.status ?? 'ok'}</span></div>`,
          'No API calls in this session.')}`;
      case 'subagents':
        return html`<as-session-tree .tree=${store.state.detail.tree}></as-session-tree>`;
      case 'spans':
        return html`<as-span-waterfall .spans=${d.spans}></as-span-waterfall>`;
      default:
        return this.table('timeline', html`<span>Time</span><span>Offset</span><span>Type</span><span>Detail</span><span class="num">Tokens</span><span class="num">Cost</span><span class="num">Duration</span><span>Source</span>`, x.events,
          (e) => html`<div class="row ${isError(e) ? 'error' : ''} ${x.folds.has(e) ? 'folded' : ''} ${e.seq === target ? 'target' : ''}" title=${e.event_id} data-source=${e.source} data-seq=${e.seq} aria-current=${e.seq === target ? 'true' : 'false'}><span class="num muted">${clock(eventTime(e))}</span><span class="num hint">${offset(e)}</span>
            <span class="ellipsis muted">${e.event_type}</span><span class="ellipsis keep ${isError(e) ? 'err' : ''}">${importTag(e)}${foldTag(e, x.folds.get(e))}<span class="dim">${eventSummary(e)}</span></span>
            <span class="num">${eventTokens(e) ? tokens(eventTokens(e)) : ''}</span><span class="num">${e.cost_usd ? usd(e.cost_usd) : ''}</span>
            <span class="num muted">${e.duration_ms !== null ? ms(e.duration_ms) : ''}</span><span class="hint">${e.source}</span></div>`,
          'No events stored for this session.');
    }
  }

  protected override render() {
    const d = store.state.detail;
    if (d.error) return html`<div class="panel empty">Could not load this session: ${d.error}. <a href=${hrefFor('sessions')}>All sessions</a></div>`;
    if (!d.data) return html`<div class="panel empty">Loading session…</div>`;
    const x = this.derived(d.data);
    const p = store.state.route.params;
    const tab = (['tools', 'prompts', 'api', 'subagents', 'spans'].includes(p.tab) ? p.tab : 'timeline') as Tab;
    return html`${this.renderHead(d.data, x)}
      <section class="panel">${this.renderTabs(d.data, x, tab)} ${this.renderTab(d.data, x, tab)}
        ${x.events.length >= 2000 ? html`<p class="hint">Showing the newest 2,000 events.</p>` : null}
        ${this.targetSeq() !== null && !x.events.some((e) => e.seq === this.targetSeq()) ? html`<p class="hint">Event #${this.targetSeq()} is not among the events shown (older than the newest 2,000, or pruned by retention).</p>` : null}
      </section>`;
  }
}

customElements.define('as-session-page', SessionPage);
