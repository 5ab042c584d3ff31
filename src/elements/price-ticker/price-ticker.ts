import { LitElement, html, nothing, type PropertyValues, type PropertyDeclarations } from 'lit';
import { autoPrecision, formatChange, formatPercent, formatPrice } from '../shared/format.js';
import { prefersReducedMotion } from '../shared/motion.js';
import { directionOf, type Quote } from '../shared/tick.js';
import { priceTickerStyles } from './price-ticker.styles.js';
import { QuoteController } from './quote-controller.js';

/** What a ticker shows: waiting for a first value, a fresh value, an old value, or a failure. */
export type PriceTickerState = 'loading' | 'live' | 'stale' | 'error';

/** Short words for the relay's refusals of a channel (its own message goes in the title). */
const REFUSAL_LABELS: Record<string, string> = { forbidden: 'Not allowed', too_many_subscriptions: 'Too many symbols' };

const ARROWS = { up: '▲', down: '▼', flat: '' } as const;
const WORDS = { up: 'up', down: 'down', flat: 'unchanged' } as const;
const BADGES: Record<PriceTickerState, string> = { loading: 'Loading', live: '', stale: 'Stale', error: 'Error' };

/**
 * The live price of one symbol, with its change since the open.
 *
 * @tagname price-ticker
 * @summary Live price, absolute and percent change of a symbol.
 *
 * @csspart base - The box around the ticker.
 * @csspart symbol - The symbol label.
 * @csspart price - The price.
 * @csspart change - The absolute and percent change with its arrow.
 * @csspart badge - The state badge (loading, stale, "No data", error), when shown.
 * @csspart flash - The overlay that flashes on a price change.
 *
 * @cssproperty [--mp-color-up=#0a7a35] - Colour of a rise (dark theme: #3ddc84).
 * @cssproperty [--mp-color-down=#c0262d] - Colour of a fall (dark theme: #ff6b6b).
 * @cssproperty [--mp-color-text=#14171a] - Text colour.
 * @cssproperty [--mp-color-muted=#5a6470] - Colour of secondary text.
 * @cssproperty [--mp-color-bg=#ffffff] - Background.
 * @cssproperty [--mp-color-border=#d5dae0] - Border colour.
 * @cssproperty [--mp-flash-up=rgba(10,160,70,.28)] - Flash colour on a rise.
 * @cssproperty [--mp-flash-down=rgba(220,40,50,.28)] - Flash colour on a fall.
 * @cssproperty [--mp-price-min-width=9ch] - Minimum width of the price, so digits don't shift the layout.
 * @cssproperty [--mp-price-font-size=1.5em] - Size of the price.
 * @cssproperty [--mp-radius=6px] - Corner radius.
 * @cssproperty [--mp-font-family=system-ui] - Font family.
 */
export class PriceTicker extends LitElement {
  // The reactive properties, declared here rather than with decorators so that pages bundle no
  // decorator helpers; the fields below carry their docs and defaults.
  static override properties: PropertyDeclarations = {
    symbol: {},
    locale: {},
    currency: {},
    precision: { type: Number },
    compact: { type: Boolean, reflect: true },
    staleAfter: { type: Number, attribute: 'stale-after' },
    noDataAfter: { type: Number, attribute: 'no-data-after' },
    announce: { type: Number },
    theme: { reflect: true },
    announcement: { state: true, attribute: false },
  };

  static override styles = priceTickerStyles;

