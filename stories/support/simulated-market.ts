/**
 * A simulated market on an in-memory feed, for stories: random-walk prices for a set of symbols,
 * some minutes of history for charts, and live ticks at a chosen rate. No server involved.
 */
import { createMemoryFeed, type MemoryFeed } from '../../src/client/memory-feed.js';
import type { FeedStatus } from '../../src/client/types.js';

/** Reference prices that look like a real market. */
export const REFERENCE_PRICES: Record<string, number> = {
  'BTC-USD': 64250,
  'ETH-USD': 3120.5,
  'SOL-USD': 148.32,
  'DOGE-USD': 0.1623,
  AAPL: 227.48,
  MSFT: 428.15,
  NVDA: 121.4,
  TSLA: 242.8,
  'EUR-USD': 1.0842,
  'GBP-USD': 1.2715,
  'USD-JPY': 151.37,
  GOLD: 2384.1,
};

/** The symbols most stories show. */
export const DEFAULT_SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'AAPL', 'MSFT', 'NVDA', 'EUR-USD', 'GOLD'];

/** Options of `createSimulatedMarket`. */
export interface SimulatedMarketOptions {
  /** Symbols to quote; default `DEFAULT_SYMBOLS`. */
  symbols?: string[];
  /** Live ticks per second across all symbols; 0 for a frozen market. Default 4. */
  ticksPerSecond?: number;
  /** Typical relative move per tick (default 0.0008, i.e. 0.08 %). */
  volatility?: number;
  /** Seconds of history to seed, one tick per second per symbol (default 300). */
  historySeconds?: number;
  /** Age of the last seeded tick in ms (default 0); a large value makes the data stale. */
  lastTickAgeMs?: number;
  /** Initial status of the feed, e.g. `{ state: 'reconnecting' }`. */
  status?: Partial<FeedStatus>;
  /** Currency to tag ticks with (e.g. `EUR`); default none. */
  currency?: string;
  /** Symbols (outside `symbols`) whose channels the simulated relay refuses as `forbidden`. */
  refuse?: string[];
}

/** A feed plus the controls of its simulation. */
export interface SimulatedMarket {
  feed: MemoryFeed;
  /** Starts live ticks (called by `start`); idempotent. */
  start(): void;
  /** Stops live ticks; the feed keeps its values. */
  stop(): void;
  /** Publishes one tick for `symbol` now. */
  tick(symbol: string): void;
}

/** A deterministic pseudo-random source, so that stories and screenshots look the same each time. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Creates a feed with seeded history; call `start()` for live ticks. */
export function createSimulatedMarket(options: SimulatedMarketOptions = {}): SimulatedMarket {
  const symbols = options.symbols ?? DEFAULT_SYMBOLS;
  const rate = options.ticksPerSecond ?? 4;
  const volatility = options.volatility ?? 0.0008;
  const historySeconds = options.historySeconds ?? 300;
  const next = random(symbols.join(',').length * 7919);
  const feed = createMemoryFeed({ historyLimit: Math.max(600, historySeconds + 100), status: options.status });
  for (const symbol of options.refuse ?? []) feed.refuse(`price:${symbol}`, { code: 'forbidden', message: 'the token does not allow this channel' });
  const prices = new Map<string, { open: number; price: number; volume: number }>();

  const publish = (symbol: string, ts: number) => {
    const reference = REFERENCE_PRICES[symbol] ?? 100;
    const state = prices.get(symbol) ?? { open: reference, price: reference, volume: 0 };
    // A random walk pulled gently back to the open, so prices stay plausible for hours.
    const drift = ((state.open - state.price) / state.open) * 0.02;
    state.price = Math.max(reference * 0.01, state.price * (1 + drift + (next() - 0.5) * 2 * volatility));
    state.volume += Math.round(next() * 50);
    prices.set(symbol, state);
    const spread = state.price * 0.0002;
    feed.push(`price:${symbol}`, {
      symbol,
      price: state.price,
      ts,
      open: state.open,
      change: state.price - state.open,
      changePct: ((state.price - state.open) / state.open) * 100,
      bid: state.price - spread,
      ask: state.price + spread,
      volume: state.volume,
      ...(options.currency ? { currency: options.currency } : {}),
    });
  };

  const now = Date.now() - (options.lastTickAgeMs ?? 0);
  for (let second = historySeconds; second >= 0; second--) {
    for (const symbol of symbols) publish(symbol, now - second * 1000);
  }

  let timer: ReturnType<typeof setInterval> | undefined;
  let last = 0;
  let owed = 0;
  let cursor = 0;
  return {
    feed,
    start() {
      if (timer || rate <= 0) return;
      last = performance.now();
      // Timers are coarse (and clamped to ≥ 4 ms): publish as many ticks as time says are owed.
      timer = setInterval(() => {
        const at = performance.now();
        owed = Math.min(owed + ((at - last) / 1000) * rate, rate); // never more than a second's worth
        last = at;
        for (; owed >= 1; owed--) publish(symbols[cursor++ % symbols.length]!, Date.now());
      }, rate > 100 ? 16 : Math.max(16, Math.min(250, 1000 / rate)));
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    tick(symbol) {
      publish(symbol, Date.now());
    },
  };
}
