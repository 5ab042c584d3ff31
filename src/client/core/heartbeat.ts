/**
 * Application-level heartbeat. A TCP connection can stay "open" for minutes after the peer vanished
 * (a sleeping laptop, a NAT that forgot us, a relay that hangs): we send `ping` every
 * `intervalMs` and give up when nothing at all arrived within `timeoutMs` after a ping.
 */

/** Heartbeat timing. */
export interface HeartbeatOptions {
  /** Time between pings, in ms. */
  intervalMs: number;
  /** How long to wait for any frame after a ping, in ms. */
  timeoutMs: number;
}

/** Defaults: a ping every 15 s, dead after 10 s of silence that follows a ping. */
export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 15_000, timeoutMs: 10_000 };

/** Runs the ping loop of one socket. */
export class Heartbeat {
  #interval: ReturnType<typeof setInterval> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #lastReceivedAt = 0;

  readonly #options: HeartbeatOptions;
  readonly #sendPing: (t: number) => void;
  readonly #onTimeout: () => void;

  constructor(options: HeartbeatOptions, sendPing: (t: number) => void, onTimeout: () => void) {
    this.#options = options;
    this.#sendPing = sendPing;
    this.#onTimeout = onTimeout;
  }

  /** Starts pinging; the first ping goes out at once, so latency is known right away. */
  start(): void {
    this.stop();
    this.#lastReceivedAt = Date.now();
    this.#ping();
    this.#interval = setInterval(() => this.#ping(), this.#options.intervalMs);
  }

  /** Records that a frame (any frame) arrived. */
  received(): void {
    this.#lastReceivedAt = Date.now();
  }

  /** Stops every timer. */
  stop(): void {
    clearInterval(this.#interval);
    clearTimeout(this.#deadline);
    this.#interval = undefined;
    this.#deadline = undefined;
  }

  #ping(): void {
    const sentAt = Date.now();
    this.#sendPing(sentAt);
    if (this.#deadline !== undefined) return; // an earlier ping is still waiting
    this.#deadline = setTimeout(() => {
      this.#deadline = undefined;
      if (this.#lastReceivedAt < sentAt) this.#onTimeout();
    }, this.#options.timeoutMs);
  }
}
