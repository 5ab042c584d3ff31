/**
 * Per-connection frame rate limit: a token bucket (rate per second, burst size), plus a count of
 * frames dropped in the current second so a sustained flood can be told from a short burst.
 *
 * The state lives in four number fields of the session itself (RateState), not in an object of
 * its own: a relay holds tens of thousands of connections, and most of them are idle. Tokens are
 * counted in thousandths so that, with a whole-number rate and whole milliseconds, every field
 * stays a small integer (no heap-allocated double per connection).
 */
export type RateDecision =
  /** The frame may be handled. */
  | 'allow'
  /** Drop the frame and tell the client (first drop of this second). */
  | 'drop-notify'
  /** Drop the frame silently (the client was told already this second). */
  | 'drop'
  /** The flood goes on: close the connection. */
  | 'close';

/** The limits of the bucket (a subset of RelayLimits). */
export interface RateLimits {
  /** Tokens added per second. */
  rateLimitPerSecond: number;
  /** Bucket size: frames accepted in a burst. */
  rateLimitBurst: number;
  /** Dropped frames within one second after which the connection is closed. */
  rateLimitCloseAfter: number;
}

/** The bucket of one connection; any clock in whole milliseconds works, as only differences count. */
export interface RateState {
  /** Thousandths of a token in the bucket, as of `rateRefilledAt`. */
  rateMilliTokens: number;
  /** When the bucket was last refilled (ms). */
  rateRefilledAt: number;
  /** Start of the current one-second window of dropped frames (ms). */
  rateWindowStart: number;
  /** Frames dropped in that window. */
  rateDropped: number;
}

/** Takes one token for a frame received at `now` (ms), updating `state`. */
export function takeToken(state: RateState, limits: RateLimits, now: number): RateDecision {
  // ms × tokens/s = thousandths of a token.
  const refill = (now - state.rateRefilledAt) * limits.rateLimitPerSecond;
  state.rateMilliTokens = Math.min(limits.rateLimitBurst * 1000, state.rateMilliTokens + refill);
  state.rateRefilledAt = now;
  if (state.rateMilliTokens >= 1000) {
    state.rateMilliTokens -= 1000;
    return 'allow';
  }
  if (now - state.rateWindowStart >= 1000) {
    state.rateWindowStart = now;
    state.rateDropped = 0;
  }
  state.rateDropped += 1;
  if (state.rateDropped > limits.rateLimitCloseAfter) return 'close';
  return state.rateDropped === 1 ? 'drop-notify' : 'drop';
}
