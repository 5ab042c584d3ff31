import { LitElement, html, nothing, type PropertyValues, type PropertyDeclarations } from 'lit';
import { SYMBOL_RULE, isValidSymbol } from '../../protocol/channels.js';
import { emit } from '../shared/events.js';
import { formatPercent, formatPrice } from '../shared/format.js';
import { directionOf } from '../shared/tick.js';
import { TapeQuotesController } from './tape-quotes-controller.js';
import { tickerTapeStyles } from './ticker-tape.styles.js';

/**
 * Most symbols a tape shows; the rest of a longer list is ignored. Large enough for any real band
 * (a tape of 200 symbols shows 200), small enough that a hostile attribute cannot make the tape
 * render and subscribe without bound; it matches the relay's default subscription cap per socket.
 */
export const MAX_TAPE_SYMBOLS = 500;

/** Accessible name of a tape without a `label`. */
const DEFAULT_LABEL = 'Market prices';

/** Parses a comma- or space-separated symbol list: trimmed, without duplicates, bounded. */
export function parseSymbols(value: string | null | undefined): string[] {
  const list = (value ?? '').split(/[\s,]+/).filter(Boolean);
  return [...new Set(list)].slice(0, MAX_TAPE_SYMBOLS);
}

/** A lone surrogate (half of a pair without its other half). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A symbol as a URL component. `encodeURIComponent` throws on lone surrogates, which a hostile list
 * may hold (the item still shows them as text): they are encoded as U+FFFD, like a browser does.
 */
function encodeSymbol(symbol: string): string {
  return encodeURIComponent(symbol.replace(LONE_SURROGATE, '\uFFFD'));
}

/** Refused link templates already warned about; bounded, as a hostile page may set endless ones. */
const warnedTemplates = new Set<string>();

/**
 * The `href` template if its links resolve (against `document.baseURI`) to http: or https: URLs,
 * else undefined, with one console warning per refused template: a CMS editor's
 * `javascript:`, `data:` or `vbscript:` template must not make clickable script. Checked once per
 * template, as a symbol cannot change the scheme: encoded, it holds no `:/?#`, no character the URL
 * parser strips, only letters, digits, `-_.!~*'()` and `%XX`. So a symbol either ends a would-be
 * scheme (relative: the page's scheme) or is part of it like the `x` checked in its place, and a
 * scheme with an `x` in it is never http(s).
 */
function httpTemplate(template: string | undefined, tag: string): string | undefined {
  if (!template) return undefined;
  try {
    if (/^https?:$/.test(new URL(template.split('{symbol}').join('x'), document.baseURI).protocol)) return template;
  } catch {
    // Not a URL at all: refused like any other scheme.
  }
  if (warnedTemplates.size > 31) warnedTemplates.clear();
  if (!warnedTemplates.has(template)) {
    warnedTemplates.add(template);
    console.warn(`[market-pulse] <${tag}> href ${JSON.stringify(template.slice(0, 200))} is not an http(s) URL: items are not links`);
  }
  return undefined;
}

/**
 * A scrolling band of live prices for many symbols.
 *
 * @tagname ticker-tape
 * @summary A continuous marquee of symbols with their price and change.
 *
 * @csspart base - The scrolling viewport.
 * @csspart item - One symbol (a button, or a link when `href` is set to an http(s) URL).
 * @csspart symbol - The symbol of an item.
 * @csspart price - The price of an item.
 * @csspart change - The percent change of an item.
 *
 * @cssproperty [--mp-color-up=#0a7a35] - Colour of a rise.
 * @cssproperty [--mp-color-down=#c0262d] - Colour of a fall.
 * @cssproperty [--mp-color-bg=#ffffff] - Background.
 * @cssproperty [--mp-color-border=#d5dae0] - Border and separator colour.
 * @cssproperty [--mp-tape-item-padding=0.4em 1em] - Padding of each item.
 * @cssproperty [--mp-font-family=system-ui] - Font family.
 *
 * @fires {CustomEvent<SymbolClickDetail>} mp-symbol-click - The user activated a symbol. Cancelable: with `href`, cancelling stops the navigation.
 */
export class TickerTape extends LitElement {
  // The reactive properties, declared here rather than with decorators so that pages bundle no
  // decorator helpers; the fields below carry their docs and defaults.
  static override properties: PropertyDeclarations = {
    symbols: {},
    href: {},
    speed: { type: Number },
    paused: { type: Boolean, reflect: true },
    locale: {},
    label: {},
    theme: { reflect: true },
    noDataAfter: { type: Number, attribute: 'no-data-after' },
  };

  static override styles = tickerTapeStyles;

  /** Symbols to show, comma-separated: `BTC-USD,ETH-USD`. */
  symbols = '';
  /** Link template for each item, `{symbol}` replaced by the URL-encoded symbol: `/quote/{symbol}`. Unset, or not an http(s) URL once resolved: items are buttons. */
  href?: string;
  /** Scroll speed in pixels per second. */
  speed = 50;
  /** Stops the scrolling (it also stops on hover and keyboard focus). */
  paused = false;
  /** BCP 47 locale of the numbers. */
  locale?: string;
  /** Accessible name of the tape; empty or removed: `Market prices`. */
  label = DEFAULT_LABEL;
  /** Colour scheme: `light`, `dark`, or unset to follow `prefers-color-scheme`. */
  theme?: 'light' | 'dark';
  /**
   * Seconds the feed may be open without a price of a symbol before its item says "no data" (a
   * misspelt symbol: the relay sends a symbol's last price at once); 0: never.
   */
  noDataAfter = 30;

