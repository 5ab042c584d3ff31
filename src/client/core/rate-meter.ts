/** Counts events per second over a sliding window of whole-second buckets. */
export class RateMeter {
  readonly #buckets: number[];
  #currentSecond = 0;

  /** @param windowSeconds how many past seconds the average covers. */
  readonly #windowSeconds: number;
  readonly #now: () => number;

  constructor(windowSeconds = 5, now: () => number = Date.now) {
    this.#windowSeconds = windowSeconds;
    this.#now = now;
    this.#buckets = new Array(windowSeconds).fill(0);
  }

  /** Records `count` events now. */
  add(count = 1): void {
    this.#advance();
    this.#buckets[this.#currentSecond % this.#windowSeconds]! += count;
  }

  /** Events per second, averaged over the complete seconds of the window (rounded to 0.1). */
  get perSecond(): number {
    this.#advance();
    let total = 0;
    // The current second is still filling up: leave it out so the rate does not dip at each tick.
    for (let i = 1; i < this.#windowSeconds; i++) total += this.#buckets[(this.#currentSecond - i + this.#windowSeconds * 2) % this.#windowSeconds]!;
    return Math.round((total / (this.#windowSeconds - 1)) * 10) / 10;
  }

  #advance(): void {
    const second = Math.floor(this.#now() / 1000);
    if (this.#currentSecond === 0) this.#currentSecond = second;
    const elapsed = Math.min(second - this.#currentSecond, this.#windowSeconds);
    for (let i = 1; i <= elapsed; i++) this.#buckets[(this.#currentSecond + i) % this.#windowSeconds] = 0;
    if (second > this.#currentSecond) this.#currentSecond = second;
  }
}
