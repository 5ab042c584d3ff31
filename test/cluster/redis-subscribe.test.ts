/**
 * A WebSocket `subscribe` of many channels on the Redis backend: the channels' last values are
 * read in one Redis command (the latest-values script), not one HGET per channel, and every
 * channel still gets its correct snapshot and continues with no gap while publishes land during
 * the subscribe. A resume with `since` (every channel of a reconnecting client) is one Redis command
 * too (the recover-many script), and brings exactly the missed updates. Two relay nodes on one real
 * redis-server; MONITOR shows what a node sends.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { ServerMessage, SnapshotMessage, UpdateMessage } from '../../src/protocol/index.js';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import { HASH_FIELD_MANY_SCRIPT, RECOVER_MANY_SCRIPT } from '../../src/server/backend/redis-scripts.js';
import type { ChannelBackend } from '../../src/server/backend/types.js';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { commandsDuring, isScriptCall, quietLogger, range, scriptKeys, uniquePrefix, waitFor, type MonitoredCommand } from './helpers.js';
import { openClient, type ClusterClient } from './ws-client.js';

if (SKIP_REASON) console.log(`# skipping Redis subscribe tests: ${SKIP_REASON}`);

const tick = (symbol: string, price: number) => ({ symbol, price, ts: 1_700_000_000_000 + price });

type Seen = MonitoredCommand;

/** The commands clients sent while `during` runs (scripts' own left out). */
async function clientCommandsDuring(url: string, during: () => Promise<void>): Promise<Seen[]> {
  return (await commandsDuring(url, during)).filter((entry) => entry.source !== 'lua');
}

const isLatestManyCall = (entry: Seen) => entry.args[0]?.toLowerCase() === 'evalsha' && isScriptCall(entry.args, HASH_FIELD_MANY_SCRIPT) && entry.args.at(-1) === 'last';
/** A watch baseline read: the hash-field script reading `seq` of the channels watched in one turn. */
const isBaselineRead = (entry: Seen) => isScriptCall(entry.args, HASH_FIELD_MANY_SCRIPT) && entry.args.at(-1) === 'seq';
/** The recover-many script: EVAL with its text the first time a connection runs it (ioredis), EVALSHA after. */
const isRecoverManyCall = (entry: Seen) => isScriptCall(entry.args, RECOVER_MANY_SCRIPT);
const isLastValueHget = (entry: Seen) => entry.args[0]?.toLowerCase() === 'hget' && entry.args[2] === 'last';
const snapshotsOf = (received: ServerMessage[]) => received.filter((m): m is SnapshotMessage => m.type === 'snapshot');

