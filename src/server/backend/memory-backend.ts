/**
 * The in-process channel backend: `seq`, last value and a bounded history per channel, for a
 * relay running as a single node. History is bounded per channel (`historySize` updates) and in
 * total (`historyBytes`, oldest updates across channels dropped first); last values by
 * `maxChannels` (docs/server.md gives the bytes per stored update). Both are kept as the data's
 * JSON bytes, not as objects (see channel-history.ts), and read back as StoredEnvelopes.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelData } from '../../protocol/messages.js';
import { ChannelHistory, type KeptUpdate } from './channel-history.js';
import { HistoryBudget } from './history-budget.js';
import { StoredEnvelope } from './stored-envelope.js';
import type { BackendHealth, ChannelBackend, Envelope, RecoverRequest, Recovery } from './types.js';

/** Options of the in-process backend. */
export interface MemoryBackendOptions {
  /** Updates kept per channel for `since` recovery and `/v1/history`. Default 1,200. */
  historySize?: number;
  /** Most channels kept; a publish to a new channel beyond this throws. Default 10,000. */
  maxChannels?: number;
  /**
   * Most bytes of history kept over all channels (an update counts the UTF-8 length of its data
   * as JSON); beyond, the oldest updates across channels are dropped. Default 64 MiB (the relay's
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
  seq: number;
  /** The latest data as UTF-8 JSON, in a buffer reused from publish to publish (no object per update). */
  latest: Buffer;
  latestBytes: number;
  history: ChannelHistory;
  /** The history's number in the byte budget. */
  budgetSlot: number;
}

const NO_BYTES = Buffer.alloc(0);

/** A buffer for `bytes`: `buffer` when it is large enough, else a new one (a power of two). */
const fit = (buffer: Buffer, bytes: number): Buffer =>
  bytes <= buffer.length ? buffer : Buffer.allocUnsafeSlow(Math.max(64, 2 ** Math.ceil(Math.log2(bytes))));

const latestOf = (channel: string, state: ChannelState): Envelope =>
  new StoredEnvelope(channel, state.seq, state.latest.toString('utf8', 0, state.latestBytes));

/** Creates an in-process backend. */
export function createMemoryBackend(options: MemoryBackendOptions = {}): ChannelBackend {
  const historySize = Math.max(1, Math.floor(options.historySize ?? 1_200));
  const maxChannels = Math.max(1, Math.floor(options.maxChannels ?? 10_000));
  const budget = new HistoryBudget(Math.max(0, Math.floor(options.historyBytes ?? DEFAULT_HISTORY_BYTES)));
  const channels = new Map<string, ChannelState>();
  const watched = new Set<string>();
  const listeners: Array<(envelope: Envelope) => void> = [];
  let closed = false;

  const stored = (channel: string, updates: KeptUpdate[]): Envelope[] =>
    updates.map((update) => new StoredEnvelope(channel, update.seq, update.dataJson));

  const recoverNow = (channel: string, since: number): Recovery => {
    const state = channels.get(channel);
    if (!state) return since > 0 ? { recovered: false, updates: [], latest: null } : { recovered: true, updates: [], latest: null };
    const latest = latestOf(channel, state);
    // `since` ahead of the channel means the stream was reset (e.g. a restart): not recoverable.
    if (since > state.seq) return { recovered: false, updates: [], latest };
    const updates = state.history.after(since, state.seq);
    return updates ? { recovered: true, updates: stored(channel, updates), latest } : { recovered: false, updates: [], latest };
  };

  return {
    kind: 'memory',
    // Its seqs live and die with the process: a new process is a new run.
    epoch: randomUUID().slice(0, 8),

    async publish(channel: string, data: ChannelData): Promise<Envelope> {
      if (closed) throw new Error('backend is closed');
      let state = channels.get(channel);
      if (!state && channels.size >= maxChannels) throw new ChannelLimitError(maxChannels);
      // Serialized once: stored as bytes, counted by the budget, and sent on as is (Delivery).
      const dataJson = JSON.stringify(data) as string | undefined;
      if (dataJson === undefined) throw new TypeError('channel data must be a JSON value');
      const bytes = Buffer.byteLength(dataJson);
      if (!state) {
        const history = new ChannelHistory(historySize);
        state = { seq: 0, latest: NO_BYTES, latestBytes: 0, history, budgetSlot: budget.register(history) };
        channels.set(channel, state);
      }
      const seq = state.seq + 1;
      state.seq = seq;
      state.latest = fit(state.latest, bytes);
      state.latest.write(dataJson, 0, bytes, 'utf8');
      state.latestBytes = bytes;
      budget.added(state.budgetSlot, seq, bytes, state.history.push(seq, dataJson, bytes));
      const envelope: Envelope = { channel, seq, data, dataJson };
      if (watched.has(channel)) {
        for (const listener of listeners) listener(envelope);
      }
      return envelope;
    },

    async latest(channel: string): Promise<Envelope | null> {
      const state = channels.get(channel);
      return state ? latestOf(channel, state) : null;
    },

    async latestMany(names: readonly string[]): Promise<Array<Envelope | null>> {
      return names.map((channel) => {
        const state = channels.get(channel);
        return state ? latestOf(channel, state) : null;
      });
    },

    async recover(channel: string, since: number): Promise<Recovery> {
      return recoverNow(channel, since);
    },

    async recoverMany(requests: readonly RecoverRequest[]): Promise<Recovery[]> {
      return requests.map(({ channel, since }) => recoverNow(channel, since));
    },

    async history(channel: string, limit: number): Promise<Envelope[]> {
      const state = channels.get(channel);
      return state ? stored(channel, state.history.newest(limit)) : [];
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
