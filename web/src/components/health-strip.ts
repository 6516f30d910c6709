/**
 * The health strip in the app's footer: each pipeline's queue depth and, per component, what it
 * accepted since the server started, with duplicates, refusals and failures beside it when there
 * are any (refusals in amber, failures in red). Read from the store (GET /api/health, refreshed
 * with the stream's stats messages); wraps on narrow windows.
 */
import { LitElement, css, html, nothing } from 'lit';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { tokens } from '../format.js';
import { KIND_LABELS, byKind, describe, type ComponentHealth } from '../health.js';

export class HealthStrip extends LitElement {
  static override styles = [
    shared,
    css`
      .strip {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 14px;
        padding: 6px 16px;
        border-top: 1px solid var(--border);
        background: var(--surface);
        font-size: 12px;
        color: var(--muted);
      }
      .group {
        display: inline-flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 6px;
        min-width: 0;
      }
      .lead {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      .label {
        color: var(--faint);
        font-size: 11px;
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      .c {
        display: inline-flex;
        align-items: baseline;
        gap: 4px;
        padding: 1px 6px;
        border: 1px solid var(--border);
        border-radius: 4px;
        white-space: nowrap;
        font-variant-numeric: tabular-nums;
      }
      .c b {
        color: var(--text);
        font-weight: 600;
      }
      .c[data-state='refused'] {
        border-color: color-mix(in srgb, var(--warn) 55%, var(--border));
      }
      .c[data-state='failed'] {
        border-color: color-mix(in srgb, var(--err) 55%, var(--border));
        background: var(--err-soft);
      }
      .dup {
        color: var(--faint);
      }
      .ref {
        color: var(--warn);
        font-weight: 600;
      }
      .fail {
        color: var(--err);
        font-weight: 600;
      }
      @media (max-width: 640px) {
        .strip {
          padding: 6px 8px;
          gap: 4px 6px;
        }
        /* Narrow: one flow of chips, so a group does not start a new line of its own. */
        .group {
          display: contents;
        }
        .label {
          margin-left: 4px;
        }
      }
    `,
  ];

  private ctl = new StoreController(this);

  private chip(c: ComponentHealth) {
    const state = c.failed > 0 ? 'failed' : c.refused > 0 ? 'refused' : 'ok';
    // Spaces between the parts (not only the flex gap), so the text reads right when copied or spoken.
    const part = (n: number, cls: string, word: string) => (n > 0 ? html` <span class=${cls}>${tokens(n)} ${word}</span>` : nothing);
    // A forwarder (the otlp exporter) also says what waits, whether it is retrying and what it dropped.
    const f = c.state;
    const forward = f
      ? html`${part(f.backlog ?? 0, 'dup', 'waiting')}${f.failing ? html` <span class="ref" data-retrying>retrying (${tokens(f.retries ?? 0)})</span>` : nothing}${part(f.dropped ?? 0, 'fail', 'dropped')}`
      : nothing;
    return html`<span class="c" data-component="${c.kind}:${c.id}" data-state=${f?.failing ? 'refused' : state} title=${describe(c)}
      >${c.id} <b>${tokens(c.accepted)}</b>${part(c.duplicate, 'dup', 'dup')}${part(c.refused, 'ref', 'refused')}${part(c.failed, 'fail', 'failed')}${forward}</span
    >`;
  }

  protected override render() {
    const h = store.state.health;
    if (!h) return nothing;
    const queue =
      h.pipelines.length === 1
        ? html`<span class="c" data-queue=${h.pipelines[0].name} title="Items waiting in pipeline ${h.pipelines[0].name}">queue <b>${tokens(h.queue_depth)}</b></span>`
        : h.pipelines.map((p) => html`<span class="c" data-queue=${p.name} title="Items waiting in pipeline ${p.name}">${p.name} <b>${tokens(p.queue_depth)}</b></span>`);
    return html`<div class="strip" role="status" aria-label="Pipeline health: items since start">
      <span class="group">${queue}</span>
      ${byKind(h.components).map(
        // The label and the first chip stay together, so a label never ends a line alone.
        ([kind, [first, ...rest]]) =>
          html`<span class="group"><span class="lead"><span class="label">${KIND_LABELS[kind] ?? kind}</span>${this.chip(first)}</span>${rest.map((c) => this.chip(c))}</span>`,
      )}
    </div>`;
  }
}

customElements.define('as-health-strip', HealthStrip);
