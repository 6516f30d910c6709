/**
 * A uPlot time chart. x is unix seconds (uPlot formats it in the browser's time zone); each series
 * is bars or a line on the left (y) or right (y2) scale. Colours are theme variables, re-read when
 * the theme changes.
 */
import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

export interface ChartSeries {
  label: string;
  /** A CSS variable name, e.g. '--accent'. */
  color: string;
  kind: 'bars' | 'line';
  scale?: 'y' | 'y2';
  format?: (v: number) => string;
  /** Counts (events, tokens): the axis ticks only whole numbers, never 0.5 shown as "1". */
  integer?: boolean;
  /** A formatter for a whole axis, given its tick values (one unit and format per axis). */
  column?: (values: number[]) => (v: number) => string;
  /** The title of this series' axis, with its unit ("USD per day"); the first series of a scale names it. */
  axis?: string;
}

/** Tick steps for integer axes: 1, 2, 5, 10, 20, 50, … */
const INTEGER_INCRS = Array.from({ length: 13 }, (_, p) => [1, 2, 5].map((m) => m * 10 ** p)).flat();

export class TimeChart extends LitElement {
  static override properties = {
    data: { attribute: false },
    series: { attribute: false },
    height: { type: Number },
    barSeconds: { type: Number, attribute: 'bar-seconds' },
    xLabel: { type: String, attribute: 'x-label' },
  };

  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        position: relative;
        min-width: 0;
      }
      .u-legend {
        font-size: 11px;
        color: var(--muted);
        text-align: left;
        margin-top: 2px;
      }
      .u-legend .u-marker {
        border-radius: 2px;
      }
      .u-select {
        background: color-mix(in srgb, var(--accent) 15%, transparent);
      }
      .nodata {
        position: absolute;
        inset: 0 0 24px 0;
        display: grid;
        place-items: center;
        color: var(--faint);
        pointer-events: none;
      }
    `,
  ];

  declare data: [number[], ...Array<Array<number | null>>];
  declare series: ChartSeries[];
  declare height: number;
  declare barSeconds: number;
  declare xLabel: string;

  private plot: uPlot | null = null;
  private resize = new ResizeObserver(() => this.fit());
  private onTheme = () => this.rebuild();
  private media = matchMedia('(prefers-color-scheme: dark)');

  constructor() {
    super();
    this.data = [[]];
    this.series = [];
    this.height = 180;
    this.barSeconds = 3600;
    this.xLabel = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
    window.addEventListener('as-theme', this.onTheme);
    this.media.addEventListener('change', this.onTheme);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    window.removeEventListener('as-theme', this.onTheme);
    this.media.removeEventListener('change', this.onTheme);
    this.plot?.destroy();
    this.plot = null;
  }

  private points(): number {
    let n = 0;
    for (let s = 1; s < this.data.length; s++) for (const v of this.data[s]) if (v) n++;
    return n;
  }

  protected override render() {
    const points = this.points();
    this.dataset.points = String(points);
    return html`<div id="plot"></div>${points === 0 ? html`<div class="nodata">No data in this range</div>` : null}`;
  }

  protected override updated(changed: PropertyValues): void {
    if (!this.plot || changed.has('series') || changed.has('height') || changed.has('barSeconds') || changed.has('xLabel')) this.rebuild();
    else if (changed.has('data')) this.plot.setData(this.data);
  }

  private fit(): void {
    const width = Math.floor(this.clientWidth);
    if (this.plot && width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: this.height });
  }

  private rebuild(): void {
    const target = this.renderRoot.querySelector<HTMLElement>('#plot');
    if (!target) return;
    this.plot?.destroy();
    const style = getComputedStyle(this);
    const color = (name: string) => style.getPropertyValue(name).trim() || '#888';
    const muted = color('--muted');
    const grid = color('--border');
    const font = '11px system-ui, sans-serif';
    const bars = uPlot.paths.bars!({ size: [0.7, 48], gap: 1 });
    const hasY2 = this.series.some((s) => s.scale === 'y2');
    // The axis titles, readable by tests (the chart itself is canvas pixels).
    this.dataset.axes = [this.xLabel, ...this.series.map((s) => s.axis ?? '')].filter(Boolean).join('|');
    const axisFor = (s: ChartSeries | undefined, side: 1 | 3) => ({
      scale: side === 3 ? 'y' : 'y2',
      side,
      stroke: muted,
      font,
      // Wide enough for the longest tick label ("$1,000.00") beside the axis title.
      size: (_u: uPlot, values: string[] | null) => Math.max(40, ...(values ?? []).map((v) => v.length * 6.6 + 10)),
      grid: { stroke: grid, width: 1, show: side === 3 },
      ticks: { show: false },
      ...(s?.integer ? { incrs: INTEGER_INCRS } : {}),
      ...(s?.axis ? { label: s.axis, labelSize: 16, labelFont: font } : {}),
      values: (_u: uPlot, vals: number[]) => {
        const f = s?.column ? s.column(vals) : s?.format;
        const labels = vals.map((v) => (f ? f(v) : String(v)));
        // The drawn labels, readable by tests (the axis itself is canvas pixels).
        this.dataset[side === 3 ? 'yTicks' : 'y2Ticks'] = labels.join(',');
        return labels;
      },
    });

    const opts: uPlot.Options = {
      width: Math.max(200, Math.floor(this.clientWidth)),
      height: this.height,
      padding: [8, 4, 0, 0],
      cursor: { points: { size: 6 }, drag: { x: false, y: false } },
      legend: { show: true, live: true },
      scales: {
        // Half a bucket of room at each end, so the first and last bars are not cut in half.
        x: { time: true, range: (_u, min, max) => [min - this.barSeconds / 2, max + this.barSeconds / 2] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] }, y2: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        {
          stroke: muted,
          font,
          ...(this.xLabel ? { label: this.xLabel, labelSize: 16, labelFont: font } : {}),
          grid: { show: false },
          ticks: { stroke: grid, size: 4 },
          // Day buckets: ticks on days only (uPlot would otherwise pick 8-hour steps).
          ...(this.barSeconds >= 86_400 ? { incrs: [1, 2, 7, 14, 30, 91, 182, 365].map((d) => d * 86_400) } : {}),
        },
        axisFor(this.series.find((s) => (s.scale ?? 'y') === 'y'), 3),
        ...(hasY2 ? [axisFor(this.series.find((s) => s.scale === 'y2'), 1)] : []),
      ],
      series: [
        {},
        ...this.series.map((s) => {
          const c = color(s.color);
          return s.kind === 'bars'
            ? { label: s.label, scale: s.scale ?? 'y', stroke: c, fill: c + 'cc', width: 0, paths: bars, points: { show: false }, value: (_u: uPlot, v: number | null) => (v === null ? '–' : s.format ? s.format(v) : String(v)) }
            : { label: s.label, scale: s.scale ?? 'y', stroke: c, width: 1.75, points: { show: false }, value: (_u: uPlot, v: number | null) => (v === null ? '–' : s.format ? s.format(v) : String(v)) };
        }),
      ],
    };
    this.plot = new uPlot(opts, this.data, target);
  }
}

customElements.define('as-chart', TimeChart);
