/**
 * Reads of several channels from any backend in one call where it can: its `latestMany` or
 * `recoverMany` (one Redis round trip for all of them), else `latest` or `recover` per channel,
 * for backends of your own that predate them. Used by the WebSocket subscribe path and
 * `/v1/snapshot`.
 */
import type { ChannelBackend, Envelope, RecoverRequest, Recovery } from './types.js';

/**
 * What a backend's `latestMany` or `recoverMany` rejects with when it read some channels but not
 * others (the Redis backend: channels Redis's ACL refuses the relay): each channel's answer or
 * error, in order, so that only the channels that failed get an error, without reading the rest
 * again. Its message is the first error's.
 */
export class PartialReadError<T> extends Error {
  constructor(readonly answers: Array<T | Error>) {
    super(answers.find((answer): answer is Error => answer instanceof Error)?.message ?? 'some channels could not be read');
    this.name = 'PartialReadError';
  }
}

/**
 * Latest value of each of `channels`, in order; null for a channel without one. Rejects with the
 * first channel's error when a channel cannot be read.
 * @example
 * const [btc, eth] = await readLatest(backend, ['price:BTC-USD', 'price:ETH-USD']);
 */
export async function readLatest(backend: ChannelBackend, channels: readonly string[]): Promise<Array<Envelope | null>> {
  const values = await readLatestEach(backend, channels);
  for (const value of values) if (value instanceof Error) throw value;
  return values as Array<Envelope | null>;
}

/**
 * The last values of `channels`, in order, each a value or the error its read failed with. One
 * backend call (`latestMany`) when the backend has it; when it has not, or that call fails as a
 * whole or answers another number of values, one `latest` per channel, so that a channel that
 * cannot be read gets its own error and the others their values (a {@link PartialReadError} of the
 * right length is taken as those answers, without reading again). Every first read is issued
 * before this returns (in the caller's tick).
 */
export async function readLatestEach(backend: ChannelBackend, channels: readonly string[]): Promise<Array<Envelope | null | Error>> {
  if (channels.length === 0) return [];
  if (typeof backend.latestMany === 'function') {
    const values = await settle(() => backend.latestMany!(channels));
    if (Array.isArray(values) && values.length === channels.length) return values;
    if (values instanceof PartialReadError && values.answers.length === channels.length) return values.answers as Array<Envelope | null | Error>;
  }
  return Promise.all(channels.map((channel) => settle(() => backend.latest(channel))));
}

/**
 * What `recover` answers for each request, in order, each a recovery or the error it failed with:
 * one backend call (`recoverMany`) when the backend has it; when it has not, or that call fails as
 * a whole or answers another number of recoveries, one `recover` per channel, so that only a
 * channel that cannot be read gets its error (a {@link PartialReadError} of the right length is
 * taken as those answers). Every first read is issued before this returns.
 */
export async function recoverEach(backend: ChannelBackend, requests: readonly RecoverRequest[]): Promise<Array<Recovery | Error>> {
  if (requests.length === 0) return [];
  if (typeof backend.recoverMany === 'function') {
    const recoveries = await settle(() => backend.recoverMany!(requests));
    if (Array.isArray(recoveries) && recoveries.length === requests.length) return recoveries;
    if (recoveries instanceof PartialReadError && recoveries.answers.length === requests.length) return recoveries.answers as Array<Recovery | Error>;
  }
  return Promise.all(requests.map(({ channel, since }) => settle(() => backend.recover(channel, since))));
}

/** What `read` resolves with, or the error it failed with (thrown at once or rejected). */
async function settle<T>(read: () => Promise<T>): Promise<T | Error> {
  try {
    return await read();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
