/**
 * The SUBSCRIBEs of a Redis backend node's watched channels, with Redis's ACL taken into account
 * (redis-acl.ts): Redis answers NOPERM to a whole SUBSCRIBE that names one channel the relay's
 * user may not subscribe to, so such a SUBSCRIBE is sent again one channel per command, and only
 * the channels Redis refuses on their own stay unsubscribed; a channel refused before is
 * SUBSCRIBEd alone, and not at all until its retry is due.
 *
 * Each watched channel's outcome is kept until Redis has answered its SUBSCRIBE: the reads that
 * answer a subscribing client (its snapshot or recovery) wait for it, so a client asking for a
 * channel Redis refuses gets that channel's error instead of a snapshot followed by silence. The
 * SUBSCRIBE is sent on the subscriber connection in the same turn as those reads on the command
 * connection, so the wait costs about nothing unless Redis refuses. Outcomes exist only for watched
 * channels: dropped once Redis allowed the channel, or when it is unwatched.
 */
import type { Redis } from 'ioredis';
import { readAllowed, type AclRefusals, type ChannelRefusedError } from './redis-acl.js';
import { channelKeys } from './redis-scripts.js';

/** A watched channel whose SUBSCRIBE Redis has not answered yet, or refused. */
interface Outcome {
  settled: Promise<ChannelRefusedError | null>;
  resolve(refusal: ChannelRefusedError | null): void;
  refusal: ChannelRefusedError | null;
}

/** The SUBSCRIBEs of one node's watched channels, and what Redis answered each. */
export class BusSubscriptions {
  private readonly outcomes = new Map<string, Outcome>();

  /**
   * @param subscriber the node's subscriber connection
   * @param prefix the key prefix (buses are `<prefix>bus:<channel>`)
   * @param refusals the node's record of what Redis's ACL refused
   * @param isWatched whether the node still watches a channel (outcomes are kept for those only)
   */
  constructor(
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly refusals: AclRefusals,
    private readonly isWatched: (channel: string) => boolean,
  ) {}

  /** `channel` is being watched: reads of it wait until Redis answered its SUBSCRIBE (or it is unwatched). */
  expect(channel: string): void {
    if (this.outcomes.has(channel)) return;
    let resolve: (refusal: ChannelRefusedError | null) => void = () => undefined;
    const settled = new Promise<ChannelRefusedError | null>((done) => (resolve = done));
    this.outcomes.set(channel, { settled, resolve, refusal: null });
  }

  /** `channel` is no longer watched: its outcome is forgotten (reads waiting for it go on). */
  forget(channel: string): void {
    this.outcomes.get(channel)?.resolve(null);
    this.outcomes.delete(channel);
  }

  /**
   * SUBSCRIBEs the channels' buses (at most one command for those never refused, plus one per
   * channel refused before and due again; one per channel when Redis refuses the batch). Resolves
   * with the channels Redis subscribed, in order; the others are refused (recorded, logged once).
   * Rejects when the connection fails otherwise (then nothing is settled as refused).
   */
  async subscribe(channels: readonly string[]): Promise<string[]> {
    const refusals = await readAllowed<string, ChannelRefusedError | null>(channels, (batch) =>
      this.subscriber.subscribe(...batch.map(this.busOf)).then(() => batch.map(() => null)), {
      refusals: this.refusals,
      permission: 'bus',
      channelOf: (channel) => channel,
      refusedAnswer: (error) => error,
      split: true,
    }).catch((error: unknown) => {
      this.settleAll(channels);
      throw error;
    });
    return channels.filter((channel, index) => {
      this.settle(channel, refusals[index] ?? null);
      return !refusals[index];
    });
  }

  /**
   * The channels' SUBSCRIBEs were not sent (the connection is down: the resync sends them) or failed
   * otherwise: nothing is refused; reads waiting for them go on at once.
   */
  settleAll(channels: readonly string[]): void {
    for (const channel of channels) this.settle(channel, null);
  }

  /**
   * For reads that answer a subscribing client: null when none of `channels` waits for its
   * SUBSCRIBE or was refused (the usual case, no wait); else, once Redis answered them, each
   * channel's refusal or null, in order.
   */
  refusalsOf(channels: readonly string[]): Promise<Array<ChannelRefusedError | null>> | null {
    if (this.outcomes.size === 0) return null;
    let waits = false;
    const each = channels.map((channel) => {
      const outcome = this.outcomes.get(channel);
      if (!outcome) return null;
      waits = true;
      return outcome.refusal ?? outcome.settled;
    });
    return waits ? Promise.all(each) : null;
  }

  /** Records `channel`'s answer: a refusal stays while it is watched; an allowed channel is dropped. */
  private settle(channel: string, refusal: ChannelRefusedError | null): void {
    const outcome = this.outcomes.get(channel);
    if (refusal && this.isWatched(channel)) {
      if (outcome) outcome.refusal = refusal;
      else this.outcomes.set(channel, { settled: Promise.resolve(refusal), resolve: () => undefined, refusal });
    } else {
      this.outcomes.delete(channel);
    }
    outcome?.resolve(refusal);
  }

  private readonly busOf = (channel: string): string => channelKeys(this.prefix, channel).bus;
}
