/**
 * The in-process channel backend: `seq`, last value and a bounded history ring per channel, for a
 * relay running as a single node. Memory is bounded by `historySize × maxChannels` envelopes
 * (docs/server.md gives the bytes per stored update).
 */
import { randomUUID } from 'node:crypto';
import type { ChannelData } from '../../protocol/messages.js';
import type { BackendHealth, ChannelBackend, Envelope, Recovery } from './types.js';

/** Options of the in-process backend. */
export interface MemoryBackendOptions {
  /** Updates kept per channel for `since` recovery and `/v1/history`. Default 1,200. */
  historySize?: number;
  /** Most channels kept; a publish to a new channel beyond this throws. Default 10,000. */
  maxChannels?: number;
}

/** Raised when a publish would create a channel beyond `maxChannels`. */
export class ChannelLimitError extends Error {
  constructor(limit: number) {
    super(`channel limit reached (${limit})`);
    this.name = 'ChannelLimitError';
  }
}

/**
 * A bounded ring of the latest envelopes of one channel. It grows with use up to `capacity`, so a
 * channel with few updates costs few slots (a large `historySize` is paid only where used).
 */
class History {
  private readonly ring: Envelope[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(envelope: Envelope): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(envelope);
      return;
    }
    this.ring[this.next] = envelope;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The newest `count` envelopes (at most what is kept), oldest first. */
  newest(count: number): Envelope[] {
    const size = this.ring.length;
    const n = Math.max(0, Math.min(Math.floor(count), size));
    const out: Envelope[] = [];
    // While growing, `next` is 0 and the ring is in order; once full, `next` is the oldest slot.
    for (let i = size - n; i < size; i++) out.push(this.ring[(this.next + i) % size] as Envelope);
    return out;
  }

  /** Envelopes with `seq > since`, or null when the oldest kept one is already past `since + 1`. */
  after(since: number, latestSeq: number): Envelope[] | null {
    const missed = latestSeq - since;
    if (missed <= 0) return [];
    if (missed > this.ring.length) return null;
    return this.newest(missed);
  }
}

interface ChannelState {
  latest: Envelope;
  history: History;
}

/** Creates an in-process backend. */
export function createMemoryBackend(options: MemoryBackendOptions = {}): ChannelBackend {
  const historySize = Math.max(1, Math.floor(options.historySize ?? 1_200));
  const maxChannels = Math.max(1, Math.floor(options.maxChannels ?? 10_000));
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
      else channels.set(channel, (state = { latest: envelope, history: new History(historySize) }));
      state.history.push(envelope);
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

    async close(): Promise<void> {
      closed = true;
      watched.clear();
      listeners.length = 0;
    },
  };
}
