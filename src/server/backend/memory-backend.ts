/**
 * The in-process channel backend: `seq`, last value and a bounded history per channel, for a
 * relay running as a single node. History is bounded per channel (`historySize` updates) and in
 * total (`historyBytes`, oldest updates across channels dropped first); last values by
 * `maxChannels` (docs/server.md gives the bytes per stored update).
 */
import { randomUUID } from 'node:crypto';
import type { ChannelData } from '../../protocol/messages.js';
import { ChannelHistory } from './channel-history.js';
import { HistoryBudget } from './history-budget.js';
import type { BackendHealth, ChannelBackend, Envelope, Recovery } from './types.js';

/** Options of the in-process backend. */
export interface MemoryBackendOptions {
  /** Updates kept per channel for `since` recovery and `/v1/history`. Default 1,200. */
  historySize?: number;
  /** Most channels kept; a publish to a new channel beyond this throws. Default 10,000. */
  maxChannels?: number;
  /**
   * Most bytes of history kept over all channels (an update counts the length of its data as
   * JSON); beyond, the oldest updates across channels are dropped. Default 64 MiB (the relay's
   * `historyBytes` limit).
   */
  historyBytes?: number;
}

const DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024;

/** Raised when a publish would create a channel beyond `maxChannels`. */
export class ChannelLimitError extends Error {
  constructor(limit: number) {
    super(`channel limit reached (${limit})`);
    this.name = 'ChannelLimitError';
  }
}

interface ChannelState {
  latest: Envelope;
  history: ChannelHistory;
}

/** Creates an in-process backend. */
export function createMemoryBackend(options: MemoryBackendOptions = {}): ChannelBackend {
  const historySize = Math.max(1, Math.floor(options.historySize ?? 1_200));
  const maxChannels = Math.max(1, Math.floor(options.maxChannels ?? 10_000));
  const budget = new HistoryBudget(Math.max(0, Math.floor(options.historyBytes ?? DEFAULT_HISTORY_BYTES)));
  const channels = new Map<string, ChannelState>();
  const watched = new Set<string>();
  const listeners: Array<(envelope: Envelope) => void> = [];
  let closed = false;

  return {
    kind: 'memory',
    // Its seqs live and die with the process: a new process is a new run.
    epoch: randomUUID().slice(0, 8),

    async publish(channel: string, data: ChannelData): Promise<Envelope> {
      if (closed) throw new Error('backend is closed');
      let state = channels.get(channel);
      if (!state && channels.size >= maxChannels) throw new ChannelLimitError(maxChannels);
      const envelope: Envelope = { channel, seq: (state?.latest.seq ?? 0) + 1, data };
      if (state) state.latest = envelope;
      else channels.set(channel, (state = { latest: envelope, history: new ChannelHistory(historySize) }));
      const bytes = JSON.stringify(data).length;
      budget.added(state.history, envelope.seq, bytes, state.history.push(envelope, bytes));
      if (watched.has(channel)) {
        for (const listener of listeners) listener(envelope);
      }
      return envelope;
    },

    async latest(channel: string): Promise<Envelope | null> {
      return channels.get(channel)?.latest ?? null;
    },

    async recover(channel: string, since: number): Promise<Recovery> {
      const state = channels.get(channel);
      const latest = state?.latest ?? null;
      const latestSeq = latest?.seq ?? 0;
      // `since` ahead of the channel means the stream was reset (e.g. a restart): not recoverable.
      if (since > latestSeq) return { recovered: false, updates: [], latest };
      const updates = state ? state.history.after(since, latestSeq) : [];
      return updates ? { recovered: true, updates, latest } : { recovered: false, updates: [], latest };
    },

    async history(channel: string, limit: number): Promise<Envelope[]> {
      return channels.get(channel)?.history.newest(limit) ?? [];
    },

    watch(channel: string): void {
      watched.add(channel);
    },

    unwatch(channel: string): void {
      watched.delete(channel);
    },

    onMessage(listener: (envelope: Envelope) => void): void {
      listeners.push(listener);
    },

    health(): BackendHealth {
      return 'ok';
    },

    historyBytes(): number {
      return budget.bytes;
    },

    async close(): Promise<void> {
      closed = true;
      watched.clear();
      listeners.length = 0;
    },
  };
}
