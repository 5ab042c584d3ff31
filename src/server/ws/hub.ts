/**
 * Who listens to what on this node: channel → sessions. Watches a channel on the backend while it
 * has local subscribers, and fans each envelope out as one shared Delivery.
 */
import type { ChannelBackend, Envelope } from '../backend/types.js';
import { Delivery } from './delivery.js';

/** A subscriber of the hub (a Session in the relay). */
export interface HubSubscriber {
  receive(delivery: Delivery): void;
}

/** The local subscribers of one channel, and the channel's name as the hub keeps it. */
class Subscribers extends Set<HubSubscriber> {
  constructor(readonly channel: string) {
    super();
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
   * Adds `subscriber` to `channel`. Returns the hub's own copy of the channel name, which
   * subscribers may keep instead of theirs: one string per channel, not one per subscription.
   */
  add(channel: string, subscriber: HubSubscriber): string {
    let set = this.channels.get(channel);
    if (!set) {
      this.channels.set(channel, (set = new Subscribers(channel)));
      this.backend.watch(channel);
    }
    if (!set.has(subscriber)) {
      set.add(subscriber);
      this.subscriptionCount += 1;
    }
    return set.channel;
  }

  remove(channel: string, subscriber: HubSubscriber): void {
    const set = this.channels.get(channel);
    if (!set?.delete(subscriber)) return;
    this.subscriptionCount -= 1;
    if (set.size === 0) {
      this.channels.delete(channel);
      this.backend.unwatch(channel);
    }
  }

  private deliver(envelope: Envelope): void {
    const set = this.channels.get(envelope.channel);
    if (!set) return;
    const delivery = new Delivery(envelope);
    for (const subscriber of set) {
      try {
        subscriber.receive(delivery);
      } catch (error) {
        // One broken session must not stop delivery to the others.
        this.onError(error);
      }
    }
  }
}
