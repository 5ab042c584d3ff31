/**
 * Coalesces the history reads of a node's watched channels: the `recover` calls made during one
 * turn of the event loop go to Redis as one recover-many script per `maxBatch` channels, instead of
 * one script call each. After a reconnect, `resync` syncs every watched channel at once (5,000
 * watched channels: 5 scripts, not 5,000); gap fills of many channels read in one go too.
 *
 * Each caller still gets its own channel's answer, or its own rejection: a channel the batched read
 * could not read is rejected with the error the read answered for it, and when a batched read fails
 * as a whole (or answers another number of channels), each of its channels is read again on its
 * own, so only a channel that cannot be read is rejected.
 *
 * Why the next macrotask (`setImmediate`), not a microtask: resync issues every channel's read in
 * microtasks of one turn, but a channel's read only starts once its queue's previous step has
 * settled: a few promise hops later when that step settles in the same turn. A microtask flush,
 * queued at the first read, then runs before those reads and splits the batch (checked: a channel
 * whose `start` step settled in the sync's turn ended up in a flush of its own). `setImmediate`
 * runs once the microtask queue has drained, however deep, and also groups the gap fills of pub/sub
 * messages read from several socket chunks in one poll phase (200 gaps at once: 1 to 3 scripts,
 * 1 to 5 with a microtask flush). It costs each read at most one event-loop turn.
 */
import type { RecoverRequest, Recovery } from './types.js';
import type { ChannelReader } from './redis-watched-channel.js';

/** How a {@link RecoverBatcher} reads. */
export interface RecoverBatcherOptions {
  /**
   * What the recover-many script answers for `requests` (at least one, at most `maxBatch`), in
   * order: the error of a channel Redis could not read, which is that channel's caller's.
   * Rejects as a whole when Redis is away.
   */
  readMany(requests: RecoverRequest[]): Promise<Array<Recovery | Error>>;
  /** Channels per `readMany` call (one script call stays short for Redis, which runs nothing else meanwhile). */
  maxBatch: number;
}

/** A recover call waiting for the next flush. */
interface PendingRead extends RecoverRequest {
  resolve(recovery: Recovery): void;
  reject(error: unknown): void;
}

/**
 * A {@link ChannelReader} whose reads are batched per event-loop turn.
 * @example
 * const reader = new RecoverBatcher({ readMany, maxBatch: 1_000 });
 * const [a, b] = await Promise.all([reader.recover('price:A', 4), reader.recover('price:B', 9)]); // one script
 */
export class RecoverBatcher implements ChannelReader {
  private pending: PendingRead[] = [];
  private flushScheduled = false;

  constructor(private readonly options: RecoverBatcherOptions) {}

  /** The updates of `channel` after `since`, read with the other channels' reads of this turn. */
  recover(channel: string, since: number): Promise<Recovery> {
    return new Promise<Recovery>((resolve, reject) => {
      this.pending.push({ channel, since, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(this.flush);
    });
  }

  /** Issues every pending read: one `readMany` per `maxBatch` requests (all issued at once). */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const requests = this.pending;
    this.pending = [];
    const size = Math.max(1, Math.floor(this.options.maxBatch));
    for (let start = 0; start < requests.length; start += size) void this.read(requests.slice(start, start + size));
  };

  private async read(batch: PendingRead[]): Promise<void> {
    let answers: Array<Recovery | Error> | null = null;
    let failure: unknown = null;
    try {
      answers = await this.options.readMany(batch.map(({ channel, since }) => ({ channel, since })));
      if (answers.length !== batch.length) throw new Error('Redis answered another number of recoveries');
    } catch (error) {
      answers = null;
      failure = error;
    }
    if (!answers && batch.length === 1) {
      batch[0]!.reject(failure);
    } else if (!answers) {
      // Each channel on its own, so that only a channel that cannot be read is rejected.
      for (const request of batch) void this.read([request]);
    } else {
      batch.forEach((request, index) => {
        const answer = answers[index]!;
        if (answer instanceof Error) request.reject(answer);
        else request.resolve(answer);
      });
    }
  }
}
