/**
 * Tick → next animation frame latency in a page. The page's clock is aligned to the benchmark's
 * Node clock (GET /clock, NTP-style: the round trip with the smallest RTT gives the offset), so
 * `now − tick.ts` compares a Chromium timestamp with the relay process's preciseNow() stamp.
 */

declare global {
  interface Window {
    __latency?: { start(): void; stop(): { samples: number[]; offset: number; rtt: number } };
  }
}

let offset = 0;
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
      offset = now - (t0 + t1) / 2;
    }
  }
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
    return { samples, offset, rtt: bestRtt };
  },
};
