import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { isValidSymbol } from '../../protocol/channels.js';
import { emit } from '../shared/events.js';
import { ChartFeedController } from './chart-feed-controller.js';
import { chartFormatters } from './chart-format.js';
import { ChartModel } from './chart-model.js';
import { fitScale, renderChart, type ChartFormatters, type SeriesStyle } from './chart-renderer.js';
import type { ChartScale } from './chart-scale.js';
import { ChartSurface, DIRTY_MAIN, DIRTY_OVERLAY } from './chart-surface.js';
import { readChartTheme, type ChartTheme } from './chart-theme.js';
import { ChartScroller } from './chart-scroll.js';
import { renderCrosshair } from './crosshair-renderer.js';
import { parseDuration } from './duration.js';
import { realtimeChartStyles } from './realtime-chart.styles.js';

/** Series styles of the `type` attribute. */
export type ChartType = SeriesStyle;

const DEFAULT_WINDOW = 5 * 60_000;
const DEFAULT_INTERVAL = 5_000;

/**
 * A live price chart of one symbol, drawn on canvas.
 *
 * @tagname realtime-chart
 * @summary Live line, area or candlestick chart with history backfill and a crosshair.
 *
 * @csspart base - The chart area (role=img).
 * @csspart tooltip - The crosshair tooltip.
 * @csspart summary - The visually hidden text summary (last, high, low).
 *
 * @cssproperty [--mp-chart-height=240px] - Height of the chart.
 * @cssproperty [--mp-chart-line=var(--mp-color-accent)] - Colour of the line and last-price marker.
 * @cssproperty [--mp-chart-area=var(--mp-chart-line)] - Colour of the area fill.
 * @cssproperty [--mp-color-up=#0a7a35] - Rising candles.
 * @cssproperty [--mp-color-down=#c0262d] - Falling candles.
 * @cssproperty [--mp-color-border=#d5dae0] - Grid lines.
 * @cssproperty [--mp-color-muted=#5a6470] - Axis labels and crosshair.
 * @cssproperty [--mp-color-bg=#ffffff] - Background.
 *
 * @fires {CustomEvent<PauseChangeDetail>} mp-pause-change - The user paused (pointer over the chart) or resumed it. Not fired when `paused` is set from script.
 */
export class RealtimeChart extends LitElement {
  // The reactive properties, declared here rather than with decorators so that pages bundle no
  // decorator helpers; the fields below carry their docs and defaults.
  static override properties: PropertyDeclarations = {
    symbol: {},
    window: {},
    type: {},
    interval: {},
    paused: { type: Boolean, reflect: true },
    locale: {},
    precision: { type: Number },
    label: {},
    theme: { reflect: true },
    summary: { state: true, attribute: false },
  };

  static override styles = realtimeChartStyles;

  /** The symbol to chart, e.g. `BTC-USD`. */
  symbol = '';
  /** Time span shown, back from the newest tick: `30s`, `5m`, `1h`. */
  window = '5m';
  /** `line`, `area` or `candles` (OHLC aggregated from ticks at `interval`). */
  type: ChartType = 'line';
  /** Candle duration: `1s`, `5s`, `1m`. */
  interval = '5s';
  /** Freezes the picture; ticks are kept and shown on resume. The pointer over the chart pauses too. */
  paused = false;
  /** BCP 47 locale of labels. */
  locale?: string;
  /** Fraction digits of prices; default depends on the magnitude. */
  precision?: number;
  /** Accessible name; default "<symbol> price chart". */
  label?: string;
  /** Colour scheme: `light`, `dark`, or unset to follow `prefers-color-scheme`. */
  theme?: 'light' | 'dark';

  /** Text summary for assistive technology, refreshed at most once a second. */
  private summary = '';
  readonly #parts = new Map<string, Element>();
  readonly #contexts = new Map<string, CanvasRenderingContext2D>();

  readonly #model = new ChartModel(DEFAULT_WINDOW, DEFAULT_INTERVAL);
  readonly #scroller = new ChartScroller();
  #hovering = false;
  #pointer: { x: number; y: number } | null = null;
  #scale: ChartScale | null = null;
  #chartTheme: ChartTheme | null = null;
  #format: ChartFormatters | undefined;
  /** Whether the overlay shows a crosshair now (a blank overlay is not cleared again). */
  #crosshairShown = false;
  #summaryTimer: ReturnType<typeof setTimeout> | undefined;
  #lastSummaryAt = 0;
  #draws = 0;
  readonly #colorScheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
  readonly #onSchemeChange = () => this.refreshTheme();

