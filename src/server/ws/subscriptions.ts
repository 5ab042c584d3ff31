/**
 * The subscriptions of one session, and the subscribe sequence: ack, then per channel a snapshot
 * (or the updates missed since `since`), then live updates — with no gap and no duplicate even
 * when updates arrive while the backend is being read.
 *
 * Memory: a live subscription is one entry of the ChannelSeqs this class extends, channel → seq of
 * the last message queued (a small integer, stored without an object), keyed by the hub's copy of
 * the channel name so that the name is not held once per connection. Extending the table rather
 * than holding one saves an object per subscribed connection, and the session's context and queue
 * are reached through the session rather than kept in fields of their own. A channel whose snapshot
 * is being read also has a Loading entry, in a map that exists only while some read is outstanding.
 */
import { ErrorCode } from '../../protocol/index.js';
import { readLatestEach, recoverEach } from '../backend/batched-reads.js';
import type { ChannelBackend, Envelope, RecoverRequest, Recovery } from '../backend/types.js';
import { ChannelSeqs } from './channel-seqs.js';
import { Delivery, snapshotText } from './delivery.js';
import type { Outbox } from './outbox.js';
import type { SessionContext } from './session.js';

/** What Subscriptions needs from its session. */
export interface SubscriptionOwner {
  /** What every session shares (limits, backend, hub). */
  readonly context: SessionContext;
  /** The session's send queue, created if it has none. */
  queue(): Outbox;
  /** Forgets queued messages of `channel`, if any are queued. */
  dropQueued(channel: string): void;
  allows(channel: string): boolean;
  sendNow(message: object): void;
  sendError(code: ErrorCode, message: string, id?: number, channel?: string): void;
  scheduleFlush(): void;
  receive(delivery: Delivery): void;
  isSubscribed(channel: string): boolean;
}

/** A channel whose snapshot (or recovery) is being read from the backend. */
interface Loading {
  /** Live deliveries that arrived during the read, queued once the snapshot is. */
  pending: Delivery[];
  /** More arrived during the read than `pending` keeps: only the newest was kept. */
  overflowed: boolean;
}

/**
 * The channels one session is subscribed to, and their subscribe sequence. As a ChannelSeqs it
 * maps each subscribed channel to the seq of the last message queued for the client (0: none yet).
 */
export class Subscriptions extends ChannelSeqs {
  /** Channels being read; null when none is. */
  private loading: Map<string, Loading> | null = null;

  constructor(private readonly owner: SubscriptionOwner) {
    super();
  }

