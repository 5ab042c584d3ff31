/**
 * The Redis backend's history reads straight from Redis, for ordered delivery: they reject when
 * Redis is away (a watched channel must wait for Redis's answer, never take this node's memory for
 * it) and note each answer's last value as seen. Up to {@link CHANNELS_PER_SCRIPT} channels in one
 * recover-many script (`recoverMany`), one channel (`recover`: the same script with one channel),
 * and the watched channels' reader, which sends the reads of one event-loop turn together (see
 * redis-recover-batcher.ts).
 */
import type { Redis } from 'ioredis';
import { BackendUnavailableError, type RecoverRequest, type Recovery } from './types.js';
import type { KnownEnvelopes } from './redis-envelopes.js';
import { readAllowed, type AclRefusals, type ChannelRefusedError } from './redis-acl.js';
import { RecoverBatcher } from './redis-recover-batcher.js';
import type { RedisScripts } from './redis-script-commands.js';
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
 * relay's data (another type under the key, a seq that is not a number). Only this channel is
 * affected; retrying soon will not help until its keys are fixed or a publish rewrites them.
 */
export class ChannelUnreadableError extends Error {
  constructor(readonly channel: string, reason: string) {
    super(`Redis cannot read ${channel}'s keys: ${reason}`);
    this.name = 'ChannelUnreadableError';
  }
}

/** Reads that reject with `BackendUnavailableError` when the command connection is not ready. */
export interface StrictReads {
  /**
   * One channel's recovery (the recover-many script with one channel); `ChannelUnreadableError` when
   * Redis cannot read its keys, `ChannelRefusedError` when its ACL refuses them to the relay.
   */
  recover(channel: string, since: number): Promise<Recovery>;
  /**
   * The recover-many script for up to CHANNELS_PER_SCRIPT channels, in order: a
   * `ChannelUnreadableError` for a channel whose keys Redis could not read, a `ChannelRefusedError`
   * for one whose keys Redis's ACL refuses the relay (a script Redis refuses as a whole is sent
   * again per channel; a channel refused lately is not asked, see redis-acl.ts). Rejects as a whole
   * on other failures. Issued before it first awaits.
   */
  recoverMany(requests: readonly RecoverRequest[]): Promise<Array<Recovery | ChannelUnreadableError | ChannelRefusedError>>;
  /** What the watched channels read history through: `recover`, batched per event-loop turn. */
  watchedReader: ChannelReader;
}

/** The strict reads of the node whose command connection is `command`; `refusals`: what Redis's ACL refused it. */
export function createStrictReads(command: Redis, scripts: RedisScripts, known: KnownEnvelopes, prefix: string, refusals: AclRefusals): StrictReads {
  const readScript = async (requests: RecoverRequest[]): Promise<Array<Recovery | ChannelUnreadableError>> => {
    const answers = await scripts.recoverMany(requests.map(({ channel, since }) => ({ channel, since, keys: channelKeys(prefix, channel) })));
    return answers.map((answer, index) => {
      if ('unusable' in answer) return new ChannelUnreadableError(requests[index]!.channel, answer.unusable);
      known.note(answer.latest);
      return answer;
    });
  };
  const recoverMany = (requests: readonly RecoverRequest[]): Promise<Array<Recovery | ChannelUnreadableError | ChannelRefusedError>> => {
    if (command.status !== 'ready') return Promise.reject(new BackendUnavailableError('Redis is unavailable'));
    return readAllowed<RecoverRequest, Recovery | ChannelUnreadableError | ChannelRefusedError>(requests, readScript, {
      refusals, permission: 'keys', channelOf: ({ channel }) => channel, refusedAnswer: (error) => error, split: true,
    });
  };
  const recover = async (channel: string, since: number): Promise<Recovery> => {
    const [answer] = await recoverMany([{ channel, since }]);
    if (!answer) throw new Error('Redis returned no recovery');
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const watchedReader = new RecoverBatcher({ readMany: recoverMany, maxBatch: CHANNELS_PER_SCRIPT });
  return { recover, recoverMany, watchedReader };
}
