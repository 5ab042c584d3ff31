/**
 * The per-client send queue. A client gets at most one frame per flush interval: an update for a
 * client that is idle — nothing queued, no frame in the last interval, its socket not behind —
 * is written at once as the update's shared bytes (leading edge: no added latency), and what
 * follows within the interval is queued and sent as one frame once the interval has passed
 * (trailing batch), so a burst still costs one frame per client per interval. A client that falls
 * behind is conflated to the latest value per channel, and detected as a slow consumer. The queue
 * is bounded by max(maxQueuedMessages, subscriptions).
 */
import { Delivery } from './delivery.js';

/** Where an outbox writes: a WebSocket in the relay. Buffers are UTF-8 JSON, sent as text frames. */
export interface OutboxSink {
  send(frame: string | Buffer): void;
  /** Bytes accepted by `send` but not yet written to the network. */
  readonly bufferedAmount: number;
}

/**
 * A queued message that is not a plain shared update: the snapshot form of a shared delivery
 * (after conflation, or the newest update seen during a subscribe), or text for this client only.
 */
class Special {
  constructor(
    readonly channel: string,
    readonly delivery: Delivery | null,
    readonly text: string | null,
  ) {}
}

/**
 * One queued channel message. A live update is queued as its Delivery itself, shared by every
 * recipient, so queueing one allocates nothing per client.
 */
type Queued = Delivery | Special;

/** Frames built in one flush round, by the deliveries they hold: clients sent the same frame share its bytes. */
export type FrameCache = Map<string, Buffer>;

const channelOf = (item: Queued): string => (item instanceof Delivery ? item.envelope.channel : item.channel);

const textOf = (item: Queued): string =>
  item instanceof Delivery ? item.updateText : item.delivery ? item.delivery.snapshotText : (item.text as string);

/** When an outbox last sent a frame, as its flush ticks see it. */
const enum LastFrame {
  /** Not within the last interval (or never): the next update is written at once. */
  None,
  /** At the last tick: the next tick may send again. */
  AtTick,
  /** Between the last tick and the next (a direct write): the tick after next may send again. */
  SinceTick,
}

/** Outcome of a flush. */
export type FlushResult =
  /** Nothing was sent for an interval: the client's next update is written at once. */
  | 'idle'
  /** A frame went out within the last interval: flush again next interval (queued items wait for it). */
  | 'sent'
  /** The client is behind: items are held (conflated) until its buffer drains. */
  | 'held'
  /** The client has been behind for longer than the grace period: close it. */
  | 'slow';

/** Counters the outbox reports to the relay's metrics. */
export interface OutboxStats {
  sent(messages: number): void;
  conflated(messages: number): void;
}

/** The limits an outbox applies (a subset of RelayLimits). */
export interface OutboxLimits {
  slowConsumerBytes: number;
  slowConsumerGraceMs: number;
  maxQueuedMessages: number;
}

/** The sink of an outbox kept for reuse (see OutboxPool): it holds no session meanwhile. */
const DETACHED: OutboxSink = {
  send() {
    throw new Error('outbox is not attached to a connection');
  },
  bufferedAmount: 0,
};

/** The send queue of one client. */
export class Outbox {
  private items: Queued[] = [];
  private behindSince: number | null = null;
  /** When the last frame went out, in flush ticks: updates are queued until an interval has passed. */
  private lastFrame = LastFrame.None;

  constructor(
    private sink: OutboxSink,
    private readonly limits: OutboxLimits,
    private readonly stats: OutboxStats,
  ) {}

  /** Messages waiting to be sent. */
  get size(): number {
    return this.items.length;
  }

  /** Whether it is in the state of a new outbox: nothing queued, no recent frame, not behind. */
  get atRest(): boolean {
    return this.items.length === 0 && this.lastFrame === LastFrame.None && this.behindSince === null;
  }

  /** Writes to `sink` from now on (an outbox at rest taken for another connection). */
  attach(sink: OutboxSink): void {
    this.sink = sink;
  }

  /** Lets go of its connection (kept for reuse). */
  detach(): void {
    this.sink = DETACHED;
  }

  /**
   * A live update: written at once when the client is idle (see the file comment), else queued.
   * Either way the caller asks for a flush afterwards: the flusher's ticks end the interval.
   */
  pushUpdate(delivery: Delivery): void {
    // Only when nothing is queued, so a direct write never overtakes a queued message; only when
    // nothing is buffered in user space, so a client that is not keeping up is batched (and
    // conflated once behind) instead of being written to message by message.
    if (this.lastFrame === LastFrame.None && this.items.length === 0 && this.sink.bufferedAmount === 0) {
      this.lastFrame = LastFrame.SinceTick;
      this.sink.send(delivery.bytes('update'));
      this.stats.sent(1);
      return;
    }
    this.push(delivery);
  }

