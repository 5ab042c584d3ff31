/**
 * What a Redis backend node's `watch` and `unwatch` send to Redis, batched per event-loop turn:
 * the channels watched in one turn (1,000 clients subscribing to 1,000 new channels, a node's
 * clients coming back after a restart) have their baselines read in one command and are
 * SUBSCRIBEd in one command, per `maxBatch` channels, instead of one HGET and one SUBSCRIBE each;
 * the channels unwatched in one turn are UNSUBSCRIBEd together.
 *
 * The no-gap guarantee of a watched channel rests on its baseline (the seq it delivers from)
 * being read before the relay reads the snapshot that it sends the channel's first subscriber
 * (redis-watched-channel.ts): both go on the command connection, which Redis answers in order. So
 * a read that must follow the watches of its turn waits, through {@link WatchBatcher.afterBaselines},
 * until their baseline reads have been sent: at most one turn, and only while a baseline is pending.
 *
 * Failures stay with their channel: a channel whose seq Redis cannot read, or whose keys Redis's
 * ACL refuses the relay's user, gets its own rejection (its watcher then starts from what this node
 * knew and owes a catch-up); the rest of its batch reads on. A read that fails as a whole rejects
 * each of its channels' baselines alike (Redis away or too slow, or its ACL refusing one channel of
 * the batch: each falls back as a single failed read did). The batch is flushed on the next
 * macrotask (`setImmediate`), as the recover batcher's (redis-recover-batcher.ts): the watches of
 * one poll phase's frames, from many connections, go together.
 */
import { UNREADABLE } from './redis-script-commands.js';
import { ChannelUnreadableError } from './redis-strict-reads.js';

/** How a {@link WatchBatcher} talks to Redis. */
export interface WatchBatcherOptions {
  /**
   * The `seq` of each channel (0 for a new one), in order, in one command issued before it first
   * awaits: `UNREADABLE` for a channel whose keys Redis cannot read, an error for a channel Redis
   * refuses on its own (its ACL). At most `maxBatch` channels.
   */
  readSeqs(channels: string[]): Promise<Array<number | typeof UNREADABLE | Error>>;
  /** SUBSCRIBEs the channels' buses (and catches each up once subscribed). At most `maxBatch` channels. */
  subscribe(channels: string[]): void;
  /** UNSUBSCRIBEs the channels' buses. At most `maxBatch` channels. */
  unsubscribe(channels: string[]): void;
  /** Channels per command: one command stays short for Redis, which runs nothing else meanwhile. */
  maxBatch: number;
}

/** A baseline read waiting for the next flush. */
interface PendingBaseline {
  channel: string;
  resolve(seq: number): void;
  reject(error: unknown): void;
}

/**
 * Batches the Redis side of `watch`/`unwatch` per event-loop turn.
 * @example
 * const baseline = batcher.watch('price:ACME'); // its seq, read with the other watches of this turn
 * const snapshot = batcher.afterBaselines(() => backendRead('price:ACME')); // ordered after it
 */
export class WatchBatcher {
  private baselines: PendingBaseline[] = [];
  private subscribes = new Set<string>();
  private unsubscribes = new Set<string>();
  private flushScheduled = false;
  /** Resolves once the baselines pending now have been sent; null when none is pending. */
  private baselinesSent: Promise<void> | null = null;
  private markSent: () => void = () => undefined;

  constructor(private readonly options: WatchBatcherOptions) {}

  /**
   * Reads `channel`'s baseline and SUBSCRIBEs it with the other watches of this turn (a SUBSCRIBE
   * of a channel unwatched earlier in this turn replaces that UNSUBSCRIBE). Resolves with its seq.
   */
  watch(channel: string): Promise<number> {
    const baseline = new Promise<number>((resolve, reject) => this.baselines.push({ channel, resolve, reject }));
    baseline.catch(() => undefined); // its watcher may be closed before it awaits it
    this.unsubscribes.delete(channel);
    this.subscribes.add(channel);
    if (!this.baselinesSent) this.baselinesSent = new Promise<void>((resolve) => (this.markSent = resolve));
    this.schedule();
    return baseline;
  }

  /** UNSUBSCRIBEs `channel` with the other unwatches of this turn (a SUBSCRIBE still pending is dropped). */
  unwatch(channel: string): void {
    this.subscribes.delete(channel);
    this.unsubscribes.add(channel);
    this.schedule();
  }

  /** Runs `read` now, or, while baselines are pending, as soon as they have been sent (in call order). */
  afterBaselines<T>(read: () => Promise<T>): Promise<T> {
    return this.baselinesSent ? this.baselinesSent.then(read) : read();
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  /** Sends everything pending: UNSUBSCRIBEs, baseline reads, SUBSCRIBEs, each `maxBatch` channels per command. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const { baselines, subscribes, unsubscribes, markSent } = this;
    this.baselines = [];
    this.subscribes = new Set();
    this.unsubscribes = new Set();
    this.baselinesSent = null;
    const size = Math.max(1, Math.floor(this.options.maxBatch));
    for (const batch of slices([...unsubscribes], size)) this.options.unsubscribe(batch);
    for (const batch of slices(baselines, size)) void this.readBaselines(batch);
    markSent();
    for (const batch of slices([...subscribes], size)) this.options.subscribe(batch);
  };

  private async readBaselines(batch: PendingBaseline[]): Promise<void> {
    let seqs: Array<number | typeof UNREADABLE | Error>;
    try {
      seqs = await this.options.readSeqs(batch.map(({ channel }) => channel));
      if (seqs.length !== batch.length) throw new Error('Redis returned a malformed seq reply');
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const seq = seqs[index]!;
      if (seq instanceof Error) pending.reject(seq);
      else if (seq === UNREADABLE) pending.reject(new ChannelUnreadableError(pending.channel, 'no hash under its meta key, or a seq that is not a whole number'));
      else pending.resolve(seq);
    });
  }
}

/** `items` in slices of `size`. */
function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
