/**
 * Reconnect delays: exponential growth with full jitter, bounded on both sides, so that thousands
 * of clients dropped by one relay restart do not come back in lockstep.
 */

/** Bounds of the reconnect delay. */
export interface BackoffOptions {
  /** Shortest delay, in ms (also the scale of the exponential growth). */
  minMs: number;
  /** Longest delay, in ms. */
  maxMs: number;
}

/** The longest delay a timer can wait: a longer `setTimeout` fires at once. */
export const MAX_TIMER_MS = 2147483647;

/** Defaults: from 0.5 s up to 20 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 500, maxMs: 20_000 };

/**
 * The delay before retry number `failures` (1 for the first retry): uniform in
 * `[minMs, min(maxMs, minMs · 2^failures)]`.
 * @param random a source in [0, 1), injectable for tests.
 */
export function backoffDelay(failures: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  // A timer longer than 2³¹−1 ms fires at once: past it a huge bound would retry in a tight loop.
  const minMs = Math.min(Math.max(0, options.minMs), MAX_TIMER_MS);
  const maxMs = Math.min(Math.max(minMs, options.maxMs), MAX_TIMER_MS);
  // Cap the exponent: 2 ** 1024 is Infinity, and Math.min handles that, but keep it readable.
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(failures, 1), 30));
  const value = random();
  const r = Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
  return Math.round(minMs + r * (ceiling - minMs));
}
