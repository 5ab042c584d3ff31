/**
 * The core's `subscribe` and `unsubscribe` frames, and what it asked the relay for and has not got
 * yet: requests not acked, gap recoveries in flight (one per channel), channels the relay refused
 * for the moment (asked for again with backoff), and channels it refused for good on this
 * connection (reported; asked for again with a new token).
 *
 * The relay leaves a request undone in two cases the client can recover from: `internal` with a
 * `channel` (that channel could not be read, e.g. Redis away; the relay dropped it), and
 * `rate_limited` (a frame was dropped unread, so which one is not said). Without a retry such a
 * channel would stay silent until the next reconnect, or — a dropped `unsubscribe` — keep coming.
 * After a `rate_limited`, every request still unacked when the retry fires (acks come in order,
 * well within its ≥ 1 s) was dropped: its channels are brought in line with what is in use now
 * (subscribing again to a channel the relay does serve only resynchronizes it; unsubscribing one
 * it does not serve is ignored).
 */
import type { ClientMessage, ErrorMessage } from '../../protocol/index.js';
import type { FeedError } from '../types.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { INTERNAL_ERROR, RATE_LIMITED_ERROR } from './codes.js';
import { subscribeFrames, unsubscribeFrames } from './frames.js';

/** Unanswered requests remembered at most (a relay answers each; this bounds a bad one). */
const MAX_REQUESTS = 256;

/** The retry delays: from 1 s up to 30 s. */
export const SUBSCRIBE_RETRY_BACKOFF: BackoffOptions = { minMs: 1000, maxMs: 30_000 };

/**
 * A refusal this long after the last retry is a new episode: the retry worked, so the backoff
 * starts over from its shortest delay (a relay that keeps refusing answers each retry at once).
 */
export const SUBSCRIBE_RETRY_QUIET_MS = 2 * SUBSCRIBE_RETRY_BACKOFF.maxMs;

/** What the requests need from the connection. */
export interface RequestsHost {
  /** Sends a frame on the open socket. */
  send(frame: ClientMessage): void;
  /** Whether the socket is open (a retry due on a closed one is dropped: the next socket subscribes to everything). */
  open(): boolean;
  /** Whether anyone uses `channel`. */
  inUse(channel: string): boolean;
  /** The last applied `seq` of those of `channels` that have one. */
  since(channels: string[]): Record<string, number>;
  /** The relay's run of seqs the `since`s belong to, if known. */
  epoch(): string | undefined;
  /**
   * A channel the relay refused for good on this connection (`forbidden`, `too_many_subscriptions`,
   * `invalid_channel`): its users are told; asking again would not help until the token changes.
   */
  refuse(channel: string, error: FeedError): void;
  /** A source in [0, 1) for the backoff's jitter. */
  random?: () => number;
}

export class SubscribeRequests {
  #nextId = 1;
  /** Request ids the relay has not acked yet → their channels (negative ids: `unsubscribe`s). */
  readonly #requests = new Map<number, string[]>();
  /** Channels to subscribe to again, and to unsubscribe from again, at the next retry. */
  readonly #dueSubscribe = new Set<string>();
  readonly #dueUnsubscribe = new Set<string>();
  /** Channels whose gap recovery (a `subscribe` with `since`) is in flight. */
  readonly #recovering = new Set<string>();
  /** Channels refused for good on this connection, asked again with the next token. */
  readonly #refused = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #refusals = 0;
  #lastRetryAt = -Infinity;
  /** A frame was dropped (`rate_limited`): the requests still unacked at the retry are sent again. */
  #unackedDue = false;
  readonly #host: RequestsHost;

  constructor(host: RequestsHost) {
    this.#host = host;
  }

