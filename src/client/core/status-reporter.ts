/**
 * The status side of the core: state, error and stats, with one `setState` that emits only on
 * change, and a once-a-second tick that emits when the stats moved.
 */
import type { ConnectionState, FeedError, FeedMode, FeedStatus } from '../types.js';
import { RateMeter } from './rate-meter.js';

/** Holds and publishes a connection's status. */
export class StatusReporter {
  #state: ConnectionState = 'idle';
  #currentError: FeedError | null = null;
  /** The error of the last emission: a new one is news even when the state stays. */
  #emittedError: FeedError | null = null;
  #latencyMs: number | null = null;
  #lastMessageAt: number | null = null;
  #lastStatsKey = '';
  #ticker: ReturnType<typeof setInterval> | undefined;
  readonly #meter = new RateMeter();
  readonly #listeners = new Set<(status: FeedStatus) => void>();

  readonly #mode: FeedMode;

  constructor(mode: FeedMode) {
    this.#mode = mode;
  }

  /** The current status, as a fresh object. */
  get status(): FeedStatus {
    return {
      state: this.#state,
      mode: this.#mode,
      stats: { latencyMs: this.#latencyMs, messagesPerSecond: this.#meter.perSecond, lastMessageAt: this.#lastMessageAt },
      error: this.#currentError,
    };
  }

  /** The current state. */
  get current(): ConnectionState {
    return this.#state;
  }

  /** Listens to changes. */
  subscribe(listener: (status: FeedStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The one place the state changes; emits only when it does, or when the error changed since the
   * last emission (a retry that fails for another reason while the state stays `reconnecting`).
   */
  setState(next: ConnectionState): void {
    if (next === this.#state && sameError(this.#currentError, this.#emittedError)) return;
    this.#state = next;
    this.#emit();
  }

  /** Sets or clears the error; it is published with the next `setState` (or stats tick). */
  setError(error: FeedError | null): void {
    this.#currentError = error;
  }

  /** Counts one channel message. */
  messageReceived(): void {
    this.#meter.add();
    this.#lastMessageAt = Date.now();
  }

  /** Records a ping round trip. */
  latency(ms: number): void {
    this.#latencyMs = ms;
  }

  /** Starts the stats tick. */
  startTicker(): void {
    this.#ticker ??= setInterval(() => {
      if (this.#statsKey() !== this.#lastStatsKey || !sameError(this.#currentError, this.#emittedError)) this.#emit();
    }, 1000);
  }

  /** Stops the stats tick. */
  stopTicker(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  #statsKey(): string {
    return `${this.#latencyMs}|${this.#meter.perSecond}|${this.#lastMessageAt}`;
  }

  #emit(): void {
    const status = this.status;
    this.#lastStatsKey = this.#statsKey();
    this.#emittedError = this.#currentError;
    for (const listener of [...this.#listeners]) listener(status);
  }
}

/** Whether two errors say the same (a retry recreates its error object each time). */
function sameError(a: FeedError | null, b: FeedError | null): boolean {
  return a === b || (a !== null && b !== null && a.code === b.code && a.message === b.message);
}
