/**
 * A node watching many channels gets back in sync in a few Redis commands: after its subscriber
 * connection drops and comes back, the catch-up reads of all its watched channels are one
 * recover-many script per 1,000 channels (not one script per channel), and every channel still
 * gets each update published meanwhile once, in order. Gap fills of many channels at once (messages
 * missed on pub/sub) still deliver in order. Its own redis-server (it limits its clients);
 * MONITOR shows what the nodes send.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import { RECOVER_MANY_SCRIPT } from '../../src/server/backend/redis-scripts.js';
import type { ChannelBackend, Envelope } from '../../src/server/backend/types.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { busesSubscribed, commandsDuring, isScriptCall, publishRound, quietLogger, scriptKeys, sentByClients, seqsOf, tick, twoNodes, uniquePrefix, waitFor } from './helpers.js';

if (SKIP_REASON) console.log(`# skipping Redis resync tests: ${SKIP_REASON}`);


/** One command as MONITOR showed it. */
type Seen = string[];

/** The recover script (one channel or many). */
const isRecoverCall = (args: Seen) => isScriptCall(args, RECOVER_MANY_SCRIPT);
/** How many channels a recover call reads: its key count / 2. */
const channelsRead = (args: Seen) => scriptKeys(args).length / 2;


describe('Redis backend: catching up many watched channels', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();
  let raw: Redis;

  before(async () => {
    raw = new Redis(redis.url);
    await raw.script('LOAD', RECOVER_MANY_SCRIPT);
  });
  after(() => raw?.disconnect()); // the server may already be stopped (its own after hook)

  /** Node A publishes, node B watches `count` channels (each published once before the watch, once after). */
  async function watchingNode(count: number): Promise<{ a: ChannelBackend; b: ChannelBackend; received: Envelope[]; channels: string[]; prefix: string }> {
    const { a, b, received, channels, prefix } = await twoNodes(redis.url, open, count, 'S');
    for (const channel of channels) b.watch(channel);
    await busesSubscribed(raw, prefix, channels);
    await publishRound(a, channels, 2);
    await waitFor('seq 2 of every channel on B', () => received.length === count);
    return { a, b, received, channels, prefix };
  }

  /** Drops B's subscriber connection and keeps it away (Redis refuses new connections) while `meanwhile` runs. */
  async function subscriberAway(b: ChannelBackend, meanwhile: () => Promise<void>): Promise<void> {
    const clients = Number(/connected_clients:(\d+)/.exec(await raw.info('clients'))?.[1]);
    await raw.config('SET', 'maxclients', String(clients - 1));
    try {
      await raw.call('CLIENT', 'KILL', 'TYPE', 'pubsub'); // B's subscriber (A's never subscribed)
      await waitFor('B degraded', () => b.health() === 'degraded');
      await meanwhile();
    } finally {
      await raw.config('SET', 'maxclients', '10000');
    }
  }

  test('1,500 watched channels after the subscriber connection drops: every update published meanwhile, once, in order, read in 2 recover scripts', async () => {
    const { a, b, received, channels } = await watchingNode(1_500);
    const commands = sentByClients(await commandsDuring(redis.url, async () => {
      await subscriberAway(b, async () => {
        await publishRound(a, channels, 3);
        await publishRound(a, channels, 4);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(received.length, 1_500, 'nothing reached B while its subscriber was away');
      });
      await waitFor('B ok again', () => b.health() === 'ok', 20_000);
      await waitFor('every missed update on B', () => received.length === 1_500 * 3);
    }));
    const recovers = commands.filter(isRecoverCall);
    assert.ok(recovers.length <= 2, `the resync of 1,500 channels took ${recovers.length} recover script calls`);
    assert.equal(recovers.reduce((sum, args) => sum + channelsRead(args), 0), 1_500, 'together they read every watched channel');
    await publishRound(a, channels, 5); // and pub/sub flows again
    await waitFor('seq 5 of every channel on B', () => received.length === 1_500 * 4);
    await new Promise((resolve) => setTimeout(resolve, 100)); // a duplicate would arrive now
    for (const channel of channels) {
      assert.deepEqual(seqsOf(received, channel), [2, 3, 4, 5], `${channel}: each seq once, in order`);
      assert.deepEqual(received.filter((e) => e.channel === channel).map((e) => e.data.price), [2, 3, 4, 5], `${channel}: its data`);
    }
  });

  test('gaps on 200 channels at once (an update each missed on pub/sub): each filled from history before the next update, in order', async () => {
    const { a, received, channels, prefix } = await watchingNode(200);
    // Store seq 3 of every channel the way the publish script does, but without PUBLISH: B misses it.
    const pipeline = raw.pipeline();
    for (const channel of channels) {
      const envelope = JSON.stringify({ channel, seq: 3, data: tick(channel, 3) });
      pipeline.hset(`${prefix}{${channel}}:meta`, 'seq', 3, 'last', envelope).rpush(`${prefix}{${channel}}:hist`, envelope);
    }
    await pipeline.exec();
    const commands = sentByClients(await commandsDuring(redis.url, async () => {
      await Promise.all(channels.map((channel) => a.publish(channel, tick(channel, 4)))); // seq 4 reveals each gap
      await waitFor('seq 4 of every channel on B', () => channels.every((channel) => seqsOf(received, channel).at(-1) === 4));
    }));
    await new Promise((resolve) => setTimeout(resolve, 100)); // a duplicate would arrive now
    for (const channel of channels) {
      assert.deepEqual(seqsOf(received, channel), [2, 3, 4], `${channel}: the missed seq 3 before 4`);
      assert.deepEqual(received.filter((e) => e.channel === channel).map((e) => e.data.price), [2, 3, 4]);
    }
    const recovers = commands.filter(isRecoverCall);
    assert.equal(recovers.reduce((sum, args) => sum + channelsRead(args), 0), 200, 'one history read per gap');
    // Not one script per gap (that was 200): the fills of messages that arrive together go together.
    assert.ok(recovers.length < 50, `the 200 fills went together (${recovers.length} recover script calls)`);
  });

  test('a watched channel Redis cannot read (a foreign value under its key) does not hold up the others, nor keep the node degraded; it is reported once, read again with a growing delay, and heals when its keys are fixed', async () => {
    const { a, b, received, channels, prefix } = await watchingNode(20);
    const foreign = 'price:FOREIGN';
    await raw.set(`${prefix}{${foreign}}:meta`, 'not a hash');
    b.watch(foreign);
    await waitFor('B subscribed to the foreign channel too', async () => ((await raw.pubsub('NUMSUB', `${prefix}bus:${foreign}`)) as [string, number])[1] === 1);
    await subscriberAway(b, () => publishRound(a, channels, 3));
    await waitFor('seq 3 of every readable channel on B', () => received.length === 20 * 2, 20_000);
    for (const channel of channels) assert.deepEqual(seqsOf(received, channel), [2, 3], channel);
    assert.deepEqual(seqsOf(received, foreign), []);
    // The node serves its other channels in sync: healthy, and it does not resync everything every second.
    await waitFor('B ok with one unreadable channel', () => b.health() === 'ok', 10_000);
    const seen = sentByClients(await commandsDuring(redis.url, () => new Promise((resolve) => setTimeout(resolve, 3_500))));
    // Only this test's nodes (the earlier tests' nodes, still open, lost their subscribers too and resync now).
    const ours = seen.filter((args) => args.some((arg) => arg.startsWith(prefix)));
    const fromB = ours.filter(isRecoverCall);
    assert.equal(ours.filter((args) => args[0]?.toLowerCase() === 'subscribe').length, 0, 'no re-SUBSCRIBE of every channel');
    assert.ok(fromB.length <= 2, `the unreadable channel read again ${fromB.length} times in 3.5 s (a growing delay)`);
    assert.ok(fromB.every((args) => channelsRead(args) === 1), 'only the unreadable channel is read again');
    assert.equal(b.health(), 'ok');
    // Fixed by an operator: the next publish reaches B, and B reads the channel normally again.
    await raw.del(`${prefix}{${foreign}}:meta`);
    await a.publish(foreign, tick(foreign, 1));
    await waitFor('the healed channel delivers', () => seqsOf(received, foreign).length === 1, 10_000);
    assert.deepEqual(seqsOf(received, foreign), [1]);
  });

  test('a channel Redis cannot read is forgotten once unwatched: watched again while still unreadable, it is reported again, as a new watch', async () => {
    const prefix = uniquePrefix();
    const logger = quietLogger();
    const b = await createRedisBackend({ url: redis.url, keyPrefix: prefix, logger });
    open.push(b);
    const foreign = 'price:FORGOTTEN';
    await raw.set(`${prefix}{${foreign}}:meta`, 'not a hash');
    const reports = () => logger.lines.filter((line) => line.includes(`Redis cannot read ${foreign}'s keys`)).length;
    b.watch(foreign);
    await waitFor('the unreadable channel reported', () => reports() === 1, 10_000);
    assert.match(logger.lines.find((line) => line.includes(`Redis cannot read ${foreign}'s keys`))!, /WRONGTYPE/, 'the report names Redis\'s reason');
    b.unwatch(foreign);
    await new Promise((resolve) => setTimeout(resolve, 50));
    b.watch(foreign);
    // Remembered, it would stay silent (reported once) and be read again only after its grown delay.
    await waitFor('the channel reported again for its new watch', () => reports() === 2, 5_000);
    assert.equal(b.health(), 'ok', 'still no reason to be degraded');
  });
});
