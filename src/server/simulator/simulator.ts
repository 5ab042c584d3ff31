/**
 * The simulated market feed: a geometric random walk per symbol, published through the relay's
 * backend like any other publisher. Each symbol ticks `ticksPerSecond` times a second on average
 * (Poisson arrivals), with day open, change, changePct, bid/ask and a growing volume.
 */
import { PRICE_PREFIX, type PriceTick } from '../../protocol/index.js';
import { CLASS_TRAITS, SYMBOLS, decimalsFor, type SimulatedSymbol } from './symbols.js';

/** Options of the simulator. */
export interface SimulatorOptions {
  /** Average ticks per second per symbol. Default 4. */
  ticksPerSecond?: number;
  /** Instruments; default the built-in ~50. */
  symbols?: readonly SimulatedSymbol[];
  /** Volatility multiplier, so a demo moves visibly within a minute. Default 4. */
  speed?: number;
  /** Random source in [0, 1); default Math.random (pass a seeded generator for reproducible runs). */
  random?: () => number;
}

/** A running simulator. */
export interface Simulator {
  stop(): void;
}

/** Seconds in a trading year, for turning annual volatility into per-tick volatility. */
const YEAR_SECONDS = 252 * 6.5 * 3600;
/** How often the simulator wakes up to emit the ticks due (ms). */
const STEP_MS = 25;

interface Walk {
  instrument: SimulatedSymbol;
  open: number;
  price: number;
  volume: number;
}

/** Starts the simulator; `publish` is called for every tick (its errors are reported, not thrown). */
export function startSimulator(
  publish: (channel: string, tick: PriceTick) => Promise<unknown>,
  options: SimulatorOptions = {},
  onError: (error: unknown) => void = () => {},
): Simulator {
  const rate = options.ticksPerSecond && options.ticksPerSecond > 0 ? options.ticksPerSecond : 4;
  const speed = options.speed && options.speed > 0 ? options.speed : 4;
  const random = options.random ?? Math.random;
  const gaussian = () => {
    // Box–Muller; 1 - random() keeps log away from 0.
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const walks: Walk[] = (options.symbols ?? SYMBOLS).map((instrument) => {
    const open = instrument.price * (1 + gaussian() * 0.01);
    return { instrument, open, price: open * (1 + gaussian() * 0.005), volume: 0 };
  });

  const tick = (walk: Walk, dtSeconds: number): PriceTick => {
    const traits = CLASS_TRAITS[walk.instrument.kind];
    const sigma = traits.volatility * Math.sqrt((dtSeconds * speed * speed) / YEAR_SECONDS);
    walk.price *= Math.exp(-0.5 * sigma * sigma + sigma * gaussian());
    walk.volume += Math.round(traits.tradeSize * (0.2 + 2 * random()) * 1000) / 1000;
    const decimals = decimalsFor(walk.instrument, walk.price);
    const round = (value: number) => Number(value.toFixed(decimals));
    const price = round(walk.price);
    const open = round(walk.open);
    const halfSpread = Math.max(price * (traits.halfSpreadBps / 10_000), 10 ** -decimals);
    return {
      symbol: walk.instrument.symbol,
      price,
      ts: Date.now(),
      open,
      change: round(price - open),
      changePct: Number((((price - open) / open) * 100).toFixed(3)),
      bid: round(price - halfSpread),
      ask: round(price + halfSpread),
      volume: Number(walk.volume.toFixed(3)),
      currency: walk.instrument.currency,
    };
  };

  const emit = (walk: Walk, dtSeconds: number) => {
    publish(PRICE_PREFIX + walk.instrument.symbol, tick(walk, dtSeconds)).catch(onError);
  };

  // A first value for every symbol at once, so subscribers get a snapshot immediately.
  for (const walk of walks) emit(walk, 1 / rate);
  const perStep = (rate * STEP_MS) / 1000;
  const timer = setInterval(() => {
    for (const walk of walks) {
      // Poisson arrivals: with perStep < 1 this is a coin flip per step; above, several ticks.
      let due = Math.floor(perStep) + (random() < perStep % 1 ? 1 : 0);
      while (due-- > 0) emit(walk, 1 / rate);
    }
  }, STEP_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
