/**
 * A node that starts watching many channels in one event-loop turn (many clients subscribing to
 * channels new to it, or coming back after a restart) sends Redis a few commands, not a few per
 * channel: its baselines are one read per 1,000 channels and its SUBSCRIBEs one command per 1,000
 * channels. Every channel still delivers each update after the snapshot a client read once, in
 * order, even while another node publishes during the watch. Real redis-server; MONITOR shows what
 * the nodes send.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { HASH_FIELD_MANY_SCRIPT, PUBLISH_SCRIPT, RECOVER_MANY_SCRIPT } from '../../src/server/backend/redis-scripts.js';
import type { Envelope } from '../../src/server/backend/types.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { busesSubscribed, commandsDuring, isScriptCall, publishRound, range, scriptKeys, sentByClients, seqsOf, twoNodes, waitFor } from './helpers.js';

if (SKIP_REASON) console.log(`# skipping Redis watch tests: ${SKIP_REASON}`);

const nameOf = (args: string[]) => args[0]?.toLowerCase();
/** A baseline read: an HGET of a channel's seq, or the hash-field script reading the seqs of many. */
const isBaselineRead = (args: string[]) => (nameOf(args) === 'hget' && args[2] === 'seq') || (isScriptCall(args, HASH_FIELD_MANY_SCRIPT) && args.at(-1) === 'seq');
/** A snapshot read: the hash-field script reading the last values of many channels. */
const isSnapshotRead = (args: string[]) => isScriptCall(args, HASH_FIELD_MANY_SCRIPT) && args.at(-1) === 'last';
/** A catch-up read from history: the recover script. */
const isCatchUpRead = (args: string[]) => isScriptCall(args, RECOVER_MANY_SCRIPT);
/** Any command that reads a channel's keys (publishes left out). */
const isRead = (args: string[]) => !isScriptCall(args, PUBLISH_SCRIPT) && ['hget', 'hmget', 'lrange', 'llen', 'eval', 'evalsha'].includes(nameOf(args) ?? '');

