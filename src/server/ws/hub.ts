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
 *
 * An array grows by half its length at a time, so a channel's list that has just taken thousands
 * of subscribers holds up to a third more slots than it uses (~3 B per subscription). Once a list
 * has had no newcomer for TRIM_AFTER_MS, and has grown by an eighth or more since it was last
 * exact, it is copied to an array of its exact length: one copy per channel after a wave of
 * subscribes (a reconnect storm, a deploy), none while subscribers keep coming, and few for a
 * large channel that takes a newcomer now and then.
 */
import type { ChannelBackend, Envelope } from '../backend/types.js';
import { Delivery } from './delivery.js';

/** How long a channel's list must have had no newcomer before its spare slots are given back. */
export const TRIM_AFTER_MS = 1_000;
/** Lists shorter than this keep their spare slots (a few dozen bytes at most). */
const TRIM_MIN_LENGTH = 64;

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
  /** Waiting for its list to be trimmed (in the hub's `growing` list). */
  growing = false;
  /** Took a subscriber since the hub's last trim round. */
  joined = false;
  /** The list's length when it was last rebuilt (trimmed or compacted). */
  exactLength = 0;

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
    this.exactLength = this.list.length;
  }

  /** Copies the list to an exact-length array if it has grown enough since it last was one. */
  trim(): void {
    const length = this.list.length;
    if (length < TRIM_MIN_LENGTH || length - this.exactLength < this.exactLength / 8) return;
    this.list = this.list.slice();
    this.exactLength = length;
  }
}

/** Channel → local subscribers, and the fan-out of backend deliveries to them. */
export class Hub {
  private readonly channels = new Map<string, Subscribers>();
  private subscriptionCount = 0;
  /** Channels whose list grew since it was last trimmed. */
  private readonly growing: Subscribers[] = [];
  private trimTimer: NodeJS.Timeout | null = null;
  private readonly trimRound = (): void => this.trim();

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
    set.joined = true;
    if (!set.growing) {
      set.growing = true;
      this.growing.push(set);
      this.trimTimer ??= setTimeout(this.trimRound, TRIM_AFTER_MS).unref();
    }
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

  /** Channels whose list has grown and waits for a trim round (for tests). */
  get untrimmed(): number {
    return this.growing.length;
  }

  /**
   * A trim round: lists that took nobody since the last round are copied to exact-length arrays;
   * the others wait for the next round.
   */
  private trim(): void {
    this.trimTimer = null;
    const growing = this.growing;
    let waiting = 0;
    for (let i = 0; i < growing.length; i++) {
      const set = growing[i] as Subscribers;
      if (set.joined) {
        set.joined = false;
        growing[waiting++] = set;
        continue;
      }
      set.growing = false;
      // A channel dropped meanwhile (its last subscriber left) has nothing left to trim.
      if (this.channels.get(set.channel) === set) set.trim();
    }
    while (growing.length > waiting) growing.pop();
    if (waiting > 0) this.trimTimer = setTimeout(this.trimRound, TRIM_AFTER_MS).unref();
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
