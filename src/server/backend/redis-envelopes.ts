/**
 * Envelopes as the Redis backend reads them back (JSON from Redis, never trusted blindly), and the
 * node's bounded memory of the newest envelope it has seen per channel.
 */
import type { Envelope, Recovery } from './types.js';

/**
 * The head of an envelope as the publish script writes it, up to its data:
 * `{"channel":<JSON string>,"seq":<whole number>,"data":`. The data follows, then the closing `}`.
 */
const ENVELOPE_HEAD = /^\{"channel":("(?:[^"\\]|\\.)*"),"seq":([1-9][0-9]{0,15}),"data":/;

/**
 * Parses an envelope stored or published by the publish script; null for anything malformed.
 *
 * Envelopes in the script's own layout (`{"channel":…,"seq":…,"data":…}`, see redis-scripts.ts)
 * keep their data's JSON text as `dataJson`, so that frames and HTTP answers send it on instead of
 * serializing the data again. The text is only trusted after JSON.parse accepted it as one whole
 * value, a JSON object: nothing around it can leak into a frame. Anything else that is valid JSON
 * (other field order, spaces, extra fields) is read as before, without `dataJson`.
 *
 * `channel`: the channel whose key the text was read from. An envelope naming another channel is
 * then malformed too (null): a foreign or misplaced write must not be served as this channel's.
 */
export function parseEnvelope(text: unknown, channel?: string): Envelope | null {
  if (typeof text !== 'string') return null;
  const envelope = parseScriptLayout(text) ?? parseAnyLayout(text);
  return envelope && (channel === undefined || envelope.channel === channel) ? envelope : null;
}

/** The script's own layout, with `dataJson`; null when the text is laid out otherwise (or malformed). */
function parseScriptLayout(text: string): Envelope | null {
  const head = ENVELOPE_HEAD.exec(text);
  if (!head || text.charCodeAt(text.length - 1) !== 0x7d /* } */) return null;
  const dataJson = text.slice(head[0].length, -1);
  // An object and nothing but it: `{…}` that JSON.parse takes whole (it refuses anything after the value).
  if (dataJson.charCodeAt(0) !== 0x7b /* { */ || dataJson.charCodeAt(dataJson.length - 1) !== 0x7d) return null;
  const seq = Number(head[2]);
  if (!Number.isSafeInteger(seq)) return null;
  let channel: unknown;
  let data: unknown;
  try {
    channel = JSON.parse(head[1] as string);
    data = JSON.parse(dataJson);
  } catch {
    return null;
  }
  if (typeof channel !== 'string' || typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  return { channel, seq, data: data as Envelope['data'], dataJson };
}

/** Any valid JSON envelope (no `dataJson`: its data's text is not known to stand alone). */
function parseAnyLayout(text: string): Envelope | null {
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
 * The JSON text of `envelope` in the publish script's layout, for writing it back to Redis: its
 * stored data JSON when it has one (never a `dataJson` field inside the text).
 */
export function envelopeText(envelope: Envelope): string {
  const dataJson = envelope.dataJson ?? JSON.stringify(envelope.data);
  return `{"channel":${JSON.stringify(envelope.channel)},"seq":${envelope.seq},"data":${dataJson}}`;
}

/**
 * The newest envelope this node has seen per channel, least recently updated evicted first.
 * It answers reads while Redis is away, keeps `seq` monotonic when Redis comes back empty
 * (see the publish script's floor) and restores the last values Redis lost.
 */
export class KnownEnvelopes {
  private readonly byChannel = new Map<string, Envelope>();
  /** The text a remembered envelope was parsed from, when it was read as a channel's last value. */
  private readonly lastTexts = new WeakMap<Envelope, string>();

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

  /**
   * `text`, a channel's last value as read from Redis, as an envelope (null when malformed or
   * when it names another channel than `channel`), and remembered like `note`. Polls read the same last value again and again until the channel's next
   * update: when `text` is exactly the text the remembered envelope was parsed from, that envelope
   * is the answer, without parsing and checking the text again.
   */
  readLast(channel: string, text: unknown): Envelope | null {
    const current = this.byChannel.get(channel);
    if (current !== undefined && typeof text === 'string' && this.lastTexts.get(current) === text) return current;
    const envelope = parseEnvelope(text, channel);
    if (!envelope) return null;
    // The same seq as remembered (e.g. this node's own publish): keep the one read, whose text is known.
    if (current !== undefined && envelope.seq === current.seq) this.byChannel.set(channel, envelope);
    else this.note(envelope);
    if (this.byChannel.get(channel) === envelope) this.lastTexts.set(envelope, text as string);
    return envelope;
  }

  /** The newest known envelope of `channel`, or null. */
  get(channel: string): Envelope | null {
    return this.byChannel.get(channel) ?? null;
  }

  /**
   * The answer to a `since` request from what this node saw, for when Redis cannot answer it: a
   * client at or ahead of the known seq keeps its state; one behind it gets the known latest value.
   */
  recovery(channel: string, since: number): Recovery {
    const latest = this.get(channel);
    return { recovered: since >= (latest?.seq ?? 0), updates: [], latest };
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
