/**
 * Typed calls of the backend's Lua scripts. ioredis runs them with EVALSHA and falls back to EVAL
 * when Redis does not know the script (e.g. after a restart), so no load step is needed.
 */
import type { Redis } from 'ioredis';
import type { ChannelData } from '../../protocol/messages.js';
import type { Envelope, RecoverRequest, Recovery } from './types.js';
import { envelopeText, parseEnvelope } from './redis-envelopes.js';
import { HASH_FIELD_MANY_SCRIPT, PUBLISH_SCRIPT, RECOVER_MANY_SCRIPT, RESTORE_MANY_SCRIPT, type ChannelKeys } from './redis-scripts.js';

/** The scripts as ioredis exposes them after `defineCommand`. */
interface DefinedScripts {
  mpPublish(meta: string, hist: string, channelJson: string, dataJson: string, historySize: number, bus: string, floor: number, historyTtlMs: number): Promise<string>;
  mpHashFieldMany(numberOfKeys: number, ...metaKeysThenField: string[]): Promise<Array<string | number | null>>;
  mpRecoverMany(numberOfKeys: number, ...keysThenSinces: Array<string | number>): Promise<unknown[]>;
  mpRestoreMany(numberOfKeys: number, ...keysThenTtlAndEnvelopes: Array<string | number>): Promise<unknown[]>;
}

/** One channel of a `restoreMany` script call: its keys and the last envelope this node knows. */
export interface ScriptRestoreRequest {
  keys: ChannelKeys;
  envelope: Envelope;
}

/** A `restoreMany` or `recoverMany` entry whose keys Redis could not use: Redis's error. */
export interface UnusableKeys {
  unusable: string;
}

/** A recover script's reply: `[seq, last|null, recovered (1|0), entries]`. */
type RecoverReply = [number, string | null, number, string[]];

/** One channel of a `recoverMany` script call: its name, keys and `since`. */
export interface ScriptRecoverRequest extends RecoverRequest {
  keys: ChannelKeys;
}

/** The backend's atomic operations on one channel. */
export interface RedisScripts {
  /** Stores and publishes `data`; resolves with the envelope and its new seq. */
  publish(keys: ChannelKeys, channel: string, data: ChannelData, historySize: number, floor: number): Promise<Envelope>;
  /**
   * Each request's updates after its `since` when history holds them all (checked to be contiguous
   * and to be the channel's: an envelope naming another channel is read as malformed), in order, in
   * one command: {@link UnusableKeys} for a channel whose keys Redis could not read. Rejects as a
   * whole only when the command fails. Call with at least one request (one: a single recovery).
   */
  recoverMany(requests: readonly ScriptRecoverRequest[]): Promise<Array<Recovery | UnusableKeys>>;
  /**
   * Puts each envelope back as its channel's last value (history: that envelope alone) where Redis
   * is behind it (lost it, or holds a lower seq), in one command. Per entry, in order: true when it
   * restored, false when Redis holds that seq or a higher one, {@link UnusableKeys} when the
   * channel's keys hold foreign data (left as they are). Call with at least one entry.
   */
  restoreMany(entries: readonly ScriptRestoreRequest[]): Promise<Array<boolean | UnusableKeys>>;
  /**
   * The `last` envelope text of each meta key, in order, in one command: null when the channel has
   * none, `UNREADABLE` when its key is not a hash. Call with at least one key.
   */
  latestMany(metaKeys: string[]): Promise<Array<string | null | typeof UNREADABLE>>;
  /**
   * The `seq` of each meta key, in order, in one command: 0 for a channel without one,
   * `UNREADABLE` when its key is not a hash or its seq not a whole number. Sent as EVAL with the
   * script's text, never EVALSHA: a NOSCRIPT answer (a SCRIPT FLUSH, an evicted script) would make
   * ioredis send it again later, after reads it must precede (watch baselines, see
   * redis-watch-batcher.ts). Issued before it first awaits. Call with at least one key.
   */
  seqMany(metaKeys: string[]): Promise<Array<number | typeof UNREADABLE>>;
}

/** A `latestMany` entry whose key Redis could not read (a foreign value under the prefix). */
export const UNREADABLE = Symbol('unreadable');

/**
 * Registers the scripts on `redis` (the command connection). A channel's history list expires
 * after `historyTtlMs` without an update (0: never).
 */
