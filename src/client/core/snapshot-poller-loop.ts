/** The polling loop of the HTTP fallback: one `GET /v1/snapshot` per interval while running. */
import { fetchSnapshots, type PolledSnapshots } from './snapshot-poller.js';

/** What the loop needs from the core. */
export interface SnapshotPollerOptions {
  url: string;
  fetch: typeof fetch | null;
  intervalMs: number;
  /** The bearer token to send, if any (the relay requires one on `/v1/snapshot` when auth is on). */
  token?(): string | undefined;
  channels(): string[];
  /** One answer of the relay, in the order they came: its epoch (if named) and its values. */
  onSnapshots(answer: PolledSnapshots): void;
}

/** Polls while started; results of a stopped run are discarded, so they never overwrite socket data. */
export class SnapshotPoller {
  #run = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight = false;

  readonly #options: SnapshotPollerOptions;

  constructor(options: SnapshotPollerOptions) {
    this.#options = options;
  }

  /** Whether polling can work here at all. */
  get available(): boolean {
    return this.#options.fetch !== null;
  }

  /** Whether the loop runs. */
  get running(): boolean {
    return this.#timer !== undefined || this.#inFlight;
  }

  /** Starts polling at once. */
  start(): void {
    if (this.running || !this.available) return;
    this.#run++;
    void this.#poll(this.#run);
  }

  /** Polls now instead of at the next tick (a channel was added). */
  pollSoon(): void {
    if (!this.running || this.#inFlight) return;
    clearTimeout(this.#timer);
    void this.#poll(this.#run);
  }

  /** Stops; an answer still in flight is ignored. */
  stop(): void {
    this.#run++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inFlight = false;
  }

  async #poll(run: number): Promise<void> {
    this.#timer = undefined;
    const channels = this.#options.channels();
    if (channels.length > 0 && this.#options.fetch) {
      this.#inFlight = true;
      try {
        const answers = await fetchSnapshots(this.#options.fetch, this.#options.url, channels, Math.min(Math.max(1000, this.#options.intervalMs * 2), 30_000), this.#options.token?.());
        if (run !== this.#run) return;
        for (const answer of answers) this.#options.onSnapshots(answer);
      } catch {
        // The relay is unreachable over HTTP too; keep trying at the same pace.
      } finally {
        if (run === this.#run) this.#inFlight = false;
      }
    }
    if (run === this.#run) this.#timer = setTimeout(() => void this.#poll(run), this.#options.intervalMs);
  }
}
