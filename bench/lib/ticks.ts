/**
 * The tick source every relay under test is fed by, in its own process: the same symbols, the
 * same payload shape and size, the same pacing. `ts` is a fractional-ms wall clock (preciseNow)
 * so that receivers on this machine can measure latency below 1 ms.
 */
import { preciseNow } from './stats.js';

/** `SYM000`… `SYMnnn`. */
export function benchSymbols(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `SYM${String(i).padStart(3, '0')}`);
}

export function channelOf(symbol: string): string {
  return `price:${symbol}`;
}

/** A realistic tick payload (~150 bytes of JSON), like the simulator's. */
export function makeTick(symbol: string, step: number): Record<string, number | string> {
  const open = 100;
  const price = Math.round((open + Math.sin(step / 50) * 5 + (step % 7) * 0.01) * 100) / 100;
  const change = Math.round((price - open) * 100) / 100;
  return {
    symbol,
    price,
    open,
    change,
    changePct: Math.round((change / open) * 10000) / 100,
    bid: Math.round((price - 0.01) * 100) / 100,
    ask: Math.round((price + 0.01) * 100) / 100,
    volume: 1000 + step,
    ts: preciseNow(),
  };
}

export type PublishTick = (symbol: string, data: Record<string, number | string>) => void;

/**
 * Publishes ticks round-robin over `symbols` at `ticksPerSecond` (0 = stopped). Catches up on
 * timer lateness so the offered rate is what was asked, up to a bounded burst per timer turn.
 */
export class TickSource {
  private rate = 0;
  private startedAt = 0;
  private sent = 0;
  private step = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Ticks published since the last setRate. */
  published = 0;

  constructor(
    private readonly symbols: readonly string[],
    private readonly publish: PublishTick,
  ) {}

  setRate(ticksPerSecond: number): void {
    this.rate = Math.max(0, ticksPerSecond);
    this.startedAt = performance.now();
    this.sent = 0;
    this.published = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.rate > 0) this.loop();
  }

  stop(): void {
    this.setRate(0);
  }

  private loop = (): void => {
    const due = Math.floor(((performance.now() - this.startedAt) * this.rate) / 1000) - this.sent;
    const burst = Math.min(due, Math.max(1, Math.ceil(this.rate / 50))); // at most ~20 ms worth at once
    for (let i = 0; i < burst; i++) {
      const symbol = this.symbols[this.step % this.symbols.length]!;
      this.publish(symbol, makeTick(symbol, this.step));
      this.step++;
    }
    this.sent += Math.max(0, burst);
    this.published += Math.max(0, burst);
    // When far behind, skip the backlog instead of bursting forever: the offered rate is a ceiling.
    if (due - burst > this.rate) this.sent += due - burst;
    this.timer = setTimeout(this.loop, 1);
  };
}
