/** Builds the core's client frames, split to the protocol's per-frame channel limit. */
import { MAX_CHANNELS_PER_FRAME } from '../../protocol/index.js';
import type { SubscribeMessage, UnsubscribeMessage } from '../../protocol/index.js';

/** `channels` in runs of at most the protocol's per-frame limit (frames, snapshot URLs). */
export const channelChunks = (channels: readonly string[]): string[][] => {
  const out: string[][] = [];
  for (let i = 0; i < channels.length; i += MAX_CHANNELS_PER_FRAME) out.push(channels.slice(i, i + MAX_CHANNELS_PER_FRAME));
  return out;
};

/**
 * `subscribe` frames for `channels`, each with the `since` of its channels that have one, and the
 * relay `epoch` those seqs come from when known.
 */
export function subscribeFrames(channels: string[], since: (chunk: string[]) => Record<string, number>, nextId: () => number, epoch?: string): SubscribeMessage[] {
  return channelChunks(channels).map((chunk) => {
    const frame: SubscribeMessage = { type: 'subscribe', id: nextId(), channels: chunk };
    const positions = since(chunk);
    if (Object.keys(positions).length > 0) {
      frame.since = positions;
      if (epoch !== undefined) frame.epoch = epoch;
    }
    return frame;
  });
}

/** `unsubscribe` frames for `channels`. */
export function unsubscribeFrames(channels: string[], nextId: () => number): UnsubscribeMessage[] {
  return channelChunks(channels).map((chunk) => ({ type: 'unsubscribe', id: nextId(), channels: chunk }));
}