  /**
   * Refused channels get an `error` (with `id` and `channel`) before the `ack`; every valid request
   * gets exactly one `ack` (naming the backend's epoch). Subscribing again to a subscribed channel
   * resynchronizes it. A `since` from another epoch (another run of the seqs) is not continued:
   * those channels get a `recovered: false` snapshot.
   */
  async subscribe(id: number, channels: string[], since: Record<string, number> | undefined, epoch?: string): Promise<void> {
    const accepted: Array<{ channel: string; load: Loading }> = [];
    const ctx = this.owner.context;
    const cap = ctx.limits.maxSubscriptionsPerConnection;
    for (const requested of new Set(channels)) {
      if (!this.owner.allows(requested)) {
        this.owner.sendError(ErrorCode.Forbidden, 'the token does not allow this channel', id, requested);
        continue;
      }
      if (!this.has(requested) && this.size >= cap) {
        this.owner.sendError(ErrorCode.TooManySubscriptions, `at most ${cap} subscriptions per connection`, id, requested);
        continue;
      }
      // A fresh start (also on resubscribe): older queued messages of the channel are dropped and
      // the snapshot or recovery below decides what the client sees next.
      const channel = this.has(requested) ? ctx.hub.nameOf(requested) : ctx.hub.add(requested, this.owner);
      const load: Loading = { pending: [], overflowed: false };
      this.owner.dropQueued(channel);
      this.set(channel, 0);
      (this.loading ??= new Map()).set(channel, load);
      accepted.push({ channel, load });
    }
    const { backend } = ctx;
    this.owner.sendNow(backend.epoch === undefined ? { type: 'ack', id } : { type: 'ack', id, epoch: backend.epoch });
    const foreign = epoch !== undefined && backend.epoch !== undefined && epoch !== backend.epoch;
    // Issued now, in this tick: after hub.add has set every channel's watch baseline (see readAnswers).
    const answers = await readAnswers(backend, accepted.map(({ channel }) => channel), since, foreign);
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
            this.owner.queue().pushUpdate(new Delivery(update));
            lastSeq = update.seq;
          }
        } else {
          this.owner.queue().pushText(channel, snapshotText(channel, answer.latest, false));
          lastSeq = answer.latest?.seq ?? 0;
        }
      } else {
        this.owner.queue().pushText(channel, snapshotText(channel, answer as Envelope | null));
        lastSeq = (answer as Envelope | null)?.seq ?? 0;
      }
      this.set(channel, lastSeq);
      if (load.overflowed) {
        // Too much arrived during the read: the newest value, as a snapshot, avoids a false gap.
        const newest = load.pending.at(-1);
        if (newest && newest.envelope.seq > lastSeq) {
          this.owner.queue().pushSnapshot(newest);
          this.set(channel, newest.envelope.seq);
        }
      } else for (const delivery of load.pending) this.queueLive(channel, delivery);
    });
    if (accepted.length > 0) this.owner.scheduleFlush();
  }

  unsubscribe(channels: string[]): void {
    for (const channel of channels) {
      if (!this.delete(channel)) continue;
      this.doneLoading(channel);
      this.owner.context.hub.remove(channel, this.owner);
      this.owner.dropQueued(channel);
    }
  }

  /** A live update from the hub. */
  onDelivery(delivery: Delivery): void {
    const channel = delivery.envelope.channel;
    const load = this.loading?.get(channel);
    if (load) {
      // The hub may hand a subscriber that left and came back the same delivery twice, in a row.
      if (load.pending.at(-1) === delivery) return;
      // Bounded whatever the backend's latency: past the limit keep only the newest.
      if (load.pending.length >= this.owner.context.limits.maxQueuedMessages) {
        load.pending = [];
        load.overflowed = true;
      }
      load.pending.push(delivery);
      return;
    }
    if (this.queueLive(channel, delivery)) this.owner.scheduleFlush();
  }

  /** Leaves every channel (the session has closed). */
  override clear(): void {
    const { hub } = this.owner.context;
    const channels = this.channels();
    super.clear(); // first: the hub is told of channels this session no longer holds
    this.loading = null;
    for (const channel of channels) hub.remove(channel, this.owner);
  }

  /** Queues a live update unless the snapshot already covers it; false when not subscribed. */
  private queueLive(channel: string, delivery: Delivery): boolean {
    const outcome = this.advance(channel, delivery.envelope.seq);
    if (outcome === 'absent') return false;
    // 'covered': already in the snapshot (or this delivery reached us twice, see Hub).
    if (outcome === 'advanced') this.owner.queue().pushUpdate(delivery);
    return true;
  }

  private doneLoading(channel: string): void {
    if (this.loading?.delete(channel) && this.loading.size === 0) this.loading = null;
  }
}

/** What the backend answered for one channel of a subscribe, or the error its read failed with. */
type Answer = Recovery | Envelope | null | Error;

/**
 * The backend reads of one subscribe frame: one answer per channel, in the order given.
 *
 * The channels that need their last value — no `since`, or a `since` of another epoch (then
 * answered as a `recovered: false` recovery) — are read together, in one backend call
 * (`latestMany`: one Redis round trip for all of them, not one per channel); the channels with a
 * `since` of this epoch — every channel of a client resuming after a reconnect — are recovered
 * together too (`recoverMany`). Every read is issued after the hub started watching each channel
 * (its baseline read), so that nothing published can fall between that baseline and the snapshot
 * or recovery: in the caller's tick on the in-process backend; on Redis up to one turn later,
 * while baselines of this turn are still to be sent (the reads wait for them), and the
 * per-channel fallback of a failed batch later still.
 */
function readAnswers(backend: ChannelBackend, channels: readonly string[], since: Record<string, number> | undefined, foreign: boolean): Promise<Answer[]> {
  const needsLatest = (channel: string): boolean => foreign || since?.[channel] === undefined;
  const latestValues = readLatestEach(backend, channels.filter(needsLatest));
  const requests: RecoverRequest[] = [];
  for (const channel of channels) if (!needsLatest(channel)) requests.push({ channel, since: since![channel]! });
  const recoveries = recoverEach(backend, requests);
  return Promise.all([latestValues, recoveries]).then(([values, recovered]) => {
    let nextValue = 0;
    let nextRecovery = 0;
    return channels.map((channel): Answer => {
      if (!needsLatest(channel)) return recovered[nextRecovery++] ?? null;
      const value = values[nextValue++] ?? null;
      // A `since` of another run: its latest value, as a recovery that could not be made.
      if (value instanceof Error || since?.[channel] === undefined) return value;
      return { recovered: false, updates: [], latest: value };
    });
  });
}