  #list: string[] = [];
  /** Symbols of the list outside the symbol grammar (never subscribed). */
  #invalid = new Set<string>();
  /** `href` if its links are http(s) ones. */
  #linkTemplate?: string;
  readonly #tape = new TapeQuotesController(this, () => this.#list, () => this.noDataAfter);
  #resizeObserver?: ResizeObserver;
  /** The scroll duration in use, in seconds. */
  #duration = 0;

  /** The first copy of the list: its width sets the scroll duration. */
  get #firstGroup(): HTMLElement | null | undefined {
    return this.renderRoot?.querySelector<HTMLElement>('.group');
  }

  /** The parsed symbol list. */
  get symbolList(): readonly string[] {
    return this.#list;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resizeObserver ??= new ResizeObserver(() => this.#updateDuration(false));
    if (this.hasUpdated && this.#firstGroup) this.#resizeObserver.observe(this.#firstGroup);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resizeObserver?.disconnect();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('symbols')) {
      this.#list = parseSymbols(this.symbols);
      this.#invalid = new Set(this.#list.filter((symbol) => !isValidSymbol(symbol)));
    }
    if (changed.has('href')) this.#linkTemplate = httpTemplate(this.href, this.localName);
  }

  protected override firstUpdated(): void {
    if (this.#firstGroup) this.#resizeObserver?.observe(this.#firstGroup);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('speed')) this.#updateDuration(true);
  }

  /**
   * Constant speed whatever the content width: duration = one copy's width / speed. Set on the
   * track alone (not an inherited custom property, which would restyle every item), and only when
   * the speed changed or the width moved by more than 0.5 %: prices that change width by a pixel
   * every few frames must not restyle and re-time the animation each time.
   */
  #updateDuration(force: boolean): void {
    const track = this.renderRoot?.querySelector<HTMLElement>('.track');
    if (!track) return;
    const speed = this.speed > 0 && Number.isFinite(this.speed) ? this.speed : 50;
    const seconds = Math.max(1, (this.#firstGroup?.offsetWidth ?? 0) / speed);
    if (!force && Math.abs(seconds - this.#duration) <= this.#duration * 0.005) return;
    this.#duration = seconds;
    track.style.animationDuration = `${seconds.toFixed(2)}s`;
  }

  #linkFor(symbol: string): string | undefined {
    return this.#linkTemplate?.split('{symbol}').join(encodeSymbol(symbol));
  }

  #onItemClick(event: MouseEvent): void {
    const item = (event.currentTarget as HTMLElement).closest<HTMLElement>('[data-symbol]');
    const symbol = item?.dataset.symbol;
    if (symbol === undefined) return;
    if (!emit(this, 'mp-symbol-click', { symbol }, { cancelable: true })) event.preventDefault();
  }

  #renderItem(symbol: string, copy: boolean) {
    const refusal = this.#tape.refusals.get(symbol);
    const quote = refusal ? undefined : (copy ? this.#tape.echoes : this.#tape.quotes).get(symbol);
    // The tape shows the percentage with 2 digits: its arrow follows what is shown.
    const direction = quote?.changePct !== undefined ? directionOf(quote.changePct, 2) : directionOf(quote?.change);
    const price = quote ? formatPrice(quote.price, { locale: this.locale }) : '—';
    // A symbol outside the grammar (`^GSPC`) is never asked for: say so at once, not after the no-data wait.
    const invalid = this.#invalid.has(symbol);
    const noData = !quote && !refusal && this.#tape.noData(symbol);
    const change = refusal || invalid ? 'n/a' : noData ? 'no data' : quote?.changePct !== undefined ? formatPercent(quote.changePct, this.locale) : '';
    const arrow = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '';
    const content = html`<span part="symbol" class="symbol">${symbol}</span>
      <span part="price" class="price">${price}</span>
      <span part="change" class="change"><span class="arrow" aria-hidden="true">${arrow}</span> ${change}</span>`;
    const link = this.#linkFor(symbol);
    // The second copy only completes the loop visually: hidden from assistive tech and the tab order.
    const tabindex = copy ? '-1' : '0';
    // A symbol the relay refused, or that never had a price, says why on hover and to assistive tech.
    const title = refusal ? `${symbol}: ${refusal.message}`
      : invalid ? `${symbol}: not a valid symbol (${SYMBOL_RULE})`
      : noData ? `${symbol}: no price has arrived: is the symbol right?` : nothing;
    return html`<li data-direction=${direction}>
      ${link
        ? html`<a part="item" class="item" href=${link} data-symbol=${symbol} tabindex=${tabindex} title=${title} @click=${this.#onItemClick}>${content}</a>`
        : html`<button part="item" class="item" type="button" data-symbol=${symbol} tabindex=${tabindex} title=${title} @click=${this.#onItemClick}>${content}</button>`}
    </li>`;
  }

  protected override render() {
    return html`<div part="base" class="viewport" role="group" aria-label=${this.label || DEFAULT_LABEL}>
      <div class="track">
        <ul class="group" role="list">${this.#list.map((symbol) => this.#renderItem(symbol, false))}</ul>
        <ul class="group" aria-hidden="true">${this.#list.map((symbol) => this.#renderItem(symbol, true))}</ul>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ticker-tape': TickerTape;
  }
}