describe('Redis backend: watching many channels in one turn', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();
  let raw: Redis;

  before(() => {
    raw = new Redis(redis.url);
  });
  after(() => raw?.disconnect());

  const twoWatchNodes = (count: number) => twoNodes(redis.url, open, count, 'W');
  const subscribed = (prefix: string, channels: string[]) => busesSubscribed(raw, prefix, channels);

  test('1,500 channels watched in one turn: at most 2 SUBSCRIBEs and 2 baseline reads, then each channel delivers every publish from another node once, in order', async () => {
    const { a, b, received, channels, prefix } = await twoWatchNodes(1_500);
    const commands = sentByClients(await commandsDuring(redis.url, async () => {
      for (const channel of channels) b.watch(channel);
      await subscribed(prefix, channels);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the catch-up reads after SUBSCRIBE
    })).filter((args) => args.some((arg) => arg.includes(prefix)));
    const subscribes = commands.filter((args) => nameOf(args) === 'subscribe');
    const baselines = commands.filter(isBaselineRead);
    const catchUps = commands.filter(isCatchUpRead);
    assert.ok(subscribes.length <= 2, `${subscribes.length} SUBSCRIBE commands for 1,500 channels`);
    assert.equal(subscribes.reduce((sum, args) => sum + args.length - 1, 0), 1_500, 'together they subscribe every channel');
    assert.ok(baselines.length <= 2, `${baselines.length} baseline reads for 1,500 channels`);
    assert.ok(catchUps.length <= 2, `${catchUps.length} catch-up reads for 1,500 channels`);
    assert.equal(commands.filter(isRead).length, baselines.length + catchUps.length, 'no other read');
    assert.equal(received.length, 0, 'nothing was published since the baselines: nothing delivered');

    await publishRound(a, channels, 2);
    await publishRound(a, channels, 3);
    await waitFor('seq 3 of every channel on B', () => received.length === 1_500 * 2);
    await new Promise((resolve) => setTimeout(resolve, 100)); // a duplicate would arrive now
    for (const channel of channels) {
      assert.deepEqual(seqsOf(received, channel), [2, 3], `${channel}: each seq once, in order`);
      assert.deepEqual(received.filter((e) => e.channel === channel).map((e) => e.data.price), [2, 3], `${channel}: its data`);
    }
  });

  test('publishes landing while 1,500 channels are watched in one turn: after the snapshot read right after the watches, every update once, in order, no gap', async () => {
    const { a, b, received, channels, prefix } = await twoWatchNodes(1_500);
    let snapshots: Array<Envelope | null> = [];
    const commands = sentByClients(await commandsDuring(redis.url, async () => {
      const publishing = (async () => {
        for (let round = 2; round <= 5; round++) await publishRound(a, channels, round);
      })();
      await new Promise((resolve) => setTimeout(resolve, 30)); // some of round 2 is in Redis already
      for (const channel of channels) b.watch(channel);
      const snapshot = b.latestMany!(channels); // as a subscribe frame reads it, in the watches' tick
      await publishing;
      snapshots = await snapshot;
      await waitFor('seq 5 of every channel on B', () => channels.every((channel) => seqsOf(received, channel).at(-1) === 5));
    })).filter((args) => args.some((arg) => arg.includes(prefix)));
    await new Promise((resolve) => setTimeout(resolve, 100)); // a duplicate would arrive now
    for (const [i, channel] of channels.entries()) {
      const seqs = seqsOf(received, channel);
      const from = snapshots[i]?.seq ?? 0;
      assert.deepEqual(seqs.filter((seq) => seq > from), range(from + 1, 5), `${channel}: every update after its snapshot (seq ${from}), once, in order`);
      assert.deepEqual(seqs, range(seqs[0] ?? 0, 5), `${channel}: no duplicate and no gap on the node`);
    }
    // The baselines went to Redis before the snapshot read, on the same connection: that is what
    // keeps anything published in between from being lost.
    const snapshotAt = commands.findIndex(isSnapshotRead);
    const baselines = commands.map((args, index) => ({ args, index })).filter(({ args }) => isBaselineRead(args));
    assert.ok(baselines.length <= 2, `${baselines.length} baseline reads for 1,500 channels`);
    assert.equal(baselines.reduce((sum, { args }) => sum + (nameOf(args) === 'hget' ? 1 : scriptKeys(args).length), 0), 1_500, 'every channel\'s baseline');
    assert.ok(snapshotAt >= 0 && baselines.every(({ index }) => index < snapshotAt), 'every baseline read before the snapshot read');
  });

  test('a channel whose seq Redis cannot read does not fail the baselines of the channels watched with it', async () => {
    const { a, b, received, channels, prefix } = await twoWatchNodes(50);
    const foreign = 'price:WFOREIGN';
    await raw.hset(`${prefix}{${foreign}}:meta`, 'seq', 'not a number');
    for (const channel of [...channels.slice(0, 25), foreign, ...channels.slice(25)]) b.watch(channel);
    await subscribed(prefix, [...channels, foreign]);
    await publishRound(a, channels, 2);
    await waitFor('seq 2 of every readable channel on B', () => received.length === 50);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const channel of channels) assert.deepEqual(seqsOf(received, channel), [2], channel);
    assert.equal(b.health(), 'ok');
  });

  test('a channel watched, unwatched and watched again in one turn stays subscribed and delivers', async () => {
    const { a, b, received, channels, prefix } = await twoWatchNodes(3);
    for (const channel of channels) b.watch(channel);
    await subscribed(prefix, channels);
    b.unwatch(channels[0]!); // already subscribed: unwatched and watched again in one turn
    b.watch(channels[0]!);
    b.watch(channels[1]!); // already watched: nothing to do
    b.unwatch(channels[2]!); // unwatched for good
    await new Promise((resolve) => setTimeout(resolve, 100));
    const counts = (await raw.pubsub('NUMSUB', ...channels.map((channel) => `${prefix}bus:${channel}`))) as Array<string | number>;
    assert.deepEqual(counts.filter((_, i) => i % 2 === 1).map(Number), [1, 1, 0]);
    await publishRound(a, channels, 2);
    await waitFor('seq 2 of the watched channels', () => received.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(channels.map((channel) => seqsOf(received, channel)), [[2], [2], []]);
  });
});
