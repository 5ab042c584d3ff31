/**
 * The latest values of several channels from any backend: its `latestMany` when it has one (one
 * read for all of them), else `latest` per channel, for backends of your own that predate it.
 */
import type { ChannelBackend, Envelope } from './types.js';

/**
 * Latest value of each of `channels`, in order; null for a channel without one.
 * @example
 * const [btc, eth] = await readLatest(backend, ['price:BTC-USD', 'price:ETH-USD']);
 */
export function readLatest(backend: ChannelBackend, channels: readonly string[]): Promise<Array<Envelope | null>> {
  if (typeof backend.latestMany === 'function') return backend.latestMany(channels);
  return Promise.all(channels.map((channel) => backend.latest(channel)));
}
