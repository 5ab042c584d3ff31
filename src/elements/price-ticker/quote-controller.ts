/**
 * Follows the quote of one symbol for a host element. Ticks land in a plain field; the host is
 * asked to render at most once per animation frame with the latest one. Tracks freshness: the
 * quote turns stale when no update arrived for `staleAfter` seconds, and a symbol without any value
 * is marked `noData` once the feed has been open for `noDataAfter` seconds.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FeedError, FeedStatus } from '../../client/types.js';
import { isValidSymbol, priceChannel } from '../../protocol/channels.js';
import { FeedController } from '../shared/feed-controller.js';
import { FrameTask } from '../shared/frame-task.js';
import { MAX_TIMER_MS, NoDataClock, answersAtOnce } from '../shared/no-data-clock.js';
import { toQuote, type Quote } from '../shared/tick.js';

/** What the controller reads from its host. */
export interface QuoteControllerOptions {
  /** The symbol to follow (read before every host update). */
  symbol: () => string;
  /** Seconds without an update after which the quote is stale (0 or less: never). */
  staleAfter: () => number;
  /** Seconds the feed may be open without a value of the symbol before `noData` (0 or less: never). */
  noDataAfter: () => number;
  /** Called in the frame in which a new quote is applied, before the host renders. */
  onQuote?: (quote: Quote, previous: Quote | undefined) => void;
}

/** The latest quote of a symbol, its freshness and the feed status. */
export class QuoteController implements ReactiveController {
  /** The quote on screen (applied once per frame). */
  quote: Quote | undefined;
  /** Whether the quote is older than `staleAfter`. */
  stale = false;
  /**
   * Whether the feed has been open (or polling) for `noDataAfter` seconds without a value of the
   * symbol (a misspelt symbol, a channel nobody publishes): the relay would have sent its last value at once.
   */
  get noData(): boolean {
    return this.#noData.ranOut;
  }
  /** The feed's status, if there is a feed. */
  status: FeedStatus | undefined;
  /** Why the relay refused the symbol's channel (e.g. `forbidden`), until an update of it comes. */
  refusal: FeedError | undefined;
  /** `Date.now()` when the quote on screen arrived. */
  receivedAt = 0;
  #refusedChannel = '';
  #pending: Quote | undefined;
  /** Channel of `quote` and `pending`: values of a previous symbol are dropped, not shown. */
  #quoteChannel = '';
  #pendingChannel = '';
  #staleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Runs for the channel while the feed is open and the symbol has no value. */
  readonly #noData: NoDataClock;
  readonly #frame = new FrameTask(() => this.#applyPending());
  readonly #feedController: FeedController;

  readonly #host: ReactiveControllerHost;
  readonly #options: QuoteControllerOptions;

  constructor(host: ReactiveControllerHost, options: QuoteControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
    this.#noData = new NoDataClock(() => host.requestUpdate());
    this.#feedController = new FeedController(host as ReactiveControllerHost & HTMLElement, {
      channels: () => (this.validSymbol ? [priceChannel(this.#options.symbol())] : []),
      onUpdate: (update) => {
        if (update.channel === this.#refusedChannel) this.#refuse('', undefined); // accepted after all
        const quote = toQuote(update.data, update.seq);
        if (!quote) return;
        this.#pending = quote;
        this.#pendingChannel = update.channel;
        this.#frame.request();
      },
      onStatus: (status) => {
        this.status = status;
        this.#host.requestUpdate();
      },
      onRefused: (channel, error) => this.#refuse(channel, error),
      onFeed: () => {
        // A new feed (or none): what was shown belonged to the old one.
        this.quote = this.#pending = undefined;
        this.stale = false;
        this.#refuse('', undefined);
      },
    });
  }

  #refuse(channel: string, error: FeedError | undefined): void {
    this.#refusedChannel = channel;
    this.refusal = error;
    this.#host.requestUpdate();
  }

  /** Whether the host has a feed at all. */
  get hasFeed(): boolean {
    return this.#feedController.feed !== undefined;
  }

  /** Whether the current symbol is well formed. */
  get validSymbol(): boolean {
    return isValidSymbol(this.#options.symbol());
  }

  hostUpdate(): void {
    const channel = this.validSymbol ? priceChannel(this.#options.symbol()) : '';
    // Another symbol: what is on screen or buffered is not its quote.
    if (this.#pendingChannel !== channel) this.#pending = undefined;
    if (this.#quoteChannel !== channel) {
      this.quote = undefined;
      this.stale = false;
    }
    if (this.#refusedChannel !== channel) this.refusal = undefined;
    // Open or polling: either way the relay answers with the channel's last value at once. (Runs
    // before every render: with a quote on screen this is a few reads and a return.)
    const waiting = channel !== '' && !this.quote && !this.refusal && answersAtOnce(this.status);
    this.#noData.watch(waiting ? channel : undefined, this.#options.noDataAfter());
  }

  hostDisconnected(): void {
    this.#frame.cancel();
    clearTimeout(this.#staleTimer);
    this.#staleTimer = undefined;
    this.#noData.watch(undefined, 0);
  }

  #applyPending(): void {
    const quote = this.#pending;
    this.#pending = undefined;
    if (!quote) return;
    const previous = this.#quoteChannel === this.#pendingChannel ? this.quote : undefined;
    this.quote = quote;
    this.#quoteChannel = this.#pendingChannel;
    this.receivedAt = Date.now();
    this.stale = false;
    this.#armStaleTimer();
    this.#options.onQuote?.(quote, previous);
    this.#host.requestUpdate();
  }

  /** One timer per quote lifetime, re-armed lazily, instead of a reset on every tick. */
  #armStaleTimer(): void {
    const limit = this.#options.staleAfter() * 1000;
    if (!(limit > 0) || this.#staleTimer !== undefined) return;
    const check = () => {
      this.#staleTimer = undefined;
      const age = Date.now() - this.receivedAt;
      const current = this.#options.staleAfter() * 1000;
      if (!this.quote || !(current > 0)) return;
      if (age >= current) {
        this.stale = true;
        this.#host.requestUpdate();
      } else {
        this.#staleTimer = setTimeout(check, Math.min(current - age + 5, MAX_TIMER_MS));
      }
    };
    this.#staleTimer = setTimeout(check, Math.min(limit + 5, MAX_TIMER_MS));
  }
}
