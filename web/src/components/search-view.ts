/**
 * Search: full-text search over what is stored (tools, commands and paths kept in metadata, error
 * messages, prompts when prompt storage is on), newest match first. Each result opens the session
 * page at that event (?event=SEQ). Runs on the server (GET /api/search); the query is in the URL.
 */
import { LitElement, css, html } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { agentColor, agentLabel, num, when } from '../format.js';
import { hrefFor, setParams } from '../router.js';
import { listRange, loadSearch } from '../store-lists.js';
import type { SearchHit } from '../types.js';
import { FocusFilterController } from './list-controls.js';

const RANGES = ['24h', '7d', '30d', '90d', 'all'];

/** The snippet with its matched words in <mark>: text only, never HTML from the server. */
function marked(hit: SearchHit) {
  const parts = [];
  let at = 0;
  for (const [start, end] of hit.highlights) {
    if (start < at) continue;
    parts.push(hit.snippet.slice(at, start), html`<mark>${hit.snippet.slice(start, end)}</mark>`);
    at = end;
  }
  parts.push(hit.snippet.slice(at));
  return parts;
}

export class SearchView extends LitElement {
  static override styles = [
    shared,
    css`
      form {
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
        align-items: center;
        margin-bottom: 10px;
      }
      input[type='search'] {
        flex: 1 1 260px;
        min-width: 0;
        height: 30px;
        font-size: 14px;
      }
      .hits {
        display: flex;
        flex-direction: column;
      }
      a.hit {
        display: grid;
        grid-template-columns: 150px minmax(0, 1fr);
        gap: 4px 12px;
        padding: 8px 10px;
        border-bottom: 1px solid var(--border);
        color: var(--text);
      }
      a.hit:hover {
        background: var(--surface-2);
        text-decoration: none;
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
        min-width: 0;
      }
      .snippet {
        grid-column: 2;
        font-family: var(--mono);
        font-size: 12px;
        color: var(--muted);
        overflow-wrap: anywhere;
      }
      mark {
        background: color-mix(in srgb, var(--warn) 35%, transparent);
        color: var(--text);
        border-radius: 2px;
      }
      .more {
        padding: 8px;
        text-align: center;
      }
      @media (max-width: 640px) {
        a.hit {
          grid-template-columns: minmax(0, 1fr);
        }
        .snippet {
          grid-column: 1;
        }
      }
    `,
  ];

  private ctl = new StoreController(this);
  private filterFocus = new FocusFilterController(this);

  private submit = (e: Event) => {
    e.preventDefault();
    const value = (this.renderRoot.querySelector('input') as HTMLInputElement).value.trim();
    setParams({ q: value || undefined });
  };

  private renderHit = (h: SearchHit) => html`<a class="hit" href=${hrefFor('session', h.session_id, { event: String(h.seq) })} data-seq=${h.seq}>
    <span class="num muted" style="text-align:left">${when(h.time)}</span>
    <span class="meta">
      <span class="badge" style="--c:${agentColor(h.agent_type)}">${agentLabel(h.agent_type)}</span>
      <span class="pill ${h.status === 'error' || h.event_type === 'api_error' ? 'error' : ''}">${h.event_type}</span>
      ${h.tool_name ? html`<b class="mono">${h.tool_name}</b>` : null}
      ${h.model ? html`<span class="muted">${h.model}</span>` : null}
      <span class="muted ellipsis">${h.project ?? ''}</span>
    </span>
    <span class="snippet">${marked(h)}</span>
  </a>`;

  protected override render() {
    const s = store.state;
    const p = s.route.params;
    const res = s.search;
    const agents = s.filterOptions?.agent_types ?? [];
    const hits = res.data?.hits ?? [];
    return html`
      <h2>Search <span class="hint">tools, commands and file paths, error messages, prompts when stored</span></h2>
      <form @submit=${this.submit} role="search">
        <input type="search" name="q" placeholder='Words, "a phrase", prefix*' aria-label="Search events" .value=${p.q ?? ''} />
        <select aria-label="Agent" @change=${(e: Event) => setParams({ agent_type: (e.target as HTMLSelectElement).value || undefined })}>
          <option value="" ?selected=${!p.agent_type}>Agent: all</option>
          ${agents.map((a) => html`<option value=${a} ?selected=${p.agent_type === a}>${agentLabel(a)}</option>`)}
        </select>
        ${listRange(p, 'all').custom
          ? html`<span class="hint">custom range</span>`
          : html`<span class="seg" role="group" aria-label="Time range">
              ${RANGES.map((r) => html`<button type="button" aria-pressed=${(p.range ?? 'all') === r ? 'true' : 'false'} @click=${() => setParams({ range: r === 'all' ? undefined : r })}>${r}</button>`)}
            </span>`}
        <button class="primary">Search</button>
      </form>
      <section class="panel" style="padding:0">
        ${res.error ? html`<div class="empty err">Search failed: ${res.error}</div>` : null}
        ${!p.q
          ? html`<div class="empty">Type words to find the events that hold them; a result opens its session at that event.</div>`
          : hits.length
            ? html`<div class="hits" aria-label="Search results">${hits.map(this.renderHit)}</div>`
            : html`<div class="empty">${res.loading ? 'Searching…' : res.error ? '' : 'Nothing stored matches.'}</div>`}
        ${res.data?.next
          ? html`<div class="more"><button @click=${() => loadSearch(store, false, true)} ?disabled=${res.loading}>Older matches</button></div>`
          : null}
      </section>
      <p class="hint">
        ${hits.length ? html`${num(hits.length)}${res.data?.next ? '+' : ''} matches, newest first. ` : null}
        ${res.data?.pending ? html`${num(res.data.pending)} events are still being indexed. ` : null}
        Whole words; every word must match. Prompt and command text are searchable only when prompt storage is on (AGENTSTATS_STORE_PROMPTS=1).
      </p>
    `;
  }
}

customElements.define('as-search', SearchView);
