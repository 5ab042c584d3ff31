/**
 * The public feed API shared by every transport (SharedWorker, leader tab, direct socket) and by
 * the in-memory feed used in stories and tests. Elements depend on this interface only.
 */
import type { ChannelData } from '../protocol/messages.js';

/** Connection states, in the order a healthy connection usually walks them. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'polling' | 'closed';

/** Where the socket lives: a SharedWorker, a leader tab, this tab alone, or nowhere (in-memory). */
export type FeedMode = 'shared-worker' | 'leader' | 'direct' | 'memory';

/** One value of a channel as delivered to listeners. */
export interface FeedUpdate {
  channel: string;
  /** Per-channel sequence number; increases by one per update. */
  seq: number;
  data: ChannelData;
}

/** Numbers a status display needs. */
export interface FeedStats {
  /** Round-trip time of the last ping/pong, in ms; `null` before the first one. */
  latencyMs: number | null;
  /** Channel messages received per second, averaged over the last few seconds. */
  messagesPerSecond: number;
  /** `Date.now()` of the last message from the server; `null` before the first one. */
  lastMessageAt: number | null;
}

/** Why a feed stopped, is retrying or fell back, e.g. a terminal close code. */
export interface FeedError {
  /**
   * An `ErrorCode` of the relay (`token_expired`, `forbidden`, …), `close:<code>` for a close code,
   * or one of the client's own: `token_unavailable` (the token provider failed; retried),
   * `websocket_unavailable` (polling over HTTP), `bad_url` (the feed URL cannot be used).
   */
  code: string;
  message: string;
}

/** A snapshot of a feed's connection, sent to status listeners on every change. */
export interface FeedStatus {
  state: ConnectionState;
  mode: FeedMode;
  stats: FeedStats;
  error: FeedError | null;
}

/** Called with each new value of a subscribed channel (at most about once per frame per channel). */
export type FeedListener = (update: FeedUpdate) => void;

/**
 * Called when the relay refuses a subscribed channel on this connection (e.g. `forbidden`: the
 * token does not allow it; `too_many_subscriptions`): no updates come for it until it is accepted
 * (a reconnect or a new token), which its next update shows.
 */
export type RefusalListener = (error: FeedError) => void;

/** Called whenever the status changes. */
export type StatusListener = (status: FeedStatus) => void;

/**
 * A source of live channel values. Obtain one with `connectFeed()` (or `createMemoryFeed()` for
 * stories and tests); elements receive it through `<market-feed>` and `@lit/context`.
 */
export interface Feed {
  /** The feed URL (`ws://…/ws`), or `memory:` for an in-memory feed. */
  readonly url: string;
  /** The current status. */
  readonly status: FeedStatus;
  /**
   * Starts receiving `channel`. The listener gets the cached value at once when there is one;
   * `onRefused`, if given, hears when the relay refuses the channel (at once if it already has).
   * @returns a function that stops this subscription (idempotent).
   */
  subscribe(channel: string, listener: FeedListener, onRefused?: RefusalListener): () => void;
  /** The last value of a channel, if any is cached. */
  get(channel: string): FeedUpdate | undefined;
  /** Recent updates of a channel, oldest first (up to `limit`), for chart backfill. */
  history(channel: string, limit?: number): Promise<FeedUpdate[]>;
  /** Listens to status changes; the listener is called at once with the current status. */
  onStatus(listener: StatusListener): () => void;
  /** Reconnects now, skipping any backoff wait (the retry control of `<connection-status>`). */
  reconnect(): void;
  /** Releases every subscription and the connection. */
  close(): void;
}
