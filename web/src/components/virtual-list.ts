/**
 * A small fixed-row-height windowed list: only the rows in view (plus a margin) are in the DOM, so
 * a 100,000-row feed scrolls like a 50-row one. It renders into its light DOM so the rows are
 * styled by the view that uses it. Give it a height (or max-height) in CSS.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';

const OVERSCAN = 8;

export class VirtualList extends LitElement {
  static override properties = {
    items: { attribute: false },
    rowHeight: { type: Number, attribute: 'row-height' },
    renderRow: { attribute: false },
  };

  declare items: unknown[];
  declare rowHeight: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers pass their own typed row renderer; a Lit property cannot be generic
  declare renderRow: (item: any, index: number) => TemplateResult | typeof nothing;

  private top = 0;
  private viewport = 600;
  private frame = 0;
  private resize = new ResizeObserver(() => this.measure());

  constructor() {
    super();
    this.items = [];
    this.rowHeight = 28;
    this.renderRow = () => nothing;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.style.display = 'block';
    this.style.overflowY = 'auto';
    this.style.position = 'relative';
    this.style.overscrollBehavior = 'contain';
    this.addEventListener('scroll', this.onScroll, { passive: true });
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('scroll', this.onScroll);
    this.resize.disconnect();
    cancelAnimationFrame(this.frame);
  }

  private onScroll = (): void => {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.measure();
    });
  };

  private measure(): void {
    const top = this.scrollTop;
    const viewport = this.clientHeight || this.viewport;
    if (top !== this.top || viewport !== this.viewport) {
      this.top = top;
      this.viewport = viewport;
      this.requestUpdate();
    }
  }

  /** Scrolls back to the first row (e.g. when the feed's filter changes). */
  scrollToTop(): void {
    this.scrollTop = 0;
    this.top = 0;
    this.requestUpdate();
  }

  protected override render(): TemplateResult {
    const h = this.rowHeight;
    const count = this.items.length;
    const first = Math.max(0, Math.floor(this.top / h) - OVERSCAN);
    const last = Math.min(count, Math.ceil((this.top + this.viewport) / h) + OVERSCAN);
    const rows: TemplateResult[] = [];
    for (let i = first; i < last; i++) {
      rows.push(
        html`<div role="row" aria-rowindex=${i + 1} style="position:absolute;left:0;right:0;height:${h}px;transform:translateY(${i * h}px)">
          ${this.renderRow(this.items[i], i)}
        </div>`,
      );
    }
    return html`<div role="rowgroup" style="position:relative;height:${count * h}px">${rows}</div>`;
  }
}

customElements.define('as-vlist', VirtualList);

declare global {
  interface HTMLElementTagNameMap {
    'as-vlist': VirtualList;
  }
}
