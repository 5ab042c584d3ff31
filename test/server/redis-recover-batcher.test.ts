/**
 * The batching of watched channels' history reads (redis-recover-batcher.ts): the reads of one
 * event-loop turn are one batched read per `maxBatch` channels, each caller gets its own channel's
 * answer, and a failure stays with the channel it belongs to. The reads are plain functions that
 * record their calls (the Redis side is covered in test/cluster/redis-resync.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecoverRequest, Recovery } from '../../src/server/backend/types.js';
import { RecoverBatcher } from '../../src/server/backend/redis-recover-batcher.js';
import { WatchedChannel } from '../../src/server/backend/redis-watched-channel.js';

/** A recovery naming its channel and since in its latest envelope, so answers can be told apart. */
const answerFor = (channel: string, since: number): Recovery => ({
  recovered: true,
  updates: [],
  latest: { channel, seq: since, data: { since } },
});

/**
 * A batcher over a recording read; `failMany` fails every read of more than one channel as a whole,
 * `unreadable` channels are answered with their own error.
 */
function recordingBatcher(options: { maxBatch?: number; failMany?: boolean; unreadable?: string[] } = {}) {
  const many: string[][] = [];
  const batcher = new RecoverBatcher({
    maxBatch: options.maxBatch ?? 1_000,
    async readMany(requests: RecoverRequest[]) {
      many.push(requests.map(({ channel }) => channel));
      if (options.failMany && requests.length > 1) throw new Error('the batched read failed');
      return requests.map(({ channel, since }) => (options.unreadable?.includes(channel) ? new Error(`cannot read ${channel}`) : answerFor(channel, since)));
    },
  });
  return { batcher, many };
}

const names = (count: number) => Array.from({ length: count }, (_, i) => `c${i}`);

test('the reads of one turn are one batched read per maxBatch channels, and each caller gets its own answer', async () => {
  const { batcher, many } = recordingBatcher({ maxBatch: 1_000 });
  const channels = names(2_500);
  const answers = await Promise.all(channels.map((channel, i) => batcher.recover(channel, i)));
  assert.deepEqual(many.map((batch) => batch.length), [1_000, 1_000, 500]);
  assert.deepEqual(many.flat(), channels, 'every channel once, in order');
  assert.deepEqual(answers, channels.map((channel, i) => answerFor(channel, i)));
  // A read in a later turn is a read of its own.
  assert.deepEqual(await batcher.recover('late', 7), answerFor('late', 7));
  assert.deepEqual(many.at(-1), ['late']);
});

test('a batched read that fails as a whole: each channel is read on its own, and only the failing one is rejected', async () => {
  const { batcher, many } = recordingBatcher({ failMany: true, unreadable: ['c2'] });
  const settled = await Promise.allSettled(names(4).map((channel) => batcher.recover(channel, 1)));
  assert.deepEqual(many, [names(4), ...names(4).map((channel) => [channel])]);
  assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  assert.match(String((settled[2] as PromiseRejectedResult).reason), /cannot read c2/);
  assert.deepEqual((settled[3] as PromiseFulfilledResult<Recovery>).value, answerFor('c3', 1));
});

test('a channel the batched read could not read is rejected with the error it answered for it, without a read of its own; the others keep the batch\'s answers', async () => {
  const { batcher, many } = recordingBatcher({ unreadable: ['c1'] });
  const settled = await Promise.allSettled(names(3).map((channel) => batcher.recover(channel, 5)));
  assert.deepEqual(many, [names(3)]);
  assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.match(String((settled[1] as PromiseRejectedResult).reason), /cannot read c1/);
});

test('watched channels synced together read together, even one whose queue had a step finishing in the same turn', async () => {
  const { batcher, many } = recordingBatcher();
  const delivered: string[] = [];
  const watched = names(3).map((channel) => new WatchedChannel(channel, batcher, (e) => delivered.push(`${e.channel}@${e.seq}`), () => undefined));
  for (const w of watched.slice(0, 2)) w.start(Promise.resolve(1), 0);
  await new Promise((resolve) => setTimeout(resolve, 5));
  watched[2]!.start(Promise.resolve(1), 0); // still settling when the syncs below are issued
  await Promise.all(watched.map((w) => w.sync()));
  assert.deepEqual(many, [names(3)], 'one batched read');
  assert.deepEqual(delivered, [], 'nothing after seq 1 to deliver');
});
