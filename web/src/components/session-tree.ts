/** A session's subagents as a tree with cost per node, and its trace spans as a waterfall. */
import { LitElement, css, html, type TemplateResult } from 'lit';
import { shared } from '../styles.js';
import { agentColor, agentLabel, ms, num, shortId, tokens, usd } from '../format.js';
import { hrefFor } from '../router.js';
import type { TreeNode } from '../store.js';
import type { SpanRecord } from '../types.js';
import { sessionTokens, statusPill } from './sessions-view.js';
import './virtual-list.js';

function subtreeCost(n: TreeNode): number {
  return n.session.cost_usd + n.children.reduce((sum, c) => sum + subtreeCost(c), 0);
}

export class SessionTree extends LitElement {
  static override properties = { tree: { attribute: false } };
  static override styles = [
    shared,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      ul ul {
        margin-left: 18px;
        border-left: 1px dashed var(--border);
        padding-left: 8px;
      }
      .node {
        display: grid;
        grid-template-columns: minmax(200px, 1fr) 64px 70px 70px 80px 110px;
        gap: 10px;
        align-items: center;
        padding: 4px 6px;
        border-radius: 6px;
      }
      .node:hover {
        background: var(--surface-2);
      }
      .root > li > .node {
        font-weight: 600;
      }
      .legend {
        grid-template-columns: minmax(200px, 1fr) 64px 70px 70px 80px 110px;
        color: var(--muted);
        font-size: 11px;
        text-transform: uppercase;
      }
    `,
  ];

  declare tree: TreeNode | null;

  constructor() {
    super();
    this.tree = null;
  }

  private node(n: TreeNode, root: boolean): TemplateResult {
    const s = n.session;
    const total = subtreeCost(n);
    return html`<li role="treeitem" aria-expanded=${n.children.length ? 'true' : 'false'}>
      <div class="node">
        <span class="ellipsis">
          <span class="badge" style="--c:${agentColor(s.agent_type)}">${root ? 'This session' : html`<a href=${hrefFor('session', s.session_id)}>${s.metadata.agent_name ?? s.project ?? shortId(s.session_id)}</a>`}</span>
          <span class="hint mono">${shortId(s.session_id)} · ${agentLabel(s.agent_type)}</span>
        </span>
        <span>${statusPill(s.status)}</span>
        <span class="num">${num(s.event_count)}</span>
        <span class="num">${tokens(sessionTokens(s))}</span>
        <span class="num" title="this session's own cost">${!s.cost_usd && s.unpriced_tokens ? 'unpriced' : usd(s.cost_usd)}</span>
        <span class="num" title="including its subagents">${n.children.length ? html`Σ ${usd(total)}` : ''}</span>
      </div>
      ${n.children.length ? html`<ul role="group">${n.children.map((c) => this.node(c, false))}</ul>` : null}
    </li>`;
  }

  protected override render() {
    if (!this.tree) return html`<div class="empty">Loading…</div>`;
    if (this.tree.children.length === 0) return html`<div class="empty">This session started no subagents.</div>`;
    return html`<div class="node legend" aria-hidden="true"><span>Session</span><span>Status</span><span class="num">Events</span><span class="num">Tokens</span><span class="num">Own cost</span><span class="num">With subagents</span></div>
      <ul class="root" role="tree" aria-label="Subagents">${this.node(this.tree, true)}</ul>`;
  }
}

interface SpanRow {
  span: SpanRecord;
  depth: number;
  startMs: number;
  durMs: number;
}

export class SpanWaterfall extends LitElement {
  static override properties = { spans: { attribute: false } };
  static override styles = [
    shared,
    css`
      .table {
        --cols: minmax(180px, 2fr) 72px minmax(200px, 3fr);
      }
      as-vlist {
        max-height: max(280px, calc(100vh - 330px));
      }
      .track {
        position: relative;
        height: 12px;
        background: var(--surface-2);
        border-radius: 3px;
      }
      .span {
        position: absolute;
        top: 2px;
        height: 8px;
        min-width: 2px;
        border-radius: 2px;
        background: var(--accent);
      }
      .span.error {
        background: var(--err);
      }
    `,
  ];

  declare spans: SpanRecord[];
  private memo: { spans: SpanRecord[]; rows: SpanRow[]; t0: number; total: number } | null = null;

  constructor() {
    super();
    this.spans = [];
  }

  private layout() {
    if (this.memo?.spans === this.spans) return this.memo;
    const byId = new Map(this.spans.map((s) => [s.span_id, s]));
    const depthOf = (s: SpanRecord): number => {
      let d = 0;
      for (let p = s.parent_span_id ? byId.get(s.parent_span_id) : undefined; p && d < 20; p = p.parent_span_id ? byId.get(p.parent_span_id) : undefined) d++;
      return d;
    };
    const rows = this.spans.map((span) => {
      const startMs = Date.parse(span.start_time);
      const durMs = span.duration_ms ?? (span.end_time ? Date.parse(span.end_time) - startMs : 0);
      return { span, depth: depthOf(span), startMs, durMs };
    });
    const t0 = Math.min(...rows.map((r) => r.startMs));
    const end = Math.max(...rows.map((r) => r.startMs + r.durMs));
    this.memo = { spans: this.spans, rows, t0, total: Math.max(1, end - t0) };
    return this.memo;
  }

  protected override render() {
    if (this.spans.length === 0) {
      return html`<div class="empty">No trace spans for this session. Claude Code sends them with CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1 and OTEL_TRACES_EXPORTER=otlp; Codex with trace_exporter in [otel].</div>`;
    }
    const { rows, t0, total } = this.layout();
    const row = (r: SpanRow) => html`<div class="row" title="${r.span.name} · ${ms(r.durMs)}">
      <span class="ellipsis" style="padding-left:${r.depth * 12}px">${r.span.name}</span>
      <span class="num">${ms(r.durMs)}</span>
      <span class="track"><span class="span ${r.span.status_code === 2 ? 'error' : ''}" style="left:${((r.startMs - t0) / total) * 100}%;width:${(r.durMs / total) * 100}%"></span></span>
    </div>`;
    return html`<div class="table" role="table" aria-label="Spans">
      <div class="thead" role="row"><span>Span</span><span class="num">Duration</span><span>Timeline (${ms(total)})</span></div>
      <as-vlist .items=${rows} row-height="26" .renderRow=${row}></as-vlist>
    </div>`;
  }
}

customElements.define('as-session-tree', SessionTree);
customElements.define('as-span-waterfall', SpanWaterfall);
