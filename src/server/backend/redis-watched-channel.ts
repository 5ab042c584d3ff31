/**
 * Ordered, exactly-once delivery of one watched channel on one node. Pub/sub alone is not enough:
 * messages published between reading the channel's state and the SUBSCRIBE taking effect are
 * missed, and so is everything while the connection is down. So each watched channel keeps the
 * last `seq` it delivered and runs every step through one queue:
 *
 * - start: the baseline is the channel's `seq` when `watch()` was called (read on the command
 *   connection *before* the relay reads the snapshot, so nothing after the snapshot is lost);
 * - receive: a pub/sub envelope at or below the last delivered `seq` is a duplicate and dropped;
 *   one beyond `last + 1` reveals a gap, filled from the Redis history before it is delivered;
 * - sync: after SUBSCRIBE and after every reconnect, everything after the last delivered `seq`
 *   is read from history (or, when history no longer holds it, the latest value is delivered and
 *   clients see the jump in `seq` and recover with `since`).
 */
import type { Envelope, Recovery } from './types.js';

/** What a watched channel reads from Redis; `recover` rejects when Redis is unreachable. */
export interface ChannelReader {
  recover(channel: string, since: number): Promise<Recovery>;
}

/** Where problems are reported; never thrown, a watched channel must not break the node. */
export type WarnFn = (message: string) => void;

export class WatchedChannel {
  private delivered = 0;
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  /** True while a sync failed and must run again when Redis is back. */
  private needsSync = false;

  /**
   * @param channel the channel name
   * @param reader reads history from Redis
   * @param deliver hands one envelope to the node's listeners
   * @param warn reports problems
   */
  constructor(
    readonly channel: string,
    private readonly reader: ChannelReader,
    private readonly deliver: (envelope: Envelope) => void,
    private readonly warn: WarnFn,
  ) {}

  /**
   * Sets the baseline. `baseline` is the channel's seq read when the watch began; when it fails
   * (Redis away) `fallback` is used — the seq this node knew, which is what it served as snapshot —
   * and a sync is owed.
   */
  start(baseline: Promise<number>, fallback: number): void {
    this.enqueue(async () => {
      try {
        this.delivered = await baseline;
      } catch {
        this.delivered = fallback;
        this.needsSync = true;
      }
    }).catch(this.report);
  }

  /** Handles an envelope that arrived on pub/sub. */
  receive(envelope: Envelope): void {
    this.enqueue(async () => {
      if (envelope.seq <= this.delivered) return; // duplicate (already delivered by a sync or fill)
      if (envelope.seq > this.delivered + 1) await this.fill(envelope.seq);
      this.deliverOne(envelope);
    }).catch(this.report);
  }

  /** Catches up from history; resolves when done (or failed: then a later sync is owed). */
  sync(): Promise<void> {
    return this.enqueue(async () => {
      try {
        const recovery = await this.reader.recover(this.channel, this.delivered);
        this.needsSync = false;
        if (recovery.recovered) {
          for (const update of recovery.updates) this.deliverOne(update);
        } else if (recovery.latest && recovery.latest.seq > this.delivered) {
          this.deliverOne(recovery.latest);
        }
      } catch (error) {
        this.needsSync = true;
        throw error;
      }
    });
  }

  /** Whether a sync failed and must be retried. */
  get owesSync(): boolean {
    return this.needsSync;
  }

  /** Stops delivering; queued steps finish without effect. */
  close(): void {
    this.closed = true;
  }

  /** Delivers from history what lies between the last delivered seq and `beforeSeq`. */
  private async fill(beforeSeq: number): Promise<void> {
    try {
      const recovery = await this.reader.recover(this.channel, this.delivered);
      if (!recovery.recovered) return; // trimmed away: clients see the jump and recover with since
      for (const update of recovery.updates) {
        if (update.seq < beforeSeq) this.deliverOne(update);
      }
    } catch (error) {
      this.needsSync = true;
      this.warn(`redis: could not fill a gap on ${this.channel} before seq ${beforeSeq}: ${String(error)}`);
    }
  }

  private readonly report = (error: unknown): void => {
    this.warn(`redis: delivery on ${this.channel} failed: ${String(error)}`);
  };

  private deliverOne(envelope: Envelope): void {
    if (this.closed || envelope.seq <= this.delivered) return;
    this.delivered = envelope.seq;
    this.deliver(envelope);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.tail.then(() => (this.closed ? undefined : step()));
    this.tail = run.catch(() => undefined);
    return run;
  }
}
