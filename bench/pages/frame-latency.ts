/**
 * Tick → next animation frame latency in a page: `now − tick.ts` compares the page's wall clock
 * (performance.timeOrigin + performance.now()) with the relay process's preciseNow() stamp. Both
 * read the same system clock; GET /clock checks it NTP-style (the round trip with the smallest RTT
 * gives the offset). An offset within ±RTT/2 cannot be told from zero, so it is applied only when
 * it is larger than that (a skewed clock), else the raw clocks are compared.
 */

declare global {
  interface Window {
    __latency?: { start(): void; stop(): { samples: number[]; offset: number; measuredOffset: number; rtt: number } };
  }
}

let offset = 0;
let measuredOffset = 0;
let bestRtt = Number.POSITIVE_INFINITY;
let collecting = false;
let samples: number[] = [];
let pending: number[] = [];
let scheduled = false;

const pageNow = () => performance.timeOrigin + performance.now();

/** Measures the offset to the server clock from `rounds` round trips to /clock. */
export async function alignClock(rounds = 12): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const t0 = pageNow();
    const { now } = (await (await fetch('/clock', { cache: 'no-store' })).json()) as { now: number };
    const t1 = pageNow();
    if (t1 - t0 < bestRtt) {
      bestRtt = t1 - t0;
      measuredOffset = now - (t0 + t1) / 2;
    }
  }
  offset = Math.abs(measuredOffset) > bestRtt / 2 ? measuredOffset : 0;
}

function onFrame(): void {
  scheduled = false;
  const now = pageNow() + offset;
  for (const ts of pending) samples.push(now - ts);
  pending = [];
}

/** Called with the `ts` of each tick the page receives; measured at the next animation frame. */
export function tickReceived(ts: unknown): void {
  if (!collecting || typeof ts !== 'number') return;
  pending.push(ts);
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(onFrame);
  }
}

window.__latency = {
  start() {
    samples = [];
    pending = [];
    collecting = true;
  },
  stop() {
    collecting = false;
    return { samples, offset, measuredOffset, rtt: bestRtt };
  },
};
