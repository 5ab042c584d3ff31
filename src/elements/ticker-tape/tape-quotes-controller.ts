/**
 * Follows the quotes of many symbols for `<ticker-tape>`: ticks of any symbol land in a buffer,
 * and the host renders at most once per animation frame. The band shows a handful of its items at
 * a time, and a change anywhere on it costs a frame of the whole moving track (relayout, repaint,
 * re-layerization of ~60,000 px), so only the items on screen or about to scroll in take new
 * prices every frame. Off screen, the list (what assistive technology reads) catches up in
 * quarters, each quote within about a second, and its visual duplicate when its items come near.
 * Symbols still without a value once the feed has been open for `noDataAfter` seconds are marked
 * (`noData`): a misspelt symbol says so instead of showing a dash for ever.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FeedError } from '../../client/types.js';
import { isValidSymbol, priceChannel, symbolOf } from '../../protocol/channels.js';
import { FeedController } from '../shared/feed-controller.js';
import { FrameTask } from '../shared/frame-task.js';
import { NoDataClock, answersAtOnce } from '../shared/no-data-clock.js';
import { toQuote, type Quote } from '../shared/tick.js';

/** The element that shows the items: `<li>`s around a `[data-symbol]`, in its `[part=base]`. */
type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: ParentNode };

/** About how long the quote of an item off screen may wait, in ms. */
export const OFFSCREEN_REFRESH_MS = 1000;

/** The latest quote of each symbol of a list. */
export class TapeQuotesController implements ReactiveController {
  /** Quotes shown in the list, by symbol. */
  readonly quotes = new Map<string, Quote>();
  /** Quotes shown in the duplicate that completes the loop: those of the list, once near the viewport. */
  readonly echoes = new Map<string, Quote>();
  /** Symbols whose channel the relay refused (e.g. `forbidden`), until a tick of theirs comes. */
  readonly refusals = new Map<string, FeedError>();
  readonly #pending = new Map<string, Quote>();
  readonly #frame = new FrameTask((time) => this.#apply(time));
  /** Items (`<li>` around a `[data-symbol]`) within reach of the viewport. */
  readonly #near = new Set<Element>();
  #observer?: IntersectionObserver;
  /** The list whose items are watched. */
  #observed?: readonly string[];
  /** When quotes off screen were last applied. */
  #appliedAt = -OFFSCREEN_REFRESH_MS;
  /** Runs for the list while the feed is open. */
  readonly #noData = new NoDataClock(() => {
    if (this.#symbols().some((symbol) => this.noData(symbol))) this.#host.requestUpdate();
  });

  readonly #feeds: FeedController;
  readonly #host: Host;
  readonly #symbols: () => readonly string[];
  readonly #noDataAfter: () => number;

  /**
   * @param symbols the symbols to follow, read before every host update.
   * @param noDataAfter seconds the feed may be open without a value of a symbol before it is marked `noData` (0: never).
   */
  constructor(host: Host, symbols: () => readonly string[], noDataAfter: () => number) {
    this.#host = host;
    this.#symbols = symbols;
    this.#noDataAfter = noDataAfter;
    host.addController(this);
    this.#feeds = new FeedController(host, {
      channels: () => this.#symbols().filter(isValidSymbol).map(priceChannel),
      onUpdate: (update) => {
        const symbol = symbolOf(update.channel);
        const quote = toQuote(update.data, update.seq);
        if (symbol === null || !quote) return;
        this.refusals.delete(symbol);
        this.#pending.set(symbol, quote);
        this.#frame.request();
      },
      onRefused: (channel, error) => {
        const symbol = symbolOf(channel);
        if (symbol === null) return;
        this.refusals.set(symbol, error);
        host.requestUpdate();
      },
      onStatus: () => this.#watchForNoData(),
      onFeed: () => {
        // Another feed or none: its values, and its clock, start afresh.
        this.#noData.watch(undefined, 0);
        this.quotes.clear();
        this.echoes.clear();
        this.refusals.clear();
        this.#pending.clear();
      },
    });
  }

  /**
   * Whether `symbol` has had no value although the feed has been open for `noDataAfter` seconds
   * (with this list): nothing publishes it.
   */
  noData(symbol: string): boolean {
    return this.#noData.ranOut && !this.quotes.has(symbol) && !this.#pending.has(symbol);
  }

  hostUpdate(): void {
    this.#watchForNoData();
  }

  /** The clock runs per list, while the feed is open or polling: a new list starts it afresh. */
  #watchForNoData(): void {
    this.#noData.watch(answersAtOnce(this.#feeds?.feed?.status) && this.#symbols().length > 0 ? this.#symbols() : undefined, this.#noDataAfter());
  }

  hostUpdated(): void {
    // Watch the items of a new list, a quarter of the band ahead on either side: an item has its
    // price before it scrolls in. (The watch outlives DOM moves, as the items do.)
    if (this.#observed === this.#symbols()) return;
    this.#observed = this.#symbols();
    const rendered = this.#host.renderRoot;
    this.#observer?.disconnect();
    this.#near.clear();
    this.#observer = new IntersectionObserver(
      (entries) => {
        for (const { target, isIntersecting } of entries) this.#near[isIntersecting ? 'add' : 'delete'](target);
        this.#frame.request();
      },
      { root: rendered.querySelector('[part=base]'), rootMargin: '0px 25%' },
    );
    for (const item of rendered.querySelectorAll('li')) this.#observer.observe(item);
  }

  hostDisconnected(): void {
    this.#frame.cancel();
    this.#noData.watch(undefined, 0);
  }

  #apply(time: number): void {
    let changed = false;
    const take = (symbol: string | undefined) => {
      const quote = this.#pending.get(symbol!);
      if (quote) {
        this.quotes.set(symbol!, quote);
        changed = true;
      }
      this.#pending.delete(symbol!);
    };
    for (const li of this.#near) {
      const symbol = (li.firstElementChild as HTMLElement).dataset.symbol!;
      take(symbol);
      const quote = this.quotes.get(symbol);
      if (quote !== this.echoes.get(symbol)) {
        this.echoes.set(symbol, quote!);
        changed = true;
      }
    }
    // Off screen, the list (what assistive technology reads) takes the quotes that waited longest,
    // as many as a quarter of its items every quarter of a second, so none waits much more than a
    // second; its visual duplicate waits until its items come near.
    if (time - this.#appliedAt >= OFFSCREEN_REFRESH_MS / 4) {
      this.#appliedAt = time;
      let due = Math.ceil(this.#symbols().length / 4);
      for (const symbol of this.#pending.keys()) if (due-- > 0) take(symbol);
    }
    if (changed) this.#host.requestUpdate();
    if (this.#pending.size) this.#frame.request();
  }
}
