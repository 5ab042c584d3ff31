/**
 * The subscriptions of one session, and the subscribe sequence: ack, then per channel a snapshot
 * (or the updates missed since `since`), then live updates — with no gap and no duplicate even
 * when updates arrive while the backend is being read.
 */
import { ErrorCode } from '../../protocol/index.js';
import type { Envelope, Recovery } from '../backend/types.js';
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

interface Subscription {
  /** Seq of the last message queued for the client (0: none yet). */
  lastSeq: number;
  /** Live deliveries that arrived before the snapshot was queued; null once live. */
  pending: Delivery[] | null;
  /** More arrived during the backend read than `pending` keeps: only the newest was kept. */
  overflowed: boolean;
}

/** The channels one session is subscribed to, and their subscribe sequence. */
export class Subscriptions {
  private readonly byChannel = new Map<string, Subscription>();

  constructor(private readonly owner: SubscriptionOwner, private readonly ctx: SessionContext, private readonly outbox: Outbox) {}

  get size(): number {
    return this.byChannel.size;
  }

  channels(): string[] {
    return [...this.byChannel.keys()];
  }

  /**
   * Refused channels get an `error` (with `id` and `channel`) before the `ack`; every valid request
   * gets exactly one `ack`. Subscribing again to a subscribed channel resynchronizes it.
   */
  async subscribe(id: number, channels: string[], since: Record<string, number> | undefined): Promise<void> {
    const accepted: Array<{ channel: string; subscription: Subscription }> = [];
    const cap = this.ctx.limits.maxSubscriptionsPerConnection;
    for (const channel of new Set(channels)) {
      if (!this.owner.allows(channel)) {
        this.owner.sendError(ErrorCode.Forbidden, 'the token does not allow this channel', id, channel);
        continue;
      }
      if (!this.byChannel.has(channel) && this.byChannel.size >= cap) {
        this.owner.sendError(ErrorCode.TooManySubscriptions, `at most ${cap} subscriptions per connection`, id, channel);
        continue;
      }
      // A fresh entry (also on resubscribe): older queued messages of the channel are dropped and
      // the snapshot or recovery below decides what the client sees next.
      const subscription: Subscription = { lastSeq: 0, pending: [], overflowed: false };
      this.outbox.dropChannel(channel);
      this.byChannel.set(channel, subscription);
      this.ctx.hub.add(channel, this.owner);
      accepted.push({ channel, subscription });
    }
    this.owner.sendNow({ type: 'ack', id });
    const { backend } = this.ctx;
    const answers = await Promise.all(
      accepted.map(({ channel }): Promise<Recovery | Envelope | null | Error> => {
        const from = since?.[channel];
        const read = from === undefined ? backend.latest(channel) : backend.recover(channel, from);
        return read.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      }),
    );
    accepted.forEach(({ channel, subscription }, index) => {
      // Unsubscribed or resubscribed while the backend was read: that newer request decides.
      if (this.byChannel.get(channel) !== subscription) return;
      const answer = answers[index] ?? null;
      const from = since?.[channel];
      if (answer instanceof Error) {
        // The backend could not be read (e.g. Redis is away): drop the channel, the client retries.
        this.unsubscribe([channel]);
        this.owner.sendError(ErrorCode.Internal, `channel unavailable, retry later: ${answer.message}`, id, channel);
        return;
      }
      if (answer && 'recovered' in answer) {
        if (answer.recovered) {
          subscription.lastSeq = from ?? 0;
          for (const update of answer.updates) this.queueRecovered(subscription, update);
        } else {
          this.outbox.pushText(channel, snapshotText(channel, answer.latest, false));
          subscription.lastSeq = answer.latest?.seq ?? 0;
        }
      } else {
        this.outbox.pushText(channel, snapshotText(channel, answer as Envelope | null));
        subscription.lastSeq = (answer as Envelope | null)?.seq ?? 0;
      }
      const pending = subscription.pending ?? [];
      subscription.pending = null;
      if (subscription.overflowed) {
        // Too much arrived during the read: the newest value, as a snapshot, avoids a false gap.
        const newest = pending.at(-1);
        if (newest && newest.envelope.seq > subscription.lastSeq) {
          this.outbox.pushSnapshot(newest);
          subscription.lastSeq = newest.envelope.seq;
        }
      } else for (const delivery of pending) this.queueLive(subscription, delivery);
    });
    if (accepted.length > 0) this.owner.scheduleFlush();
  }

  unsubscribe(channels: string[]): void {
    for (const channel of channels) {
      if (!this.byChannel.delete(channel)) continue;
      this.ctx.hub.remove(channel, this.owner);
      this.outbox.dropChannel(channel);
    }
  }

  /** A live update from the hub. */
  onDelivery(delivery: Delivery): void {
    const subscription = this.byChannel.get(delivery.envelope.channel);
    if (!subscription) return;
    if (subscription.pending) {
      // Bounded whatever the backend's latency: past the limit keep only the newest.
      if (subscription.pending.length >= this.ctx.limits.maxQueuedMessages) {
        subscription.pending = [];
        subscription.overflowed = true;
      }
      subscription.pending.push(delivery);
      return;
    }
    this.queueLive(subscription, delivery);
    this.owner.scheduleFlush();
  }

  clear(): void {
    for (const channel of this.byChannel.keys()) this.ctx.hub.remove(channel, this.owner);
    this.byChannel.clear();
  }

  private queueLive(subscription: Subscription, delivery: Delivery): void {
    if (delivery.envelope.seq <= subscription.lastSeq) return; // already covered by the snapshot
    subscription.lastSeq = delivery.envelope.seq;
    this.outbox.pushUpdate(delivery);
  }

  /** A recovered update: a Delivery of its own, so that conflation can turn it into a snapshot. */
  private queueRecovered(subscription: Subscription, update: Envelope): void {
    this.outbox.pushUpdate(new Delivery(update));
    subscription.lastSeq = update.seq;
  }
}
