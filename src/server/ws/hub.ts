/**
 * Who listens to what on this node: channel → sessions. Watches a channel on the backend while it
 * has local subscribers, and fans each envelope out as one shared Delivery.
 *
 * Memory: each channel's subscribers are a plain array, 8 B per subscription (a Set costs ~33 B
 * per entry at the fill V8 keeps, ~330 B per connection subscribed to 10 channels). Leaving is
 * O(1): the entry stays in the array, counted as stale, until the channel's next delivery
 * (which walks the whole array anyway) or, on a quiet channel, until stale entries are more than
 * half of it: then the array is compacted in one pass. So a closed session is held by a quiet
 * channel's list at most until as many others have left, never more than the live ones. A
 * subscriber that comes back before a compaction may sit in the array twice: a delivery reaching
 * it twice is taken once (its seq check drops the repeat), and compaction keeps one entry of it.
 */
import type { ChannelBackend, Envelope } from '../backend/types.js';
import { Delivery } from './delivery.js';

/** A subscriber of the hub (a Session in the relay). */
export interface HubSubscriber {
  /** A live update of a channel it subscribed to (it ignores one it no longer holds, or has seen). */
  receive(delivery: Delivery): void;
  /** Whether it holds `channel` now (false once it has left it, or closed). */
  isSubscribed(channel: string): boolean;
}

/** The local subscribers of one channel, and the channel's name as the hub keeps it. */
class Subscribers {
  /** Subscribers, with stale entries of those that have left since the last compaction. */
  list: HubSubscriber[] = [];
  stale = 0;

  constructor(readonly channel: string) {}

  /** Subscribers that hold the channel now. */
  get live(): number {
    return this.list.length - this.stale;
  }

  /** Drops stale entries and repeats: one entry per subscriber holding the channel. */
  compact(): void {
    const kept = new Set<HubSubscriber>();
    for (const subscriber of this.list) if (subscriber.isSubscribed(this.channel)) kept.add(subscriber);
    this.list = [...kept];
    this.stale = 0;
  }
}

/** Channel → local subscribers, and the fan-out of backend deliveries to them. */
export class Hub {
  private readonly channels = new Map<string, Subscribers>();
  private subscriptionCount = 0;

  constructor(private readonly backend: ChannelBackend, private readonly onError: (error: unknown) => void) {
    backend.onMessage((envelope) => this.deliver(envelope));
  }

  /** Channels with at least one subscriber here. */
  get channelCount(): number {
    return this.channels.size;
  }

  /** Subscriptions over all sessions. */
  get subscriptions(): number {
    return this.subscriptionCount;
  }

  /**
   * The hub's own copy of `channel`'s name while it has subscribers (else `channel`): subscribers
   * may keep it instead of theirs, one string per channel rather than one per subscription.
   */
  nameOf(channel: string): string {
    return this.channels.get(channel)?.channel ?? channel;
  }

  /**
   * Adds `subscriber` to `channel`, which it must not hold now (callers check their own table
   * first). Returns the hub's copy of the channel name (see `nameOf`).
   */
  add(channel: string, subscriber: HubSubscriber): string {
    let set = this.channels.get(channel);
    if (!set) {
      this.channels.set(channel, (set = new Subscribers(channel)));
      this.backend.watch(channel);
    }
    set.list.push(subscriber);
    this.subscriptionCount += 1;
    return set.channel;
  }

  /** `subscriber` has left `channel` (it no longer holds it: `isSubscribed` is false). */
  remove(channel: string, subscriber: HubSubscriber): void {
    const set = this.channels.get(channel);
    if (!set || subscriber.isSubscribed(channel)) return;
    set.stale += 1;
    this.subscriptionCount -= 1;
    if (set.live <= 0) {
      this.channels.delete(channel);
      this.backend.unwatch(channel);
    } else if (set.stale > set.list.length / 2) {
      set.compact();
    }
  }

  private deliver(envelope: Envelope): void {
    const set = this.channels.get(envelope.channel);
    if (!set) return;
    if (set.stale > 0) set.compact(); // an O(subscribers) pass, as is this delivery
    const delivery = new Delivery(envelope);
    for (const subscriber of set.list) {
      try {
        subscriber.receive(delivery);
      } catch (error) {
        // One broken session must not stop delivery to the others.
        this.onError(error);
      }
    }
  }
}