  readonly #surface = new ChartSurface(this, {
    container: () => this.#shadowPart<HTMLElement>('.base'),
    canvases: () => [this.#shadowPart<HTMLCanvasElement>('canvas.main'), this.#shadowPart<HTMLCanvasElement>('canvas.overlay')].filter((c): c is HTMLCanvasElement => !!c),
    draw: (mask) => this.#draw(mask),
  });

  readonly #feeds = new ChartFeedController(this, this.#model, {
    symbol: () => this.symbol,
    frozen: () => this.frozen,
    onChange: () => this.#changed(),
  });

  /** A part of the shadow DOM, looked up once: the template keeps its nodes for the element's life. */
  #shadowPart<T extends Element = HTMLElement>(selector: string): T | undefined {
    let element = this.#parts.get(selector);
    if (!element) {
      element = this.renderRoot?.querySelector(selector) ?? undefined;
      if (element) this.#parts.set(selector, element);
    }
    return element as T | undefined;
  }

  /** The 2D context of one of the two canvases. */
  #context(selector: 'canvas.main' | 'canvas.overlay'): CanvasRenderingContext2D | undefined {
    let ctx = this.#contexts.get(selector);
    if (!ctx) {
      ctx = this.#shadowPart<HTMLCanvasElement>(selector)?.getContext('2d') ?? undefined;
      if (ctx) this.#contexts.set(selector, ctx);
    }
    return ctx;
  }

  /** Main-canvas draws so far (diagnostics: at most one per animation frame). */
  get drawCount(): number {
    return this.#draws;
  }

  /** Whether the picture is frozen (by `paused` or by the pointer). */
  get frozen(): boolean {
    return this.paused || this.#hovering;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#colorScheme?.addEventListener('change', this.#onSchemeChange);
    this.refreshTheme();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#colorScheme?.removeEventListener('change', this.#onSchemeChange);
    clearTimeout(this.#summaryTimer);
    this.#summaryTimer = undefined;
  }

  /** Reads the colours again from CSS (call after changing `--mp-*` properties from script). */
  refreshTheme(): void {
    this.#chartTheme = null;
    this.#surface.invalidate(DIRTY_MAIN | DIRTY_OVERLAY);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('window') || changed.has('interval')) {
      this.#model.configure(parseDuration(this.window, DEFAULT_WINDOW), parseDuration(this.interval, DEFAULT_INTERVAL));
    }
    if (changed.has('paused') && !this.frozen) this.#feeds.release();
    if (changed.has('theme')) this.refreshTheme();
    if (changed.has('locale') || changed.has('precision')) this.#format = undefined;
    if (['type', 'locale', 'precision', 'window', 'interval'].some((key) => changed.has(key as keyof RealtimeChart))) this.#surface.invalidate(DIRTY_MAIN | DIRTY_OVERLAY);
  }

  #changed(): void {
    // The overlay follows the series only while it shows a crosshair.
    this.#surface.invalidate(this.#crosshairShown || this.#pointer ? DIRTY_MAIN | DIRTY_OVERLAY : DIRTY_MAIN);
    if (this.#model.count('line') === 0) {
      this.summary = '';
      this.requestUpdate(); // what the empty chart says may change (an empty backfill: "No data")
      return;
    }
    if (this.#summaryTimer !== undefined) return;
    const delay = Math.max(0, 1000 - (Date.now() - this.#lastSummaryAt));
    this.#summaryTimer = setTimeout(() => {
      this.#summaryTimer = undefined;
      this.#lastSummaryAt = Date.now();
      this.summary = this.#describe();
    }, delay);
  }

  #formatters(): ChartFormatters {
    return (this.#format ??= chartFormatters(this.locale, this.precision));
  }

  /** "Last 64,012.50, high 64,100.00, low 63,900.00." */
  #describe(): string {
    const extent = this.#model.extent('candles');
    if (!extent) return '';
    const { price } = this.#formatters();
    return `Last ${price(this.#model.lastPrice)}, high ${price(extent.vMax)}, low ${price(extent.vMin)}.`;
  }

  #draw(mask: number): void {
    this.#chartTheme ??= readChartTheme(this);
    const format = this.#formatters();
    const kind = this.type === 'candles' ? 'candles' : 'line';
    if (mask & DIRTY_MAIN) {
      const ctx = this.#context('canvas.main');
      if (ctx) {
        const extent = this.#model.extent(kind);
        const { width, height, ratio } = this.#surface;
        this.#scale = extent ? fitScale(ctx, width, height, ratio, extent, this.#model.lastPrice, this.#chartTheme, format, kind === 'line') : null;
        if (!this.#scale) this.#scroller.reset();
        const repaint = this.#scale && this.#scroller.scroll(ctx, this.#model, this.type, this.#scale, this.#chartTheme, format);
        renderChart(ctx, this.#model, this.type, this.#scale, this.#chartTheme, format, repaint);
        this.#draws++;
      }
    }
    if (mask & DIRTY_OVERLAY) this.#drawCrosshair(kind, format);
  }

  #drawCrosshair(kind: 'line' | 'candles', format: ChartFormatters): void {
    const ctx = this.#context('canvas.overlay');
    const tooltip = this.#shadowPart('.tooltip');
    const scale = this.#scale;
    const index = scale && this.#pointer ? this.#model.nearest(kind, scale.timeAt(this.#pointer.x * scale.ratio)) : -1;
    if (!ctx || !scale || index < 0 || !this.#chartTheme) {
      // Clearing a blank overlay (and hiding a hidden tooltip) would still cost a canvas upload
      // and a style recalculation per frame.
      if (ctx && this.#chartTheme && this.#crosshairShown) renderCrosshair(ctx, null, null, this.#chartTheme);
      this.#crosshairShown = false;
      if (tooltip && !tooltip.hidden) tooltip.hidden = true;
      return;
    }
    const time = this.#model.time(kind, index);
    const candle = kind === 'candles' ? this.#model.candle(index) : null;
    const value = candle ? candle.close : this.#model.value(index);
    const x = scale.x(candle ? time + this.#model.interval / 2 : time);
    const y = scale.y(value);
    renderCrosshair(ctx, scale, { x, y }, this.#chartTheme);
    this.#crosshairShown = true;
    if (!tooltip) return;
    tooltip.textContent = candle
      ? `${format.time(time)}  O ${format.price(candle.open)}  H ${format.price(candle.high)}  L ${format.price(candle.low)}  C ${format.price(candle.close)}`
      : `${format.time(time)}  ${format.price(value)}`;
    tooltip.hidden = false;
    // Beside the crosshair, on the side with more room, and never outside the chart.
    const cssX = x / scale.ratio;
    const cssWidth = this.#surface.width / scale.ratio;
    const tipWidth = tooltip.offsetWidth;
    const left = cssX > cssWidth / 2 ? cssX - 8 - tipWidth : cssX + 8;
    tooltip.style.transform = `translate(${Math.round(Math.max(4, Math.min(left, cssWidth - tipWidth - 4)))}px, 8px)`;
  }

  /** A lost canvas comes back blank: nothing drawn before can be scrolled. */
  #onContextRestored(): void {
    this.#scroller.reset();
    this.#surface.invalidate(DIRTY_MAIN);
  }

  #onPointerEnter(): void {
    this.#hovering = true;
    if (!this.paused) emit(this, 'mp-pause-change', { paused: true });
  }

  #onPointerMove(event: PointerEvent): void {
    this.#pointer = { x: event.offsetX, y: event.offsetY };
    this.#surface.invalidate(DIRTY_OVERLAY);
  }

  #onPointerLeave(): void {
    this.#hovering = false;
    this.#pointer = null;
    this.#surface.invalidate(DIRTY_OVERLAY);
    if (this.paused) return;
    this.#feeds.release();
    emit(this, 'mp-pause-change', { paused: false });
  }

  protected override render() {
    const name = this.label || `${this.symbol || 'Price'} price chart`;
    const empty = !isValidSymbol(this.symbol) ? 'Unknown symbol' : !this.#feeds.feed ? 'Waiting for feed' : this.#feeds.refusal?.message || (this.summary ? '' : this.#feeds.noData ? `No data for ${this.symbol}: is the symbol right?` : 'Waiting for data');
    return html`<div part="base" class="base" role="img" aria-label=${name} aria-describedby="summary"
        @pointerenter=${this.#onPointerEnter} @pointermove=${this.#onPointerMove} @pointerleave=${this.#onPointerLeave}>
        <canvas class="main" aria-hidden="true" dir="ltr" @contextrestored=${this.#onContextRestored}></canvas>
        <canvas class="overlay" aria-hidden="true" dir="ltr"></canvas>
        <div part="tooltip" class="tooltip" hidden></div>
        ${empty ? html`<div class="empty">${empty}</div>` : nothing}
      </div>
      <p id="summary" part="summary" class="visually-hidden">${this.summary || empty}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'realtime-chart': RealtimeChart;
  }
}
