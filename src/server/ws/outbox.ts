/**
 * The per-client send queue: coalesces channel messages into one frame per flush, conflates to the
 * latest value per channel when the client falls behind, and detects slow consumers. Its size is
 * bounded by max(maxQueuedMessages, subscriptions), whatever the client does.
 */
import type { Delivery, Form } from './delivery.js';

/** Where an outbox writes: a WebSocket in the relay. Buffers are UTF-8 JSON, sent as text frames. */
export interface OutboxSink {
  send(frame: string | Buffer): void;
  /** Bytes accepted by `send` but not yet written to the network. */
  readonly bufferedAmount: number;
}

/** One queued channel message: a shared delivery in one of its forms, or text for this client only. */
type Item = { channel: string; delivery: Delivery; form: Form } | { channel: string; text: string; delivery?: undefined };

/** Frames built in one flush round, by the deliveries they hold: clients sent the same frame share its bytes. */
export type FrameCache = Map<string, Buffer>;

const itemText = (item: Item): string => (item.delivery ? item.delivery.text(item.form) : item.text);

/** Outcome of a flush. */
export type FlushResult =
  /** Nothing left to send. */
  | 'idle'
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

/** The send queue of one client. */
export class Outbox {
  private items: Item[] = [];
  private behindSince: number | null = null;

  constructor(
    private readonly sink: OutboxSink,
    private readonly limits: OutboxLimits,
    private readonly stats: OutboxStats,
  ) {}

  /** Messages waiting to be sent. */
  get size(): number {
    return this.items.length;
  }

  /** Queues a live update. */
  pushUpdate(delivery: Delivery): void {
    this.push({ channel: delivery.envelope.channel, delivery, form: 'update' });
  }

  /** Queues the snapshot form of a shared delivery. */
  pushSnapshot(delivery: Delivery): void {
    this.push({ channel: delivery.envelope.channel, delivery, form: 'snapshot' });
  }

  /** Queues a snapshot built for this client only (kept as is by conflation). */
  pushText(channel: string, text: string): void {
    this.push({ channel, text });
  }

  /** Forgets queued messages of a channel (after unsubscribe or before a resync). */
  dropChannel(channel: string): void {
    this.items = this.items.filter((item) => item.channel !== channel);
  }

  /**
   * Sends what is queued as one frame, unless the client is behind (its unsent bytes over the
   * threshold): then the queue is conflated and held, and 'slow' is returned once the client has
   * been behind for longer than the grace period.
   */
  flush(now: number, frames?: FrameCache): FlushResult {
    if (this.sink.bufferedAmount > this.limits.slowConsumerBytes) {
      this.behindSince ??= now;
      this.conflate();
      return now - this.behindSince > this.limits.slowConsumerGraceMs ? 'slow' : 'held';
    }
    this.behindSince = null;
    const { items } = this;
    if (items.length === 0) return 'idle';
    this.items = [];
    this.sink.send(this.frame(items, frames));
    this.stats.sent(items.length);
    return 'idle';
  }

  /**
   * The frame for `items`. A lone shared message is sent as its shared bytes; a batch made only of
   * shared messages is encoded once per flush round for every client that gets the same batch.
   */
  private frame(items: Item[], frames: FrameCache | undefined): string | Buffer {
    const first = items[0] as Item;
    if (items.length === 1) return first.delivery ? first.delivery.bytes(first.form) : first.text;
    const batch = () => `{"type":"batch","messages":[${items.map(itemText).join(',')}]}`;
    if (!frames || !items.every((item) => item.delivery)) return batch();
    const key = items.map((item) => (item.delivery ? `${item.delivery.id}${item.form === 'update' ? 'u' : 's'}` : '')).join(',');
    let bytes = frames.get(key);
    if (!bytes) frames.set(key, (bytes = Buffer.from(batch())));
    return bytes;
  }

  private push(item: Item): void {
    this.items.push(item);
    if (this.items.length > this.limits.maxQueuedMessages) this.conflate();
  }

  /**
   * Keeps the latest message per channel, as a snapshot: a snapshot replaces the client's value,
   * so the seqs skipped here do not look like a gap that would trigger a `since` resubscribe.
   */
  private conflate(): void {
    const latest = new Map<string, Item>();
    for (const item of this.items) {
      latest.delete(item.channel); // re-insert so the order follows each channel's latest message
      latest.set(item.channel, item);
    }
    const removed = this.items.length - latest.size;
    this.items = [...latest.values()].map((item): Item => (item.delivery ? { ...item, form: 'snapshot' as const } : item));
    if (removed > 0) this.stats.conflated(removed);
  }
}
