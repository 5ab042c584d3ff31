/**
 * An in-memory feed with the same interface as a live one, for stories, demos without a server and
 * unit tests of elements. Values are pushed by the caller; no network is involved.
 */
import type { ChannelData } from '../protocol/messages.js';
import type { Feed, FeedError, FeedListener, FeedStatus, FeedUpdate, RefusalListener, StatusListener } from './types.js';

/** A feed driven by the caller. */
export interface MemoryFeed extends Feed {
  /** Publishes a value on a channel (next `seq`) and delivers it to its listeners synchronously. */
  push(channel: string, data: ChannelData): FeedUpdate;
  /** Refuses a channel as a relay would (e.g. `forbidden`) until its next `push`. */
  refuse(channel: string, error: FeedError): void;
  /** Changes the reported status (state, mode, stats, error), e.g. to show `reconnecting`. */
  setStatus(status: Partial<FeedStatus>): void;
  /** Number of listeners currently subscribed to `channel`. */
  listenerCount(channel: string): number;
  /** How many times `reconnect()` was called. */
  readonly reconnectCount: number;
}

/** Options of `createMemoryFeed`. */
export interface MemoryFeedOptions {
  /** Initial status; defaults to an open feed in `memory` mode. */
  status?: Partial<FeedStatus>;
  /** Updates kept per channel for `history()`; default 2000. */
  historyLimit?: number;
}

/**
 * Creates an in-memory feed.
 * @example
 * const feed = createMemoryFeed();
 * feed.push('price:BTC-USD', { symbol: 'BTC-USD', price: 64000, ts: Date.now() });
 */
export function createMemoryFeed(options: MemoryFeedOptions = {}): MemoryFeed {
  const historyLimit = options.historyLimit ?? 2000;
  const listeners = new Map<string, Set<FeedListener>>();
  const refusalListeners = new Map<string, Set<RefusalListener>>();
  const refusals = new Map<string, FeedError>();
  const histories = new Map<string, FeedUpdate[]>();
  const statusListeners = new Set<StatusListener>();
  let reconnectCount = 0;
  let status: FeedStatus = {
    state: 'open',
    mode: 'memory',
    stats: { latencyMs: null, messagesPerSecond: 0, lastMessageAt: null },
    error: null,
    ...options.status,
  };

  const feed: MemoryFeed = {
    url: 'memory:',
    get status() {
      return status;
    },
    get reconnectCount() {
      return reconnectCount;
    },
    subscribe(channel, listener, onRefused) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      const entry = (update: FeedUpdate) => listener(update);
      set.add(entry);
      const refusal: RefusalListener | undefined = onRefused && ((error) => onRefused(error));
      if (refusal) {
        let refused = refusalListeners.get(channel);
        if (!refused) refusalListeners.set(channel, (refused = new Set()));
        refused.add(refusal);
        const error = refusals.get(channel);
        if (error) refusal(error);
      }
      const last = feed.get(channel);
      if (last && !refusals.has(channel)) listener(last);
      return () => {
        set.delete(entry);
        if (refusal) refusalListeners.get(channel)?.delete(refusal);
        if (set.size === 0 && listeners.get(channel) === set) listeners.delete(channel);
      };
    },
    refuse(channel, error) {
      refusals.set(channel, error);
      for (const listener of refusalListeners.get(channel) ?? []) listener(error);
    },
    get(channel) {
      const history = histories.get(channel);
      return history?.[history.length - 1];
    },
    async history(channel, limit = historyLimit) {
      return (histories.get(channel) ?? []).slice(-limit);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    reconnect() {
      reconnectCount++;
    },
    close() {
      listeners.clear();
      feed.setStatus({ state: 'closed' });
    },
    push(channel, data) {
      let history = histories.get(channel);
      if (!history) histories.set(channel, (history = []));
      const update: FeedUpdate = { channel, seq: (history[history.length - 1]?.seq ?? 0) + 1, data };
      history.push(update);
      if (history.length > historyLimit) history.splice(0, history.length - historyLimit);
      refusals.delete(channel);
      const now = Date.now();
      status = { ...status, stats: { ...status.stats, lastMessageAt: now } };
      for (const listener of listeners.get(channel) ?? []) listener(update);
      return update;
    },
    setStatus(partial) {
      status = { ...status, ...partial, stats: { ...status.stats, ...partial.stats } };
      for (const listener of statusListeners) listener(status);
    },
    listenerCount(channel) {
      return listeners.get(channel)?.size ?? 0;
    },
  };
  return feed;
}
