/**
 * Envelopes as the Redis backend reads them back (JSON from Redis, never trusted blindly), and the
 * node's bounded memory of the newest envelope it has seen per channel.
 */
import type { Envelope } from './types.js';

/** Parses an envelope stored or published by the publish script; null for anything malformed. */
export function parseEnvelope(text: unknown): Envelope | null {
  if (typeof text !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { channel, seq, data } = value as Record<string, unknown>;
  if (typeof channel !== 'string' || !Number.isSafeInteger(seq) || (seq as number) < 1) return null;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  return { channel, seq: seq as number, data: data as Envelope['data'] };
}

/**
 * The newest envelope this node has seen per channel, least recently updated evicted first.
 * It answers reads while Redis is away, keeps `seq` monotonic when Redis comes back empty
 * (see the publish script's floor) and restores the last values Redis lost.
 */
export class KnownEnvelopes {
  private readonly byChannel = new Map<string, Envelope>();

  /** @param capacity most channels remembered; a bound, so that many short-lived channels cannot grow memory. */
  constructor(private readonly capacity: number) {}

  /** Remembers `envelope` when it is newer than what is known for its channel. */
  note(envelope: Envelope | null): void {
    if (!envelope) return;
    const current = this.byChannel.get(envelope.channel);
    if (current && current.seq >= envelope.seq) return;
    this.byChannel.delete(envelope.channel); // re-insert: Map order is the eviction order
    this.byChannel.set(envelope.channel, envelope);
    if (this.byChannel.size > this.capacity) {
      const oldest = this.byChannel.keys().next().value as string;
      this.byChannel.delete(oldest);
    }
  }

  /** The newest known envelope of `channel`, or null. */
  get(channel: string): Envelope | null {
    return this.byChannel.get(channel) ?? null;
  }

  /** Highest known seq of `channel` (0 when unknown). */
  seq(channel: string): number {
    return this.byChannel.get(channel)?.seq ?? 0;
  }

  /** Every known envelope (a copy, safe to iterate across awaits). */
  all(): Envelope[] {
    return [...this.byChannel.values()];
  }
}