export function createRedisScripts(redis: Redis, historyTtlMs: number): RedisScripts {
  redis.defineCommand('mpPublish', { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
  redis.defineCommand('mpHashFieldMany', { lua: HASH_FIELD_MANY_SCRIPT }); // key count passed per call
  redis.defineCommand('mpRecoverMany', { lua: RECOVER_MANY_SCRIPT }); // key count passed per call
  redis.defineCommand('mpRestoreMany', { lua: RESTORE_MANY_SCRIPT }); // key count passed per call
  const scripts = redis as unknown as DefinedScripts;

  return {
    async publish(keys, channel, data, historySize, floor) {
      const channelJson = JSON.stringify(channel);
      const dataJson = JSON.stringify(data);
      const reply = await scripts.mpPublish(keys.meta, keys.hist, channelJson, dataJson, historySize, keys.bus, floor, historyTtlMs);
      const envelope = publishedEnvelope(reply, channel, data, channelJson, dataJson);
      if (!envelope) throw new Error('Redis returned a malformed envelope');
      return envelope;
    },

    async recoverMany(requests) {
      const keys: string[] = [];
      const sinces = requests.map((request) => wholeSince(request.since));
      for (const request of requests) keys.push(request.keys.meta, request.keys.hist);
      const reply = await scripts.mpRecoverMany(keys.length, ...keys, ...sinces);
      if (!Array.isArray(reply) || reply.length !== requests.length) throw new Error('Redis returned a malformed recover-many reply');
      return requests.map((request, index) => {
        const entry = reply[index];
        if (isRecoverReply(entry)) return recoveryOf(request.channel, sinces[index]!, entry);
        return { unusable: typeof entry === 'string' ? entry : 'Redis returned a malformed recover entry' };
      });
    },

    async restoreMany(entries) {
      const keys: string[] = [];
      const envelopesAndSeqs: Array<string | number> = [];
      for (const { keys: channel, envelope } of entries) {
        keys.push(channel.meta, channel.hist);
        envelopesAndSeqs.push(envelopeText(envelope), envelope.seq);
      }
      const reply = await scripts.mpRestoreMany(keys.length, ...keys, historyTtlMs, ...envelopesAndSeqs);
      if (!Array.isArray(reply) || reply.length !== entries.length) throw new Error('Redis returned a malformed restore-many reply');
      return reply.map((entry) => (entry === 1 ? true : entry === 0 ? false : { unusable: String(entry) }));
    },

    async latestMany(metaKeys) {
      const reply = await scripts.mpHashFieldMany(metaKeys.length, ...metaKeys, 'last');
      if (!Array.isArray(reply) || reply.length !== metaKeys.length) throw new Error('Redis returned a malformed latest-values reply');
      return reply.map((entry) => (typeof entry === 'string' || entry === null ? entry : UNREADABLE));
    },

    async seqMany(metaKeys) {
      const reply: unknown = await redis.eval(HASH_FIELD_MANY_SCRIPT, metaKeys.length, ...metaKeys, 'seq');
      if (!Array.isArray(reply) || reply.length !== metaKeys.length) throw new Error('Redis returned a malformed seq reply');
      return reply.map((entry: unknown) => (entry === null ? 0 : typeof entry === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(entry) ? Number(entry) : UNREADABLE));
    },
  };
}

/**
 * The envelope of a publish, from the script's reply: the script only puts the seq between the
 * two JSON texts it was given, so only the seq is read back (the data the relay just serialized is
 * not parsed again; the envelope carries `data` as given, like the in-process backend's).
 * A reply laid out otherwise is read as any envelope from Redis; null when malformed.
 */
function publishedEnvelope(reply: unknown, channel: string, data: ChannelData, channelJson: string, dataJson: string): Envelope | null {
  if (typeof reply !== 'string') return null;
  const head = `{"channel":${channelJson},"seq":`;
  const tail = `,"data":${dataJson}}`;
  const seqText = reply.startsWith(head) && reply.endsWith(tail) ? reply.slice(head.length, reply.length - tail.length) : '';
  const seq = /^[1-9][0-9]{0,15}$/.test(seqText) ? Number(seqText) : 0;
  if (!Number.isSafeInteger(seq) || seq < 1) return parseEnvelope(reply, channel);
  return { channel, seq, data, dataJson };
}

/** `since` as the scripts take it: a whole number, 0 or more. */
function wholeSince(since: number): number {
  return Number.isFinite(since) ? Math.max(0, Math.floor(since)) : 0;
}

function isRecoverReply(entry: unknown): entry is RecoverReply {
  return Array.isArray(entry) && entry.length === 4 && Array.isArray(entry[3]);
}

/**
 * The Recovery of `channel` from a recover script's reply. Envelopes are `channel`'s or malformed:
 * a last value naming another channel is no last value, and history entries must be an unbroken
 * run of `channel`'s updates after `since` (anything else, e.g. a foreign write, is not a recovery).
 */
function recoveryOf(channel: string, since: number, [, lastText, recoveredFlag, entries]: RecoverReply): Recovery {
  const latest = parseEnvelope(lastText, channel);
  if (recoveredFlag !== 1) return { recovered: false, updates: [], latest };
  const updates: Envelope[] = [];
  for (const entry of entries) {
    const envelope = parseEnvelope(entry, channel);
    if (!envelope || envelope.seq !== since + updates.length + 1) return { recovered: false, updates: [], latest };
    updates.push(envelope);
  }
  return { recovered: true, updates, latest };
}
