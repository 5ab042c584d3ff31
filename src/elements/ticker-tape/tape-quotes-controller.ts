/**
 * Follows the quotes of many symbols for `<ticker-tape>`: ticks of any symbol land in a buffer,
 * and the host renders once per animation frame with all of them.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isValidSymbol, priceChannel, symbolOf } from '../../protocol/channels.js';
import { FeedController } from '../shared/feed-controller.js';
import { FrameTask } from '../shared/frame-task.js';
import { toQuote, type Quote } from '../shared/tick.js';

/** The latest quote of each symbol of a list. */
export class TapeQuotesController implements ReactiveController {
  /** Quotes on screen, by symbol. */
  readonly quotes = new Map<string, Quote>();
  readonly #pending = new Map<string, Quote>();
  readonly #frame = new FrameTask(() => this.#apply());

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #symbols: () => readonly string[];

  /** @param symbols the symbols to follow, read before every host update. */
  constructor(host: ReactiveControllerHost & HTMLElement, symbols: () => readonly string[]) {
    this.#host = host;
    this.#symbols = symbols;
    host.addController(this);
    new FeedController(host, {
      channels: () => this.#symbols().filter(isValidSymbol).map(priceChannel),
      onUpdate: (update) => {
        const symbol = symbolOf(update.channel);
        const quote = toQuote(update.data, update.seq);
        if (symbol === null || !quote) return;
        this.#pending.set(symbol, quote);
        this.#frame.request();
      },
      onFeed: () => {
        this.quotes.clear();
        this.#pending.clear();
      },
    });
  }

  hostDisconnected(): void {
    this.#frame.cancel();
  }

  #apply(): void {
    const wanted = new Set(this.#symbols());
    for (const [symbol, quote] of this.#pending) if (wanted.has(symbol)) this.quotes.set(symbol, quote);
    this.#pending.clear();
    this.#host.requestUpdate();
  }
}
