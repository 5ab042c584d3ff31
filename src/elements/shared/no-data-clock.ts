/**
 * Tells "no value yet" from "no value at all". A relay sends a channel's last value as soon as it
 * is subscribed, by socket or by poll; so once the feed has been open for a while and a channel
 * still has nothing, nothing publishes it (a misspelt symbol, a channel nobody feeds). Elements run
 * this clock while they wait and say "No data" when it runs out, instead of loading forever.
 */
import type { FeedStatus } from '../../client/types.js';

/**
 * Longest delay a timer keeps (2^31 - 1 ms, about 24.8 days): browsers run a longer one, or an
 * infinite one, at once, so a check for a huge delay would book itself again every few ms.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Whether a feed in `status` would have delivered every last value by now: open, or polling. */
export function answersAtOnce(status: FeedStatus | undefined): boolean {
  return status?.state === 'open' || status?.state === 'polling';
}

/** A clock for one thing waited for at a time (a channel, a symbol list). */
export class NoDataClock {
  /** Whether the clock ran out for the thing watched now. */
  ranOut = false;
  #watched: unknown;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #onRunOut: () => void;

  /** @param onRunOut called once each time the clock runs out. */
  constructor(onRunOut: () => void) {
    this.#onRunOut = onRunOut;
  }

  /**
   * Watches `what` (any value; the same value again changes nothing, so this may run before every
   * render) for `seconds`; `undefined`, or `seconds` ≤ 0 (never), stops the clock and clears
   * `ranOut`. Another value starts it afresh.
   */
  watch(what: unknown, seconds: number): void {
    if (!(seconds > 0)) what = undefined;
    if (what === this.#watched) return;
    clearTimeout(this.#timer); // (a timer that has fired: a no-op)
    this.#watched = what;
    this.ranOut = false;
    if (what === undefined) return;
    this.#timer = setTimeout(() => {
      this.ranOut = true;
      this.#onRunOut();
    }, Math.min(seconds * 1000, MAX_TIMER_MS));
  }
}