  /** Queues the snapshot form of a shared delivery. */
  pushSnapshot(delivery: Delivery): void {
    this.push(new Special(delivery.envelope.channel, delivery, null));
  }

  /** Queues a snapshot built for this client only (kept as is by conflation). */
  pushText(channel: string, text: string): void {
    this.push(new Special(channel, null, text));
  }

  /** Forgets queued messages of a channel (after unsubscribe or before a resync). */
  dropChannel(channel: string): void {
    if (this.items.length > 0) this.items = this.items.filter((item) => channelOf(item) !== channel);
  }

  /**
   * One flush tick (every flush interval while the client is active): sends what is queued as one
   * frame once the last frame is an interval old, unless the client is behind (its unsent bytes
   * over the threshold): then the queue is conflated and held, and 'slow' is returned once the
   * client has been behind for longer than the grace period.
   */
  flush(now: number, frames?: FrameCache): FlushResult {
    if (this.sink.bufferedAmount > this.limits.slowConsumerBytes) {
      this.behindSince ??= now;
      this.conflate();
      return now - this.behindSince > this.limits.slowConsumerGraceMs ? 'slow' : 'held';
    }
    this.behindSince = null;
    if (this.lastFrame === LastFrame.SinceTick) {
      // Written at once since the last tick, so less than an interval ago: what queued up behind
      // it waits for the next tick.
      this.lastFrame = LastFrame.AtTick;
      return 'sent';
    }
    const { items } = this;
    if (items.length === 0) {
      this.lastFrame = LastFrame.None;
      return 'idle';
    }
    this.lastFrame = LastFrame.AtTick;
    const count = items.length;
    const frame = this.frame(items, frames);
    // Emptied in place (pop does not reallocate, where `= []` or `length = 0` would): no new
    // array per frame, so nothing of a batch outlives its tick for V8's scavenger to copy.
    while (items.length > 0) items.pop();
    this.sink.send(frame);
    this.stats.sent(count);
    return 'sent';
  }

  /**
   * The frame for `items`. A lone shared message is sent as its shared bytes; a batch made only of
   * shared messages is encoded once per flush round for every client that gets the same batch.
   */
  private frame(items: Queued[], frames: FrameCache | undefined): string | Buffer {
    const first = items[0] as Queued;
    if (items.length === 1) {
      if (first instanceof Delivery) return first.bytes('update');
      return first.delivery ? first.delivery.bytes('snapshot') : (first.text as string);
    }
    const batch = () => `{"type":"batch","messages":[${items.map(textOf).join(',')}]}`;
    if (!frames) return batch();
    let key = '';
    for (const item of items) {
      if (item instanceof Delivery) key += `${item.id}u,`;
      else if (item.delivery) key += `${item.delivery.id}s,`;
      else return batch(); // text for this client only: nobody else gets this frame
    }
    let bytes = frames.get(key);
    if (!bytes) frames.set(key, (bytes = Buffer.from(batch())));
    return bytes;
  }

  private push(item: Queued): void {
    this.items.push(item);
    if (this.items.length > this.limits.maxQueuedMessages) this.conflate();
  }

  /**
   * Keeps the latest message per channel, as a snapshot: a snapshot replaces the client's value,
   * so the seqs skipped here do not look like a gap that would trigger a `since` resubscribe.
   * The queue keeps the order of each channel's latest message. It runs at every flush tick while
   * the client is held, so it allocates nothing once its items are snapshots: the queue is
   * compacted in place, and the channel → latest index table is one for every outbox.
   */
  private conflate(): void {
    const items = this.items;
    const count = items.length;
    if (latestIndex.size > LATEST_INDEX_MAX_KEYS) latestIndex = new Map();
    // Every channel in the queue gets its latest index here before it is read below, so entries
    // left by earlier calls (channels not in this queue) are never read.
    for (let i = 0; i < count; i++) latestIndex.set(channelOf(items[i] as Queued), i);
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const item = items[i] as Queued;
      if (latestIndex.get(channelOf(item)) !== i) continue;
      items[kept++] = item instanceof Delivery ? new Special(item.envelope.channel, item, null) : item;
    }
    while (items.length > kept) items.pop(); // in place, as in flush
    if (count > kept) this.stats.conflated(count - kept);
  }
}

/**
 * Channel → index of its latest queued message, for conflate (which runs synchronously, so one
 * table serves every outbox). Its entries are overwritten rather than removed (no table rebuilt
 * per call); it is replaced once it holds this many channels, so names of channels long gone are
 * not kept for ever.
 */
const LATEST_INDEX_MAX_KEYS = 4_096;
let latestIndex = new Map<string, number>();