  /** Subscribes to `channels`, from their last applied `seq` where there is one. */
  subscribe(channels: string[]): void {
    for (const frame of subscribeFrames(channels, (chunk) => this.#host.since(chunk), () => this.#nextId++, this.#host.epoch())) {
      this.#sent(frame.id, frame.channels);
      this.#host.send(frame);
    }
  }

  /** Unsubscribes from `channels`. */
  unsubscribe(channels: string[]): void {
    for (const frame of unsubscribeFrames(channels, () => this.#nextId++)) {
      this.#sent(-frame.id, frame.channels);
      this.#host.send(frame);
    }
  }

  /**
   * Asks for `channel` again from `lastSeq` (the relay resynchronizes a channel subscribed again);
   * nothing when its recovery is already in flight.
   */
  recover(channel: string, lastSeq: number): void {
    if (this.#recovering.has(channel)) return;
    this.#recovering.add(channel);
    const epoch = this.#host.epoch();
    const id = this.#nextId++;
    this.#sent(id, [channel]);
    this.#host.send({ type: 'subscribe', id, channels: [channel], since: { [channel]: lastSeq }, ...(epoch === undefined ? {} : { epoch }) });
  }

  /** `channel` got an update applied, or nobody uses it any more: nothing in flight or refused. */
  settled(channel: string): void {
    this.#recovering.delete(channel);
    this.#refused.delete(channel);
  }

  /** Asks again for the channels refused for good so far (a new token may allow them). */
  askRefusedAgain(): void {
    const channels = [...this.#refused].filter((channel) => this.#host.inUse(channel));
    this.#refused.clear();
    this.subscribe(channels);
  }

  #sent(key: number, channels: string[]): void {
    this.#requests.set(key, channels);
    if (this.#requests.size > MAX_REQUESTS) this.#requests.delete(this.#requests.keys().next().value!);
  }

  /** The relay took request `id` (a `subscribe`'s channels may still be refused one by one, as `internal`). */
  acked(id: number): void {
    if (!this.#requests.delete(id)) this.#requests.delete(-id);
  }

  /**
   * An `error` from the relay: what it left undone for the moment is asked for again after a
   * backoff; a channel refused for good is reported.
   */
  refused(error: ErrorMessage): void {
    if (error.code === RATE_LIMITED_ERROR) this.#unackedDue = true;
    else if (error.channel === undefined) return;
    else if (error.code === INTERNAL_ERROR) this.#dueSubscribe.add(error.channel);
    else {
      this.#refused.add(error.channel);
      return this.#host.refuse(error.channel, { code: error.code, message: error.message });
    }
    if (this.#timer !== undefined) return;
    if (Date.now() - this.#lastRetryAt > SUBSCRIBE_RETRY_QUIET_MS) this.#refusals = 0;
    this.#timer = setTimeout(() => this.#retry(), backoffDelay(++this.#refusals, SUBSCRIBE_RETRY_BACKOFF, this.#host.random));
  }

  #retry(): void {
    this.#timer = undefined;
    this.#lastRetryAt = Date.now();
    if (this.#unackedDue) {
      for (const [key, channels] of this.#requests) for (const channel of channels) (key > 0 ? this.#dueSubscribe : this.#dueUnsubscribe).add(channel);
      this.#requests.clear();
      this.#unackedDue = false;
    }
    const { inUse } = this.#host;
    const subscribe = [...this.#dueSubscribe].filter(inUse);
    const unsubscribe = [...this.#dueUnsubscribe].filter((channel) => !inUse(channel));
    this.#dueSubscribe.clear();
    this.#dueUnsubscribe.clear();
    if (!this.#host.open()) return;
    // Asked again with `since`, so the answer also recovers any gap: no recovery is in flight any more.
    for (const channel of subscribe) this.#recovering.delete(channel);
    this.unsubscribe(unsubscribe);
    this.subscribe(subscribe);
  }

  /** The socket ended or a new one subscribes to everything anyway: forget it all, start the backoff over. */
  clear(): void {
    this.#recovering.clear();
    this.#refused.clear();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#requests.clear();
    this.#dueSubscribe.clear();
    this.#dueUnsubscribe.clear();
    this.#unackedDue = false;
    this.#refusals = 0;
    this.#lastRetryAt = -Infinity;
  }
}
