/**
 * Per-connection frame rate limit: a token bucket (rate per second, burst size), plus a count of
 * frames dropped in the current second so a sustained flood can be told from a short burst.
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

/** Token bucket of one connection, plus the per-second count of dropped frames. */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;
  private windowStart = 0;
  private droppedInWindow = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly closeAfter: number,
    now: number,
  ) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Takes one token for a frame received at `now` (ms). */
  take(now: number): RateDecision {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'allow';
    }
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.droppedInWindow = 0;
    }
    this.droppedInWindow += 1;
    if (this.droppedInWindow > this.closeAfter) return 'close';
    return this.droppedInWindow === 1 ? 'drop-notify' : 'drop';
  }
}
