/**
 * The Redis backend's reads that answer clients: the snapshots and recoveries of a WebSocket
 * `subscribe` and of `/v1/snapshot` (`latest`, `latestMany`, `recover`, `recoverMany`). While Redis
 * is away, or a read fails, they answer from what this node saw (degraded, never an error). A
 * channel Redis's ACL refuses the relay is the exception (redis-acl.ts): its keys refused, or its
 * SUBSCRIBE refused while it is watched (these reads wait until Redis answered the SUBSCRIBEs of
 * their channels, see redis-bus-subscriptions.ts), it gets its own `ChannelRefusedError`: a
 * many-channel read rejects with a `PartialReadError` holding every channel's answer, so that the
 * subscribe path serves the others and refuses that one. The backend runs these after its watch
 * baselines (redis-watch-batcher.ts); each is issued before it first awaits.
 */
import type { Redis } from 'ioredis';
import { PartialReadError } from './batched-reads.js';
import { ChannelRefusedError, readAllowed, type AclRefusals } from './redis-acl.js';
import type { BusSubscriptions } from './redis-bus-subscriptions.js';
import type { KnownEnvelopes } from './redis-envelopes.js';
import { UNREADABLE, type RedisScripts } from './redis-script-commands.js';
import { channelKeys } from './redis-scripts.js';
import { inBatches, type StrictReads } from './redis-strict-reads.js';
import type { Envelope, RecoverRequest, Recovery } from './types.js';

/** What the client reads work on: the backend's command connection and state. */
export interface ClientReadsOptions {
  command: Redis;
  scripts: RedisScripts;
  /** The newest envelope this node saw per channel: the answer while Redis is away. */
  known: KnownEnvelopes;
  strict: StrictReads;
  refusals: AclRefusals;
  buses: BusSubscriptions;
  prefix: string;
}

/** The reads of a backend's `ChannelBackend` methods of the same names (without the wait for baselines). */
export interface ClientReads {
  latest(channel: string): Promise<Envelope | null>;
  latestMany(channels: readonly string[]): Promise<Array<Envelope | null>>;
  recover(channel: string, since: number): Promise<Recovery>;
  recoverMany(requests: readonly RecoverRequest[]): Promise<Recovery[]>;
}

/** The client reads of the node whose command connection is `command`. */
export function createClientReads({ command, scripts, known, strict, refusals, buses, prefix }: ClientReadsOptions): ClientReads {
  const isReady = (): boolean => command.status === 'ready';
  const metaOf = (channel: string): string => channelKeys(prefix, channel).meta;
  const keyReads = { refusals, permission: 'keys', channelOf: (channel: string) => channel, refusedAnswer: (error: ChannelRefusedError) => error } as const;

  // Each answers a channel whose keys Redis's ACL refuses with its ChannelRefusedError (see `answered`).
  const latest = async (channel: string): Promise<Envelope | null | Error> => {
    if (!isReady()) return known.get(channel);
    try {
      const [text] = await readAllowed<string, string | null | Error>([channel], ([one]) => command.hget(metaOf(one!), 'last').then((last) => [last]), { ...keyReads, split: false });
      return text instanceof Error ? text : known.readLast(channel, text ?? null);
    } catch {
      return known.get(channel);
    }
  };

  const latestMany = async (channels: readonly string[]): Promise<Array<Envelope | null | Error>> => {
    const fromKnown = (): Array<Envelope | null> => channels.map((channel) => known.get(channel));
    if (channels.length === 0) return [];
    if (!isReady()) return fromKnown();
    let texts: Array<string | null | typeof UNREADABLE | ChannelRefusedError>;
    try {
      // Issued before the first await: after the watch baselines (the caller waits until they are sent).
      texts = await inBatches(channels, (batch) => readAllowed<string, string | null | typeof UNREADABLE | ChannelRefusedError>(batch, (keys) => scripts.latestMany(keys.map(metaOf)), { ...keyReads, split: true }));
    } catch {
      return fromKnown(); // as `latest` does when its read fails
    }
    return channels.map((channel, index) => {
      const text = texts[index];
      return text instanceof Error ? text : text === UNREADABLE ? known.get(channel) : known.readLast(channel, text ?? null);
    });
  };

  const recover = async (channel: string, since: number): Promise<Recovery | Error> => {
    try {
      return await strict.recover(channel, since);
    } catch (error) {
      // degraded: answer from what this node saw
      return error instanceof ChannelRefusedError ? error : known.recovery(channel, since);
    }
  };

  const recoverMany = async (requests: readonly RecoverRequest[]): Promise<Array<Recovery | Error>> => {
    const fromKnown = (): Recovery[] => requests.map(({ channel, since }) => known.recovery(channel, since));
    if (requests.length === 0) return [];
    if (!isReady()) return fromKnown();
    let answers: Array<Recovery | Error>;
    try {
      // Issued before the first await: after the watch baselines (the caller waits until they are sent).
      answers = await inBatches(requests, strict.recoverMany);
    } catch {
      return fromKnown(); // as `recover` does when its read fails
    }
    return answers.map((answer, index) => {
      const { channel, since } = requests[index]!;
      return answer instanceof ChannelRefusedError || !(answer instanceof Error) ? answer : known.recovery(channel, since);
    });
  };

  /**
   * What a read answered for `channels`, with the refusal of each channel whose SUBSCRIBE Redis
   * refused (waiting, when a SUBSCRIBE is still unanswered): rejects with a PartialReadError when a
   * channel failed (with that channel's own error when it is the only one read).
   */
  const answered = async <R>(channels: readonly string[], read: Promise<Array<R | Error>>): Promise<R[]> => {
    const [answers, subscribeRefusals] = await Promise.all([read, buses.refusalsOf(channels)]);
    const each = subscribeRefusals ? answers.map((answer, index) => subscribeRefusals[index] ?? answer) : answers;
    if (!each.some((answer) => answer instanceof Error)) return each as R[];
    throw each.length === 1 ? each[0] : new PartialReadError<R>(each);
  };

  return {
    latest: (channel) => answered([channel], latest(channel).then((one) => [one])).then(([one]) => one ?? null),
    latestMany: (channels) => answered(channels, latestMany(channels)),
    recover: (channel, since) => answered([channel], recover(channel, since).then((one) => [one])).then(([one]) => one!),
    recoverMany: (requests) => answered(requests.map(({ channel }) => channel), recoverMany(requests)),
  };
}
