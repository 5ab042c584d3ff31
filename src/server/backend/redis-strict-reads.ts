/**
 * The Redis backend's history reads straight from Redis, for ordered delivery: they reject when
 * Redis is away (a watched channel must wait for Redis's answer, never take this node's memory for
 * it) and note each answer's last value as seen. One channel (`recover`), up to
 * {@link CHANNELS_PER_SCRIPT} in one script (`recoverMany`), and the watched channels' reader,
 * which sends the reads of one event-loop turn together (see redis-recover-batcher.ts).
 */
import { ReplyError, type Redis } from 'ioredis';
import { BackendUnavailableError, type RecoverRequest, type Recovery } from './types.js';
import type { KnownEnvelopes } from './redis-envelopes.js';
import { RecoverBatcher } from './redis-recover-batcher.js';
import { UNREADABLE, type RedisScripts } from './redis-script-commands.js';
import { channelKeys } from './redis-scripts.js';
import type { ChannelReader } from './redis-watched-channel.js';

/** Channels per latest-values or recover-many script: one call stays short for Redis, which runs nothing else meanwhile. */
export const CHANNELS_PER_SCRIPT = 1_000;

/** `items` in slices of CHANNELS_PER_SCRIPT, each mapped by `read` (one script call each, all issued now), flattened back in order. */
export async function inBatches<T, R>(items: readonly T[], read: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const batches: Array<Promise<R[]>> = [];
  for (let start = 0; start < items.length; start += CHANNELS_PER_SCRIPT) batches.push(read(items.slice(start, start + CHANNELS_PER_SCRIPT)));
  return (await Promise.all(batches)).flat();
}

/**
 * Redis answered, but could not read this channel's keys: they hold something else than the
 * relay's data (another type under the key, fields a script cannot use). Only this channel is
 * affected; retrying soon will not help until its keys are fixed or a publish rewrites them.
 */
export class ChannelUnreadableError extends Error {
  constructor(readonly channel: string, options: { cause: unknown }) {
    super(`Redis cannot read ${channel}'s keys: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
    this.name = 'ChannelUnreadableError';
  }
}

/** A Redis error reply about the data under the keys (WRONGTYPE, or a script failing on what it read). */
const isDataError = (error: unknown): boolean => error instanceof ReplyError && /^WRONGTYPE\b|user_script/.test((error as Error).message);

/** Reads that reject with `BackendUnavailableError` when the command connection is not ready. */
export interface StrictReads {
  /** The recover script for one channel; `ChannelUnreadableError` when Redis cannot read its keys. */
  recover(channel: string, since: number): Promise<Recovery>;
  /**
   * The recover-many script for up to CHANNELS_PER_SCRIPT channels, in order: `UNREADABLE` for a
   * channel whose keys Redis could not read. Rejects as a whole. Issued before it first awaits.
   */
  recoverMany(requests: readonly RecoverRequest[]): Promise<Array<Recovery | typeof UNREADABLE>>;
  /** What the watched channels read history through: `recover`, batched per event-loop turn. */
  watchedReader: ChannelReader;
}

/** The strict reads of the node whose command connection is `command`. */
export function createStrictReads(command: Redis, scripts: RedisScripts, known: KnownEnvelopes, prefix: string): StrictReads {
  const unavailable = (): boolean => command.status !== 'ready';
  const recover = async (channel: string, since: number): Promise<Recovery> => {
    if (unavailable()) throw new BackendUnavailableError('Redis is unavailable');
    const reply = await scripts.recover(channelKeys(prefix, channel), channel, since).catch((error: unknown) => {
      throw isDataError(error) ? new ChannelUnreadableError(channel, { cause: error }) : error;
    });
    known.note(reply.latest);
    return reply;
  };
  const recoverMany = async (requests: readonly RecoverRequest[]): Promise<Array<Recovery | typeof UNREADABLE>> => {
    if (unavailable()) throw new BackendUnavailableError('Redis is unavailable');
    const answers = await scripts.recoverMany(requests.map(({ channel, since }) => ({ channel, since, keys: channelKeys(prefix, channel) })));
    for (const answer of answers) if (answer !== UNREADABLE) known.note(answer.latest);
    return answers;
  };
  const watchedReader = new RecoverBatcher({ readMany: recoverMany, readOne: recover, maxBatch: CHANNELS_PER_SCRIPT });
  return { recover, recoverMany, watchedReader };
}
