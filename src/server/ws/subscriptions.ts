/**
 * The subscriptions of one session, and the subscribe sequence: ack, then per channel a snapshot
 * (or the updates missed since `since`), then live updates — with no gap and no duplicate even
 * when updates arrive while the backend is being read.
 *
 * Memory: a live subscription is one entry of a ChannelSeqs, channel → seq of the last message
 * queued (a small integer, stored without an object), keyed by the hub's copy of the channel name
 * so that the name is not held once per connection. A channel whose snapshot is being read also has a
 * Loading entry, in a map that exists only while some read is outstanding.
 */
import { ErrorCode } from '../../protocol/index.js';
import type { Envelope, Recovery } from '../backend/types.js';
import { ChannelSeqs } from './channel-seqs.js';
import { Delivery, snapshotText } from './delivery.js';
import type { Outbox } from './outbox.js';
import type { SessionContext } from './session.js';

/** What Subscriptions needs from its session. */
export interface SubscriptionOwner {
  allows(channel: string): boolean;
  sendNow(message: object): void;
  sendError(code: ErrorCode, message: string, id?: number, channel?: string): void;
  scheduleFlush(): void;
  receive(delivery: Delivery): void;
}

/** A channel whose snapshot (or recovery) is being read from the backend. */
interface Loading {
  /** Live deliveries that arrived during the read, queued once the snapshot is. */
  pending: Delivery[];
  /** More arrived during the read than `pending` keeps: only the newest was kept. */
  overflowed: boolean;
}

/** The channels one session is subscribed to, and their subscribe sequence. */
export class Subscriptions {
  /** Subscribed channel → seq of the last message queued for the client (0: none yet). */
  private readonly lastSeq = new ChannelSeqs();
  /** Channels being read; null when none is. */
  private loading: Map<string, Loading> | null = null;

  constructor(private readonly owner: SubscriptionOwner, private readonly ctx: SessionContext, private readonly outbox: Outbox) {}

  get size(): number {
    return this.lastSeq.size;
  }

  channels(): string[] {
    return this.lastSeq.channels();
  }

  /**
   * Refused channels get an `error` (with `id` and `channel`) before the `ack`; every valid request
   * gets exactly one `ack` (naming the backend's epoch). Subscribing again to a subscribed channel
   * resynchronizes it. A `since` from another epoch (another run of the seqs) is not continued:
   * those channels get a `recovered: false` snapshot.
   */
  async subscribe(id: number, channels: string[], since: Record<string, number> | undefined, epoch?: string): Promise<void> {
    const accepted: Array<{ channel: string; load: Loading }> = [];
    const cap = this.ctx.limits.maxSubscriptionsPerConnection;
    for (const requested of new Set(channels)) {
      if (!this.owner.allows(requested)) {
        this.owner.sendError(ErrorCode.Forbidden, 'the token does not allow this channel', id, requested);
        continue;
      }
      if (!this.lastSeq.has(requested) && this.lastSeq.size >= cap) {
        this.owner.sendError(ErrorCode.TooManySubscriptions, `at most ${cap} subscriptions per connection`, id, requested);
        continue;
      }
      // A fresh start (also on resubscribe): older queued messages of the channel are dropped and
      // the snapshot or recovery below decides what the client sees next.
      const channel = this.ctx.hub.add(requested, this.owner);
      const load: Loading = { pending: [], overflowed: false };
      this.outbox.dropChannel(channel);
      this.lastSeq.set(channel, 0);
      (this.loading ??= new Map()).set(channel, load);
      accepted.push({ channel, load });
    }
    const { backend } = this.ctx;
    this.owner.sendNow(backend.epoch === undefined ? { type: 'ack', id } : { type: 'ack', id, epoch: backend.epoch });
    const foreign = epoch !== undefined && backend.epoch !== undefined && epoch !== backend.epoch;
    const answers = await Promise.all(
      accepted.map(({ channel }): Promise<Recovery | Envelope | null | Error> => {
        const from = since?.[channel];
        const read =
          from === undefined ? backend.latest(channel)
          : foreign ? backend.latest(channel).then((latest): Recovery => ({ recovered: false, updates: [], latest }))
          : backend.recover(channel, from);
        return read.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      }),
    );
    accepted.forEach(({ channel, load }, index) => {
      // Unsubscribed or resubscribed while the backend was read: that newer request decides.
      if (this.loading?.get(channel) !== load) return;
      this.doneLoading(channel);
      const answer = answers[index] ?? null;
      const from = since?.[channel];
      if (answer instanceof Error) {
        // The backend could not be read (e.g. Redis is away): drop the channel, the client retries.
        this.unsubscribe([channel]);
        this.owner.sendError(ErrorCode.Internal, `channel unavailable, retry later: ${answer.message}`, id, channel);
        return;
      }
      let lastSeq: number;
      if (answer && 'recovered' in answer) {
        if (answer.recovered) {
          lastSeq = from ?? 0;
          for (const update of answer.updates) {
            // A Delivery of its own, so that conflation can turn it into a snapshot.
            this.outbox.pushUpdate(new Delivery(update));
            lastSeq = update.seq;
          }
        } else {
          this.outbox.pushText(channel, snapshotText(channel, answer.latest, false));
          lastSeq = answer.latest?.seq ?? 0;
        }
      } else {
        this.outbox.pushText(channel, snapshotText(channel, answer as Envelope | null));
        lastSeq = (answer as Envelope | null)?.seq ?? 0;
      }
      this.lastSeq.set(channel, lastSeq);
      if (load.overflowed) {
        // Too much arrived during the read: the newest value, as a snapshot, avoids a false gap.
        const newest = load.pending.at(-1);
        if (newest && newest.envelope.seq > lastSeq) {
          this.outbox.pushSnapshot(newest);
          this.lastSeq.set(channel, newest.envelope.seq);
        }
      } else for (const delivery of load.pending) this.queueLive(channel, delivery);
    });
    if (accepted.length > 0) this.owner.scheduleFlush();
  }

  unsubscribe(channels: string[]): void {
    for (const channel of channels) {
      if (!this.lastSeq.delete(channel)) continue;
      this.doneLoading(channel);
      this.ctx.hub.remove(channel, this.owner);
      this.outbox.dropChannel(channel);
    }
  }

  /** A live update from the hub. */
  onDelivery(delivery: Delivery): void {
    const channel = delivery.envelope.channel;
    const load = this.loading?.get(channel);
    if (load) {
      // Bounded whatever the backend's latency: past the limit keep only the newest.
      if (load.pending.length >= this.ctx.limits.maxQueuedMessages) {
        load.pending = [];
        load.overflowed = true;
      }
      load.pending.push(delivery);
      return;
    }
    if (this.queueLive(channel, delivery)) this.owner.scheduleFlush();
  }

  clear(): void {
    for (const channel of this.lastSeq.channels()) this.ctx.hub.remove(channel, this.owner);
    this.lastSeq.clear();
    this.loading = null;
  }

  /** Queues a live update unless the snapshot already covers it; false when not subscribed. */
  private queueLive(channel: string, delivery: Delivery): boolean {
    const lastSeq = this.lastSeq.get(channel);
    if (lastSeq === undefined) return false;
    const { seq } = delivery.envelope;
    if (seq <= lastSeq) return true; // already covered by the snapshot
    this.lastSeq.set(channel, seq);
    this.outbox.pushUpdate(delivery);
    return true;
  }

  private doneLoading(channel: string): void {
    if (this.loading?.delete(channel) && this.loading.size === 0) this.loading = null;
  }
}
