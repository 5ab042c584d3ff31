/**
 * Per-channel state of the connection core: the last `seq`, the last value and a bounded history.
 * It decides, for every frame, whether the frame is the next update, a duplicate, or reveals a gap,
 * so that updates are never applied twice or out of order.
 */
import { isValidChannel, type ChannelMessage } from '../../protocol/index.js';
import type { FeedUpdate } from '../types.js';
import { RingBuffer } from './ring-buffer.js';

/** An update as the core emits it. `reset` says the channel's `seq` started over (relay restarted). */
export interface CoreUpdate extends FeedUpdate {
  reset?: boolean;
}

/** What applying a frame did. */
export type ApplyResult =
  | { kind: 'applied'; update: CoreUpdate }
  /** Already seen (or older): dropped. */
  | { kind: 'duplicate' }
  /** A `seq` ahead of the next expected one: dropped, recover with `since: lastSeq`. */
  | { kind: 'gap'; lastSeq: number }
  /** A snapshot without data: the channel is known (its `seq` noted) but has no value. */
  | { kind: 'empty' };

interface ChannelState {
  /** Whether `seq` is a known position (from a snapshot, an update, or a hint of another leader). */
  known: boolean;
  seq: number;
  last: CoreUpdate | undefined;
  history: RingBuffer<CoreUpdate>;
  /** The next emitted update must tell listeners that `seq` went backwards. */
  resetPending: boolean;
}

/** Last values and history of every channel in use, and the relay run (epoch) their seqs belong to. */
export class ChannelStore {
  readonly #channels = new Map<string, ChannelState>();
  #epoch: string | undefined;

  /** @param historyLimit updates kept per channel for `history()`. */
  readonly #historyLimit: number;

  constructor(historyLimit = 1200) {
    this.#historyLimit = historyLimit;
  }

  /** The last value of a channel (never marked `reset`: the mark goes out with the live update only). */
  get(channel: string): CoreUpdate | undefined {
    return this.#channels.get(channel)?.last;
  }

  /** The newest `limit` updates of a channel, oldest first. */
  history(channel: string, limit = this.#historyLimit): CoreUpdate[] {
    return this.#channels.get(channel)?.history.toArray(limit) ?? [];
  }

  /** The `seq` to resume from, or undefined when nothing is known about the channel. */
  lastSeq(channel: string): number | undefined {
    const state = this.#channels.get(channel);
    return state?.known ? state.seq : undefined;
  }

  /** `since` map for a resubscription: every listed channel with a known position. */
  since(channels: Iterable<string>): Record<string, number> {
    const since: Record<string, number> = {};
    for (const channel of channels) {
      const seq = this.lastSeq(channel);
      if (seq !== undefined && seq > 0) since[channel] = seq;
    }
    return since;
  }

  /**
   * Notes a position learnt elsewhere (another tab that was fed by a previous leader), so that the
   * first subscription resumes from it. Keeps the lowest hint: a tab behind must not miss updates,
   * and tabs ahead drop the repeats by `seq`.
   */
  hint(channel: string, seq: number, value?: FeedUpdate): void {
    const state = this.#state(channel);
    if (state.last) return; // live data beats hints
    if (!state.known || seq < state.seq) {
      state.known = true;
      state.seq = seq;
    }
    if (value && value.seq === state.seq) state.last = { ...value };
  }

  /** Applies one snapshot or update frame. */
  apply(message: ChannelMessage): ApplyResult {
    const state = this.#state(message.channel);
    if (message.type === 'update' || message.recovered === true) {
      if (message.data === null) return { kind: 'duplicate' };
      if (state.known && message.seq <= state.seq) return { kind: 'duplicate' };
      if (state.known && message.seq !== state.seq + 1 && message.type === 'update') return { kind: 'gap', lastSeq: state.seq };
      return this.#accept(state, message.channel, message.seq, message.data);
    }
    // An authoritative snapshot (first subscription, or history could not cover the gap).
    if (state.known && message.seq < state.seq) {
      // The relay's counter started over (a restart without shared history): forget the old epoch.
      state.history.clear();
      state.last = undefined;
      state.resetPending = true;
    }
    if (message.data === null) {
      state.known = true;
      state.seq = message.seq;
      return { kind: 'empty' };
    }
    if (state.known && message.seq === state.seq && state.last) return { kind: 'duplicate' };
    return this.#accept(state, message.channel, message.seq, message.data);
  }

  /**
   * The relay's seqs started over (a new epoch): every channel's next snapshot is taken whatever
   * its seq and marked `reset`, and the last value and history of the old run are dropped (no tab
   * may be handed one under the new epoch). Tabs keep showing theirs until the snapshot replaces
   * them, so nothing blanks meanwhile.
   */
  startOver(): void {
    for (const state of this.#channels.values()) {
      if (!state.known) continue;
      state.known = false;
      state.seq = 0;
      state.last = undefined;
      state.history.clear();
      state.resetPending = true;
    }
  }

  /** The relay's run of seqs these positions belong to (its last `ack` or polled answer, or `resume`'s). */
  get epoch(): string | undefined {
    return this.#epoch;
  }

  /**
   * The relay named its run of seqs (an `ack`, or a polled snapshot answer): our `since`s refer to
   * it from now on (sent back on resubscribe), and tabs are told it with the next updates. A new
   * run (a relay that started over): the old run's seqs and history mean nothing any more. None
   * named (an older relay): seqs alone decide, as before.
   */
  enterEpoch(epoch: string | undefined): void {
    if (epoch === undefined) return;
    if (this.#epoch !== undefined && epoch !== this.#epoch) this.startOver();
    this.#epoch = epoch;
  }

  /**
   * Notes positions known elsewhere (a tab fed by another hub: the last `seq` per channel, and the
   * relay `epoch` they belong to), to resume from them (see `hint`); invalid entries, and positions
   * of another epoch than this store's, are skipped. The epoch goes out with their `since`s, so a
   * relay that started over answers with snapshots, taken as resets.
   */
  resume(since: Record<string, unknown>, epoch?: string): void {
    if (epoch && (this.#epoch ??= epoch) !== epoch) return;
    for (const [channel, seq] of Object.entries(since)) {
      if (isValidChannel(channel) && Number.isSafeInteger(seq) && (seq as number) >= 0) this.hint(channel, seq as number);
    }
  }

  /** Forgets a channel (its last user left). */
  delete(channel: string): void {
    this.#channels.delete(channel);
  }

  #accept(state: ChannelState, channel: string, seq: number, data: FeedUpdate['data']): ApplyResult {
    const update: CoreUpdate = { channel, seq, data };
    state.known = true;
    state.seq = seq;
    state.last = update;
    state.history.push(update);
    if (!state.resetPending) return { kind: 'applied', update };
    // The mark is news for those fed live only: the cached value and the history, which later
    // tabs are handed, stay plain (no reset happened for a tab that joins afterwards).
    state.resetPending = false;
    return { kind: 'applied', update: { ...update, reset: true } };
  }

  #state(channel: string): ChannelState {
    let state = this.#channels.get(channel);
    if (!state) {
      state = { known: false, seq: 0, last: undefined, history: new RingBuffer(this.#historyLimit), resetPending: false };
      this.#channels.set(channel, state);
    }
    return state;
  }
}
