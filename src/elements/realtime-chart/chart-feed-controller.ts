/**
 * Feeds a chart model from the host's feed: history backfill on every (re)subscription, live ticks
 * after it (each once, in order), and ticks held back while the chart is frozen. Tells a symbol
 * nothing publishes (`noData`) from one whose first value is on its way: the relay keeps a history
 * of every channel that has a value, so an empty backfill with no tick means there is none.
 */
import type { ReactiveControllerHost } from 'lit';
import type { Feed, FeedError, FeedUpdate } from '../../client/types.js';
import { isValidSymbol, priceChannel } from '../../protocol/channels.js';
import { FeedController } from '../shared/feed-controller.js';
import { answersAtOnce } from '../shared/no-data-clock.js';
import type { ChartModel } from './chart-model.js';

/** Ticks held while frozen or backfilling, at most (older ones are dropped). */
const MAX_HELD = 10_000;

/** What the controller needs from its chart. */
export interface ChartFeedOptions {
  symbol: () => string;
  /** Whether the picture is frozen (ticks are held until `release()`). */
  frozen: () => boolean;
  /** The model changed (or was cleared). */
  onChange: () => void;
}

/** Keeps a chart model filled from the feed. */
export class ChartFeedController {
  /** Why the relay refused the symbol's channel (e.g. `forbidden`), until a tick of it comes. */
  refusal: FeedError | undefined;
  #held: FeedUpdate[] = [];
  #generation = 0;
  #backfilling = false;
  /** Whether the last backfill found no history of the symbol. */
  #noHistory = false;
  /** Whether the feed was open (or polling) at its last status. */
  #answering = false;
  readonly #feeds: FeedController;

  readonly #model: ChartModel;
  readonly #options: ChartFeedOptions;

  constructor(host: ReactiveControllerHost & HTMLElement, model: ChartModel, options: ChartFeedOptions) {
    this.#model = model;
    this.#options = options;
    this.#feeds = new FeedController(host, {
      channels: () => (isValidSymbol(options.symbol()) ? [priceChannel(options.symbol())] : []),
      onSubscribe: (channel, feed) => this.#backfill(channel, feed),
      onUpdate: (update) => {
        this.refusal = undefined;
        this.#onTick(update);
      },
      onStatus: (status) => {
        if (answersAtOnce(status) === this.#answering) return;
        this.#answering = !this.#answering;
        host.requestUpdate(); // `noData` may change
      },
      onRefused: (_channel, error) => {
        this.refusal = error;
        host.requestUpdate();
      },
      onFeed: () => this.#reset(),
    });
  }

  /**
   * Whether the symbol has no value at all (a misspelt symbol?): the feed is open, its history came
   * back empty and no tick came.
   */
  get noData(): boolean {
    return this.#answering && this.#noHistory && this.#model.count('line') + this.#held.length === 0;
  }

  /** The feed in use, if any. */
  get feed(): Feed | undefined {
    return this.#feeds.feed;
  }

  /** Applies the ticks held while frozen. */
  release(): void {
    if (this.#backfilling || this.#held.length === 0) return;
    for (const update of this.#held) this.#ingest(update);
    this.#held = [];
    this.#options.onChange();
  }

  #reset(): void {
    this.refusal = undefined;
    this.#generation++;
    this.#noHistory = false;
    this.#backfilling = false;
    this.#model.clear();
    this.#held = [];
    this.#options.onChange();
  }

  /** History first, then the ticks that arrived meanwhile, each once. */
  #backfill(channel: string, feed: Feed): void {
    this.#reset();
    const generation = this.#generation;
    this.#backfilling = true;
    const done = (history: FeedUpdate[]) => {
      if (generation !== this.#generation) return; // another symbol or feed since
      this.#backfilling = false;
      this.#noHistory = history.length === 0;
      const seen = new Set<number>();
      const all = [...history, ...this.#held].filter((u) => u.channel === channel && !seen.has(u.seq) && seen.add(u.seq));
      all.sort((a, b) => a.seq - b.seq);
      this.#held = [];
      if (this.#options.frozen()) this.#held = all;
      else for (const update of all) this.#ingest(update);
      this.#options.onChange();
    };
    feed.history(channel).then(done, () => done([]));
  }

  #onTick(update: FeedUpdate): void {
    if (this.#backfilling || this.#options.frozen()) {
      this.#held.push(update);
      if (this.#held.length > MAX_HELD) this.#held.splice(0, this.#held.length - MAX_HELD);
      return;
    }
    this.#ingest(update);
    this.#options.onChange();
  }

  /** Only the price and time of a tick matter here: no quote object per tick. */
  #ingest(update: FeedUpdate): void {
    const data = update.data as { price?: unknown; ts?: unknown } | null;
    if (!data || typeof data !== 'object' || typeof data.price !== 'number') return;
    this.#model.ingest(typeof data.ts === 'number' && Number.isFinite(data.ts) ? data.ts : Date.now(), data.price);
  }
}
