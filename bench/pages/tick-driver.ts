/** In-page tick source for the rendering benchmarks: the same ticks for our elements and peers. */

export interface PageTick {
  symbol: string;
  price: number;
  open: number;
  change: number;
  changePct: number;
  bid: number;
  ask: number;
  volume: number;
  ts: number;
}

export const symbolsOf = (count: number) => Array.from({ length: count }, (_, i) => `SYM${String(i).padStart(3, '0')}`);

/** Calls `onTick` `ticksPerSecond` times a second, round-robin over `symbols`, in 10 ms slices. */
export function startTicks(symbols: readonly string[], ticksPerSecond: number, onTick: (tick: PageTick) => void): () => void {
  let step = 0;
  const started = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) * ticksPerSecond) / 1000) - sent;
    for (let i = 0; i < Math.min(due, ticksPerSecond); i++, step++) {
      const symbol = symbols[step % symbols.length]!;
      const k = Math.floor(step / symbols.length);
      const open = 100 + (step % symbols.length);
      const price = Math.round((open + Math.sin(k / 7 + step) * 2) * 100) / 100;
      const change = Math.round((price - open) * 100) / 100;
      onTick({ symbol, price, open, change, changePct: Math.round((change / open) * 10000) / 100, bid: price - 0.01, ask: price + 0.01, volume: 1000 + k, ts: Date.now() });
    }
    sent += Math.max(0, due);
  }, 10);
  return () => clearInterval(timer);
}
