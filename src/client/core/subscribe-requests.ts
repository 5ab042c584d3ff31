/**
 * What the core asked the relay for and has not got yet: gap recoveries in flight (one per
 * channel), channels the relay refused for the moment (asked for again with backoff), and
 * channels it refused for good on this connection (reported; asked for again with a new token).
 *
 * The relay leaves a channel unsubscribed in two cases the client can recover from: `internal`
 * with a `channel` (that channel could not be read, e.g. Redis away; the relay dropped it), and
 * `rate_limited` (a frame was dropped unread, so which one is not said). Without a retry such a
 * channel would stay silent until the next reconnect. After a `rate_limited`, every `subscribe`
 * still unacked when the retry fires (acks come in order, well within its ≥ 1 s) was dropped;
 * subscribing again to a channel the relay does serve only resynchronizes it.
 */
import type { ErrorMessage } from '../../protocol/index.js';
import type { FeedError } from '../types.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { INTERNAL_ERROR, RATE_LIMITED_ERROR } from './codes.js';

/** Unanswered `subscribe` requests remembered at most (a relay answers each; this bounds a bad one). */
const MAX_REQUESTS = 256;

/** The retry delays: from 1 s up to 30 s. */
export const SUBSCRIBE_RETRY_BACKOFF: BackoffOptions = { minMs: 1000, maxMs: 30_000 };

export class SubscribeRequests {
  /** `subscribe` ids the relay has not acked yet → their channels. */
  readonly #requests = new Map<number, string[]>();
  readonly #due = new Set<string>();
  /** Channels whose gap recovery (a `subscribe` with `since`) is in flight. */
  readonly #recovering = new Set<string>();
  /** Channels refused for good on this connection, asked again with the next token. */
  readonly #refused = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #refusals = 0;
  /** A frame was dropped (`rate_limited`): the requests still unacked at the retry are asked again. */
  #unackedDue = false;
  readonly #resubscribe: (channels: string[]) => void;
  readonly #refuse: (channel: string, error: FeedError) => void;
  readonly #random: () => number;

  /**
   * @param resubscribe asks again for those of the channels still in use, if the socket is open.
   * @param refuse a channel the relay refused for good on this connection (`forbidden`,
   *   `too_many_subscriptions`, `invalid_channel`): its users are told; asking again would not help
   *   until the token changes or the socket is replaced.
   */
  constructor(resubscribe: (channels: string[]) => void, refuse: (channel: string, error: FeedError) => void, random: () => number = Math.random) {
    this.#resubscribe = resubscribe;
    this.#refuse = refuse;
    this.#random = random;
  }

  /** Marks a gap recovery of `channel` as sent; false when one is already in flight. */
  recover(channel: string): boolean {
    if (this.#recovering.has(channel)) return false;
    this.#recovering.add(channel);
    return true;
  }

  /** `channel` got an update applied, or nobody uses it any more: nothing in flight or refused. */
  settled(channel: string): void {
    this.#recovering.delete(channel);
    this.#refused.delete(channel);
  }

  /** The channels refused for good so far, forgotten here: a new token may allow them. */
  takeRefused(): string[] {
    const channels = [...this.#refused];
    this.#refused.clear();
    return channels;
  }

  /** A `subscribe` went out. */
  sent(id: number, channels: string[]): void {
    this.#requests.set(id, channels);
    if (this.#requests.size > MAX_REQUESTS) this.#requests.delete(this.#requests.keys().next().value!);
  }

  /** The relay took request `id` (its channels may still be refused one by one, as `internal`). */
  acked(id: number): void {
    this.#requests.delete(id);
  }

  /**
   * An `error` from the relay: what it left unsubscribed for the moment is asked for again after a
   * backoff; a channel refused for good is reported.
   */
  refused(error: ErrorMessage): void {
    if (error.code === RATE_LIMITED_ERROR) this.#unackedDue = true;
    else if (error.channel === undefined) return;
    else if (error.code === INTERNAL_ERROR) this.#due.add(error.channel);
    else {
      this.#refused.add(error.channel);
      return this.#refuse(error.channel, { code: error.code, message: error.message });
    }
    this.#timer ??= setTimeout(() => this.#retry(), backoffDelay(++this.#refusals, SUBSCRIBE_RETRY_BACKOFF, this.#random));
  }

  #retry(): void {
    this.#timer = undefined;
    if (this.#unackedDue) {
      for (const channels of this.#requests.values()) for (const channel of channels) this.#due.add(channel);
      this.#requests.clear();
      this.#unackedDue = false;
    }
    const due = [...this.#due];
    this.#due.clear();
    // Asked again with `since`, so the answer also recovers any gap: no recovery is in flight any more.
    for (const channel of due) this.#recovering.delete(channel);
    this.#resubscribe(due);
  }

  /** The socket ended or a new one subscribes to everything anyway: forget it all, start the backoff over. */
  clear(): void {
    this.#recovering.clear();
    this.#refused.clear();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#requests.clear();
    this.#due.clear();
    this.#unackedDue = false;
    this.#refusals = 0;
  }
}
