import { ABNORMAL, HEARTBEAT_TIMEOUT, NO_STATUS } from './codes.js';

/**
 * How a connection's sockets have been ending: the count that paces the backoff, and the count
 * that decides the polling fallback. A relay that opened a socket and then closed it with a code
 * (1011: it cannot check tokens just now; 4001: we fell behind) proved the WebSocket works: that
 * is a failure for the backoff, but it starts the polling count again. Only sockets that never
 * open, or die without a word (1006, 1005, our heartbeat's 4000), count toward polling.
 */
export class SocketFailures {
  /** Sockets in a row that failed or were closed: paces the backoff. */
  inRow = 0;
  /** Sockets in a row that never opened or died without a word. */
  transportInRow = 0;
  #opened = false;
  #stableTimer: ReturnType<typeof setTimeout> | undefined;

  /** A new attempt starts. */
  attempting(): void {
    this.#opened = false;
  }

  /** The attempt's socket opened; once it stays open `stableAfterMs`, the counts start over. */
  opened(stableAfterMs: number): void {
    this.#opened = true;
    this.#stableTimer = setTimeout(() => this.reset(), stableAfterMs);
  }

  /**
   * Counts the attempt's end; returns whether the cause is known: the relay said why (an opened
   * socket closed with a code), or `explained` (the attempt failed before any socket: no token).
   */
  ended(code: number | undefined, explained = false): boolean {
    const saidWhy = explained || (this.#opened && code !== undefined && code !== ABNORMAL && code !== NO_STATUS && code !== HEARTBEAT_TIMEOUT);
    this.#opened = false;
    this.inRow++;
    this.transportInRow = saidWhy ? 0 : this.transportInRow + 1;
    return saidWhy;
  }

  /** Starts both counts over (a manual reconnect, back online, a stable socket). */
  reset(): void {
    this.inRow = this.transportInRow = 0;
  }

  /** Stops the stability timer: call when the socket ends, before `ended`. */
  stop(): void {
    clearTimeout(this.#stableTimer);
  }
}