  readonly #quotes = new QuoteController(this, {
    symbol: () => this.symbol,
    staleAfter: () => this.staleAfter,
    noDataAfter: () => this.noDataAfter ?? this.staleAfter,
    onQuote: (quote, previous) => this.#onQuote(quote, previous),
  });

  /** The symbol to show, e.g. `BTC-USD`. */
  symbol = '';
  /** BCP 47 locale of the numbers, e.g. `de-DE`; default: the browser's. */
  locale?: string;
  /** ISO 4217 currency of the price, e.g. `USD`; default: the feed's, else a plain number. */
  currency?: string;
  /** Fraction digits of the price and change; default: 2, more for prices under 1. */
  precision?: number;
  /** One-line variant: symbol, price and percent change. */
  compact = false;
  /** Seconds without an update after which the price is marked stale; 0 never. */
  staleAfter = 30;
  /**
   * Seconds the feed may be open without a price of the symbol before the ticker says "No data" (a
   * misspelt symbol: the relay sends a symbol's last price at once); 0 never; unset: `stale-after`.
   */
  noDataAfter?: number;
  /** Seconds between screen-reader announcements of the price; 0 turns them off. */
  announce = 30;
  /** Colour scheme: `light`, `dark`, or unset to follow `prefers-color-scheme`. */
  theme?: 'light' | 'dark';

  /** Text of the polite live region, refreshed at most every `announce` seconds. */
  private announcement = '';
  #lastAnnouncedAt = 0;
  #flashAnimation?: Animation;

  /** What the ticker shows now. */
  get state(): PriceTickerState {
    if (!this.#quotes.validSymbol || this.#quotes.refusal) return 'error';
    const status = this.#quotes.status;
    if (!this.#quotes.quote) return status?.state === 'closed' && status.error ? 'error' : this.#quotes.noData ? 'stale' : 'loading';
    return this.#quotes.stale ? 'stale' : 'live';
  }

  /** The quote on screen, if any. */
  get quote(): Quote | undefined {
    return this.#quotes.quote;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#flashAnimation?.cancel();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('symbol')) this.announcement = '';
  }

  /** Runs in the frame that applies a new quote. */
  #onQuote(quote: Quote, previous: Quote | undefined): void {
    if (previous && previous.price !== quote.price) this.#flash(quote.price > previous.price ? 'up' : 'down');
    const now = Date.now();
    if (!previous) {
      this.#lastAnnouncedAt = now; // the first value is not news; its changes are
    } else if (this.announce > 0 && now - this.#lastAnnouncedAt >= this.announce * 1000) {
      this.#lastAnnouncedAt = now;
      this.announcement = this.#describe(quote);
    }
  }

  /**
   * Opacity-only flash: no layout, no repaint outside the box; none under reduced motion. One
   * animation per ticker, rewound on each change: a new animation per tick would make the page
   * re-layerize every frame.
   */
  #flash(direction: 'up' | 'down'): void {
    const element = this.renderRoot?.querySelector<HTMLElement>('.flash');
    if (!element || prefersReducedMotion() || typeof element.animate !== 'function') return;
    element.dataset.direction = direction;
    (this.#flashAnimation ??= element.animate([{ opacity: 1 }, { opacity: 0 }], { duration: 700, easing: 'ease-out' })).currentTime = 0;
    this.#flashAnimation.play();
  }

  #formatOptions() {
    return { locale: this.locale, currency: this.currency || this.quote?.currency, precision: this.precision };
  }

  /** A sentence for screen readers, e.g. "BTC-USD 64,000.00, up 1.20%". */
  #describe(quote: Quote): string {
    const direction = directionOf(quote.change ?? quote.changePct);
    const pct = quote.changePct !== undefined ? `, ${WORDS[direction]} ${formatPercent(Math.abs(quote.changePct), this.locale, false)}` : '';
    return `${this.symbol} ${formatPrice(quote.price, this.#formatOptions())}${pct}`;
  }

  #renderChange(quote: Quote | undefined) {
    if (!quote || (quote.change === undefined && quote.changePct === undefined)) return html`<span part="change" class="change">&nbsp;</span>`;
    const direction = directionOf(quote.change ?? quote.changePct);
    const absolute = quote.change !== undefined && !this.compact ? formatChange(quote.change, { locale: this.locale, precision: this.precision ?? autoPrecision(quote.price) }) : '';
    const pct = quote.changePct !== undefined ? formatPercent(quote.changePct, this.locale) : '';
    const text = absolute && pct ? `${absolute} (${pct})` : absolute || pct;
    return html`<span part="change" class="change"
      ><span class="arrow" aria-hidden="true">${ARROWS[direction]}</span
      ><span class="visually-hidden">${WORDS[direction]} </span>${text}</span
    >`;
  }


  #errorMessage(): string {
    if (!this.#quotes.validSymbol) return this.symbol ? 'Unknown symbol' : 'No symbol';
    const refusal = this.#quotes.refusal;
    if (refusal) return REFUSAL_LABELS[refusal.code] ?? refusal.message;
    return this.#quotes.status?.error?.message || 'Feed unavailable';
  }

  protected override render() {
    const state = this.state;
    const quote = this.#quotes.quote;
    const direction = directionOf(quote?.change ?? quote?.changePct);
    const price = quote ? formatPrice(quote.price, { ...this.#formatOptions(), compact: false }) : '—';
    const noData = state === 'stale' && !quote;
    return html`<div
      part="base"
      class="ticker"
      role="group"
      aria-label=${`${this.symbol || 'Price'} price`}
      aria-busy=${state === 'loading' ? 'true' : 'false'}
      data-state=${state}
      data-direction=${direction}
    >
      <span part="flash" class="flash" aria-hidden="true"></span>
      <span part="symbol" class="symbol">${this.symbol}</span>
      <span part="badge" class="badge" ?hidden=${state === 'live'} title=${noData ? `No price of ${this.symbol} has arrived: is the symbol right?` : nothing}
        >${noData ? 'No data' : BADGES[state]}</span
      >
      <span part="price" class="price">${price}</span>
      ${state === 'error' ? html`<span class="message" title=${this.#quotes.refusal?.message ?? nothing}>${this.#errorMessage()}</span>` : this.#renderChange(quote)}
      <span class="visually-hidden" role="status">${this.announce > 0 ? this.announcement : nothing}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'price-ticker': PriceTicker;
  }
}