describe('WebSocket subscribe of many channels on Redis', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();
  let prefix: string;
  let backends: ChannelBackend[];
  let nodes: Relay[];
  let raw: Redis;
  const clients: ClusterClient[] = [];

  before(async () => {
    prefix = uniquePrefix();
    backends = await Promise.all([0, 1].map(() => createRedisBackend({ url: redis.url, keyPrefix: prefix, logger: quietLogger() })));
    nodes = await Promise.all(backends.map((backend) => createRelay({ port: 0, host: '127.0.0.1', backend, simulate: false, quiet: true })));
    open.push(...nodes, ...backends); // relays first: they do not close backends passed in
    raw = new Redis(redis.url);
    await raw.script('LOAD', HASH_FIELD_MANY_SCRIPT); // so that a call is one EVALSHA (no NOSCRIPT, then EVAL)
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await raw?.quit();
  });

  async function client(relay: Relay): Promise<ClusterClient> {
    const opened = await openClient(relay.wsUrl);
    clients.push(opened);
    return opened;
  }

  /** `count` channels published on node A, channel i with i + 1 updates; what their snapshots must say. */
  async function publishChannels(name: string, count: number): Promise<{ channels: string[]; expected: Array<[string, number, number]> }> {
    const channels = Array.from({ length: count }, (_, i) => `price:${name}${i}`);
    for (const [i, channel] of channels.entries()) {
      for (let k = 1; k <= i + 1; k++) await nodes[0]!.publish(channel, tick(`${name}${i}`, i * 100 + k));
    }
    return { channels, expected: channels.map((channel, i) => [channel, i + 1, i * 100 + i + 1]) };
  }

  test('a node already watching the channels: one subscribe of 10 is one Redis command, and 10 correct snapshots', async () => {
    const { channels, expected } = await publishChannels('W', 10);
    const first = await client(nodes[1]!); // node B starts watching the 10 channels
    first.subscribe(1, channels);
    await waitFor('the first client\'s 10 snapshots', () => snapshotsOf(first.received).length === 10);
    await nodes[0]!.publish(channels[0]!, tick('W0', 1)); // through pub/sub: B's watch of the channels is live
    await first.next('the update', (m) => m.type === 'update' && m.channel === channels[0]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // B's catch-up reads after SUBSCRIBE are done

    const second = await client(nodes[1]!);
    const commands = await clientCommandsDuring(redis.url, async () => {
      second.subscribe(2, channels);
      await waitFor('the second client\'s 10 snapshots', () => snapshotsOf(second.received).length === 10);
    });
    assert.deepEqual(commands.map((entry) => entry.args[0]?.toLowerCase()), ['evalsha'], 'one command for 10 channels');
    assert.ok(isLatestManyCall(commands[0]!), 'the latest-values script');
    assert.deepEqual(commands[0]!.args.slice(2), ['10', ...channels.map((channel) => `${prefix}{${channel}}:meta`), 'last']);
    expected[0] = [channels[0]!, 2, 1]; // the update above
    assert.deepEqual(snapshotsOf(second.received).map((m) => [m.channel, m.seq, (m.data as { price: number }).price]), expected);
    assert.equal(second.received[0]?.type, 'ack', 'the ack first');
  });

  test('channels no node watched yet: their last values are still one script call (no HGET of a last value), after each watch\'s baseline', async () => {
    const { channels, expected } = await publishChannels('F', 10);
    const fresh = await client(nodes[1]!);
    const commands = await clientCommandsDuring(redis.url, async () => {
      fresh.subscribe(1, channels);
      await waitFor('10 snapshots', () => snapshotsOf(fresh.received).length === 10);
    });
    const fromB = commands.filter((entry) => entry.args.slice(1).some((arg) => channels.some((channel) => arg.includes(`{${channel}}`))));
    assert.equal(fromB.filter(isLatestManyCall).length, 1, 'one latest-values call');
    assert.equal(fromB.filter(isLastValueHget).length, 0, 'no last value read on its own');
    // Each watch reads its baseline (the channel's seq) before the snapshot read, on the same connection.
    const latestAt = fromB.findIndex(isLatestManyCall);
    const baselines = fromB.map((entry, index) => ({ entry, index })).filter(({ entry }) => isBaselineRead(entry));
    assert.deepEqual(baselines.map(({ entry }) => scriptKeys(entry.args)), [channels.map((channel) => `${prefix}{${channel}}:meta`)], 'the 10 baselines in one read');
    assert.ok(baselines.every(({ index }) => index < latestAt), 'every baseline before the snapshot read');
    assert.deepEqual(snapshotsOf(fresh.received).map((m) => [m.channel, m.seq, (m.data as { price: number }).price]), expected);
  });

  test('publishes landing on node A while 10 channels are subscribed on node B: each continues from its snapshot with no gap and no duplicate', async () => {
    const channels = Array.from({ length: 10 }, (_, i) => `price:L${i}`);
    for (const [i, channel] of channels.entries()) await nodes[0]!.publish(channel, tick(`L${i}`, 1));
    let publishing = true;
    const publisher = (async () => {
      for (let round = 2; publishing || round <= 12; round++) {
        await Promise.all(channels.map((channel, i) => nodes[0]!.publish(channel, tick(`L${i}`, round))));
      }
    })();
    const live = await client(nodes[1]!);
    await new Promise((resolve) => setTimeout(resolve, 20));
    live.subscribe(1, channels);
    await waitFor('10 snapshots', () => snapshotsOf(live.received).length === 10);
    publishing = false;
    await publisher;
    const last = await backends[0]!.latestMany!(channels);
    for (const [i, channel] of channels.entries()) {
      await live.next(`${channel} up to ${last[i]!.seq}`, (m) => m.type === 'update' && m.channel === channel && m.seq === last[i]!.seq);
      const seqs = live.received
        .filter((m): m is SnapshotMessage | UpdateMessage => (m.type === 'snapshot' || m.type === 'update') && m.channel === channel)
        .map((m) => m.seq);
      assert.deepEqual(seqs, range(seqs[0]!, last[i]!.seq), `${channel}: snapshot, then every update once`);
    }
  });

  /** Each channel's seqs as the client got them (snapshots and updates), and whether any came as a snapshot. */
  function streamOf(received: ServerMessage[], channel: string): { seqs: number[]; snapshots: number } {
    const messages = received.filter((m): m is SnapshotMessage | UpdateMessage => (m.type === 'snapshot' || m.type === 'update') && m.channel === channel);
    return { seqs: messages.map((m) => m.seq), snapshots: messages.filter((m) => m.type === 'snapshot').length };
  }

  test('a client resuming 10 channels with since on a node watching them: one Redis command, and exactly the updates it missed', async () => {
    const channels = Array.from({ length: 10 }, (_, i) => `price:R${i}`);
    for (const [i, channel] of channels.entries()) for (let k = 1; k <= 3; k++) await nodes[0]!.publish(channel, tick(`R${i}`, k));
    const keeper = await client(nodes[1]!); // keeps node B watching the channels
    keeper.subscribe(1, channels);
    await waitFor('the keeper\'s 10 snapshots', () => snapshotsOf(keeper.received).length === 10);
    // The client held seq 3 of every channel when its connection dropped; channel i got i + 1 more since.
    for (const [i, channel] of channels.entries()) for (let k = 0; k <= i; k++) await nodes[0]!.publish(channel, tick(`R${i}`, 10 + k));
    await waitFor('B to deliver them', () => keeper.received.filter((m) => m.type === 'update').length === 55);
    await new Promise((resolve) => setTimeout(resolve, 200)); // B's catch-up reads after SUBSCRIBE are done

    const resumed = await client(nodes[1]!);
    const since = Object.fromEntries(channels.map((channel) => [channel, 3]));
    const commands = await clientCommandsDuring(redis.url, async () => {
      resumed.subscribe(2, channels, since); // no epoch: since is taken as this run's
      await waitFor('every missed update', () => resumed.received.filter((m) => m.type === 'update').length === 55);
    });
    assert.equal(commands.length, 1, 'one command for 10 channels');
    assert.ok(isRecoverManyCall(commands[0]!), 'the recover-many script');
    assert.deepEqual(commands[0]!.args.slice(2), ['20', ...channels.flatMap((channel) => [`${prefix}{${channel}}:meta`, `${prefix}{${channel}}:hist`]), ...channels.map(() => '3')]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // a duplicate would arrive now
    for (const [i, channel] of channels.entries()) {
      assert.deepEqual(streamOf(resumed.received, channel), { seqs: range(4, 4 + i), snapshots: 0 }, channel);
    }
    const prices = resumed.received.filter((m): m is UpdateMessage => m.type === 'update' && m.channel === channels[9]).map((m) => (m.data as { price: number }).price);
    assert.deepEqual(prices, range(10, 19), 'the missed data, in order');
  });

  test('resuming 10 channels with since on node B while node A publishes to them: one recover-many call after the watch baselines, then every update once, no gap', async () => {
    const channels = Array.from({ length: 10 }, (_, i) => `price:P${i}`);
    for (const [i, channel] of channels.entries()) for (let k = 1; k <= 5; k++) await nodes[0]!.publish(channel, tick(`P${i}`, k));
    const resumed = await client(nodes[1]!); // B watches none of the channels yet
    const since = Object.fromEntries(channels.map((channel) => [channel, 2]));
    let last: Array<{ seq: number } | null> = [];
    // Publishing starts once MONITOR is on (ioredis's monitor can trip over a busy stream while it starts).
    const commands = await clientCommandsDuring(redis.url, async () => {
      let publishing = true;
      let round = 6;
      const publisher = (async () => {
        for (; publishing || round <= 16; round++) {
          await Promise.all(channels.map((channel, i) => nodes[0]!.publish(channel, tick(`P${i}`, round))));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 20));
      resumed.subscribe(1, channels, since);
      await waitFor('updates from each channel', () => channels.every((channel) => streamOf(resumed.received, channel).seqs.length > 3));
      publishing = false;
      await publisher;
      last = await backends[0]!.latestMany!(channels);
      for (const [i, channel] of channels.entries()) {
        await resumed.next(`${channel} up to ${last[i]!.seq}`, (m) => m.type === 'update' && m.channel === channel && m.seq === last[i]!.seq);
      }
    });
    const fromB = commands.filter((entry) => entry.args.slice(1).some((arg) => channels.some((channel) => arg.includes(`{${channel}}`))));
    // B's watched channels read their own catch-up (after SUBSCRIBE) and gap fills in recover-many
    // calls too, from their baselines (seq 5 and on); the client's resume is the call from since 2.
    const sincesOf = (entry: Seen) => entry.args.slice(3 + Number(entry.args[2])); // after the script, the key count and the keys
    const isResumeCall = (entry: Seen) => isRecoverManyCall(entry) && sincesOf(entry).length === 10 && sincesOf(entry).every((since) => since === '2');
    const recoverManyAt = fromB.findIndex(isResumeCall);
    assert.equal(fromB.filter(isResumeCall).length, 1, 'one recover-many call for the 10 channels of the resume');
    assert.ok(fromB.filter(isRecoverManyCall).every((entry) => isResumeCall(entry) || sincesOf(entry).every((since) => Number(since) >= 5)),
      'every other recover-many call is a watched channel\'s, from its baseline on');
    const baselines = fromB.map((entry, index) => ({ entry, index })).filter(({ entry }) => isBaselineRead(entry));
    assert.deepEqual(baselines.map(({ entry }) => scriptKeys(entry.args)), [channels.map((channel) => `${prefix}{${channel}}:meta`)], 'the 10 baselines in one read');
    assert.ok(baselines.every(({ index }) => index < recoverManyAt), 'every baseline before the recovery read');
    await new Promise((resolve) => setTimeout(resolve, 100)); // a duplicate would arrive now
    for (const [i, channel] of channels.entries()) {
      assert.deepEqual(streamOf(resumed.received, channel), { seqs: range(3, last[i]!.seq), snapshots: 0 }, `${channel}: every update after since, once`);
    }
  });
});
