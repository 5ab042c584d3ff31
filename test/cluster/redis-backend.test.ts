/**
 * The Redis backend on its own: two backend instances on one real redis-server are two relay
 * nodes. Outages are covered in redis-outage.test.ts, the lease in redis-leadership.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createRedisBackend, type RedisBackendOptions } from '../../src/server/backend/redis-backend.js';
import type { Envelope } from '../../src/server/backend/types.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { quietLogger, range, seqsOf, uniquePrefix, waitFor } from './helpers.js';

if (SKIP_REASON) console.log(`# skipping Redis backend tests: ${SKIP_REASON}`);

describe('Redis backend: two nodes', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();

  /** Two nodes sharing one prefix, each recording what its listeners receive. */
  async function twoNodes(extra: Partial<RedisBackendOptions> = {}) {
    const options = { url: redis.url, keyPrefix: uniquePrefix(), logger: quietLogger(), ...extra };
    const [a, b] = await Promise.all([createRedisBackend(options), createRedisBackend(options)]);
    open.push(a, b);
    const receivedA: Envelope[] = [];
    const receivedB: Envelope[] = [];
    a.onMessage((e) => receivedA.push(e));
    b.onMessage((e) => receivedB.push(e));
    return { a, b, receivedA, receivedB, options };
  }

  test('nodes sharing a prefix share one epoch (one run of seqs), and a node started later adopts it', async () => {
    const { a, b, options } = await twoNodes();
    assert.match(String(a.epoch), /^[\w-]{1,64}$/);
    assert.equal(b.epoch, a.epoch);
    const later = await createRedisBackend(options);
    open.push(later);
    assert.equal(later.epoch, a.epoch, 'a restarted node continues the same run');
    const elsewhere = await createRedisBackend({ ...options, keyPrefix: uniquePrefix() });
    open.push(elsewhere);
    assert.notEqual(elsewhere.epoch, a.epoch, 'another store, another run');
  });

  test('a publish on node A reaches a watcher on node B once, in order, with one seq everywhere', async () => {
    const { a, b, receivedA, receivedB } = await twoNodes();
    assert.equal(a.kind, 'redis');
    assert.equal(a.health(), 'ok');
    // As the relay does: watch, then read the snapshot; no wait for SUBSCRIBE to take effect
    // (what is published before it does comes from history).
    b.watch('price:BTC-USD');
    assert.equal(await b.latest('price:BTC-USD'), null);
    const published: Envelope[] = [];
    for (let i = 1; i <= 20; i++) published.push(await a.publish('price:BTC-USD', { symbol: 'BTC-USD', price: 100 + i, ts: i }));
    assert.deepEqual(published.map((e) => e.seq), range(1, 20));
    await waitFor('20 updates on B', () => receivedB.length >= 20);
    await new Promise((resolve) => setTimeout(resolve, 100)); // duplicates would arrive now
    assert.deepEqual(seqsOf(receivedB, 'price:BTC-USD'), range(1, 20));
    assert.deepEqual(receivedB.map((e) => e.data.price), range(101, 120));
    assert.equal(receivedA.length, 0, 'A does not watch the channel, so it gets nothing');
    assert.deepEqual(await a.latest('price:BTC-USD'), await b.latest('price:BTC-USD'));
    assert.equal((await b.latest('price:BTC-USD'))?.seq, 20);
    assert.deepEqual(await a.recover('price:BTC-USD', 15), await b.recover('price:BTC-USD', 15));
    assert.deepEqual((await b.recover('price:BTC-USD', 15)).updates.map((e) => e.seq), range(16, 20));
    assert.equal(await a.latest('price:NONE'), null);
  });

  test('publishes from both nodes at once get unique seqs, and both watchers see one order', async () => {
    const { a, b, receivedA, receivedB } = await twoNodes();
    a.watch('price:ETH-USD');
    b.watch('price:ETH-USD');
    // Deliveries start after the snapshot each node reads once it watches.
    await Promise.all([a.latest('price:ETH-USD'), b.latest('price:ETH-USD')]);
    const results = await Promise.all(range(1, 40).map((i) => (i % 2 ? a : b).publish('price:ETH-USD', { symbol: 'ETH-USD', price: i, ts: i })));
    assert.deepEqual(results.map((e) => e.seq).sort((x, y) => x - y), range(1, 40));
    await waitFor('40 updates on both nodes', () => receivedA.length >= 40 && receivedB.length >= 40);
    assert.deepEqual(seqsOf(receivedA, 'price:ETH-USD'), range(1, 40));
    assert.deepEqual(receivedA, receivedB);
  });

  test('a node that starts watching mid-stream misses nothing after its snapshot', async () => {
    const { a, b, receivedB } = await twoNodes();
    const channel = 'price:SOL-USD';
    let publishing = true;
    let lastSeq = 0;
    const publisher = (async () => {
      for (let i = 0; i < 400 && publishing; i++) lastSeq = (await a.publish(channel, { symbol: 'SOL-USD', price: i, ts: i })).seq;
    })();
    await waitFor('some history', () => lastSeq >= 20);
    // What the relay does on the first local subscriber: watch, then read the snapshot.
    b.watch(channel);
    const snapshot = await b.latest(channel);
    assert.ok(snapshot);
    await waitFor('more publishes', () => lastSeq >= snapshot.seq + 30);
    publishing = false;
    await publisher;
    await waitFor('B to catch up', () => receivedB.at(-1)?.seq === lastSeq);
    const seqs = seqsOf(receivedB, channel);
    const first = seqs[0] ?? 0;
    assert.ok(first <= snapshot.seq + 1, `first delivery ${first} must not skip past the snapshot ${snapshot.seq}`);
    assert.deepEqual(seqs, range(first, lastSeq), 'contiguous, each seq once');
  });

  test('a message missed on pub/sub is filled from history before the next one', async () => {
    const { a, b, receivedB, options } = await twoNodes();
    const channel = 'price:ADA-USD';
    const raw = new Redis(redis.url);
    b.watch(channel);
    const bus = `${options.keyPrefix}bus:${channel}`;
    await waitFor('B to subscribe', async () => ((await raw.pubsub('NUMSUB', bus)) as [string, number])[1] === 1);
    await a.publish(channel, { symbol: 'ADA-USD', price: 1, ts: 1 });
    await waitFor('seq 1 on B', () => receivedB.length === 1);
    // Store seq 2 the way the publish script does, but without PUBLISH: as if B missed it.
    const envelope = JSON.stringify({ channel, seq: 2, data: { symbol: 'ADA-USD', price: 2, ts: 2 } });
    await raw.hset(`${options.keyPrefix}{${channel}}:meta`, 'seq', 2, 'last', envelope);
    await raw.rpush(`${options.keyPrefix}{${channel}}:hist`, envelope);
    // Garbage on the bus must be ignored, not crash the node.
    await raw.publish(bus, 'not json');
    await raw.publish(bus, JSON.stringify({ channel, seq: -1, data: {} }));
    await raw.quit();
    await a.publish(channel, { symbol: 'ADA-USD', price: 3, ts: 3 });
    await waitFor('seq 3 on B', () => receivedB.length >= 3);
    assert.deepEqual(seqsOf(receivedB, channel), [1, 2, 3]);
    assert.deepEqual(receivedB.map((e) => e.data.price), [1, 2, 3]);
  });

  test('a dropped subscriber connection under a steady stream: nothing lost, nothing repeated', async () => {
    const { a, b, receivedB } = await twoNodes({ historySize: 1_000 }); // the outage stays within history
    const channel = 'price:LTC-USD';
    b.watch(channel);
    await b.latest(channel);
    const raw = new Redis(redis.url);
    let lastSeq = 0;
    for (let i = 1; i <= 300; i++) {
      lastSeq = (await a.publish(channel, { symbol: 'LTC-USD', price: i, ts: i })).seq;
      // Cut every node's subscriber connections twice mid-stream; ioredis reconnects them.
      if (i === 100 || i === 200) await raw.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    }
    await raw.quit();
    await waitFor('B to catch up', () => receivedB.at(-1)?.seq === lastSeq);
    assert.deepEqual(seqsOf(receivedB, channel), range(1, 300));
    await waitFor('B ok again', () => b.health() === 'ok');
  });

  test('history is bounded: older gaps are not recoverable and say so', async () => {
    const { a, b } = await twoNodes({ historySize: 5 });
    for (let i = 1; i <= 12; i++) await a.publish('price:XRP-USD', { symbol: 'XRP-USD', price: i, ts: i });
    const old = await b.recover('price:XRP-USD', 3);
    assert.equal(old.recovered, false);
    assert.deepEqual(old.updates, []);
    assert.equal(old.latest?.seq, 12);
    const recent = await b.recover('price:XRP-USD', 7);
    assert.equal(recent.recovered, true);
    assert.deepEqual(recent.updates.map((e) => e.seq), range(8, 12));
    assert.equal((await b.recover('price:XRP-USD', 12)).updates.length, 0);
    assert.equal((await b.recover('price:XRP-USD', 99)).recovered, false, 'a since ahead of the channel is a reset');
  });

  test('recoverMany answers what recover answers for each channel, in order, in one go (trimmed, current, ahead, empty, foreign)', async () => {
    const { a, b, options } = await twoNodes({ historySize: 5 });
    for (let i = 1; i <= 12; i++) await a.publish('price:M1', { symbol: 'M1', price: i, ts: i });
    for (let i = 1; i <= 3; i++) await a.publish('price:M2', { symbol: 'M2', price: i, ts: i });
    const raw = new Redis(redis.url);
    await raw.set(`${options.keyPrefix}{price:FOREIGN}:meta`, 'not a hash'); // a foreign write under the prefix
    await raw.hset(`${options.keyPrefix}{price:MOVED}:meta`, 'seq', 4, 'last', '{"channel":"price:M2","seq":4,"data":{"price":9}}');
    await raw.quit();
    const requests = [
      { channel: 'price:M1', since: 3 }, // trimmed away: not recovered, latest
      { channel: 'price:M1', since: 7 }, // 8…12 recovered
      { channel: 'price:M2', since: 3 }, // current: recovered, nothing missed
      { channel: 'price:M2', since: 0 }, // all of it
      { channel: 'price:M2', since: 99 }, // ahead: a reset
      { channel: 'price:NONE', since: 0 },
      { channel: 'price:NONE', since: 4 },
      { channel: 'price:FOREIGN', since: 1 }, // unreadable: answered as a failed recover is
      { channel: 'price:MOVED', since: 1 }, // its last value names another channel: no last value
    ];
    const many = await b.recoverMany!(requests);
    const single = await Promise.all(requests.map(({ channel, since }) => b.recover(channel, since)));
    assert.deepEqual(many, single);
    assert.deepEqual(many.map((r) => [r.recovered, r.updates.map((e) => e.seq), r.latest?.seq ?? null]), [
      [false, [], 12], [true, [8, 9, 10, 11, 12], 12], [true, [], 3], [true, [1, 2, 3], 3], [false, [], 3],
      [true, [], null], [false, [], null], [true, [], null], [false, [], null],
    ]);
    assert.ok(many[1]!.updates.every((e) => e.dataJson === JSON.stringify(e.data)), 'updates keep their data JSON');
    assert.deepEqual(await b.recoverMany!([]), []);
    // More channels than one script call takes: still every answer, in order.
    const wide = Array.from({ length: 2_500 }, (_, i) => ({ channel: i % 2 ? 'price:M2' : 'price:M1', since: i % 2 ? 1 : 10 }));
    const answers = await b.recoverMany!(wide);
    assert.deepEqual(answers.map((r) => r.updates.map((e) => e.seq)), wide.map((_, i) => (i % 2 ? [2, 3] : [11, 12])));
  });

  test('unwatch stops deliveries on that node; watching again resumes after the new snapshot', async () => {
    const { a, b, receivedB } = await twoNodes();
    const channel = 'price:DOT-USD';
    b.watch(channel);
    await b.latest(channel);
    await a.publish(channel, { symbol: 'DOT-USD', price: 1, ts: 1 });
    await waitFor('seq 1', () => receivedB.length === 1);
    b.unwatch(channel);
    await a.publish(channel, { symbol: 'DOT-USD', price: 2, ts: 2 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(receivedB.length, 1);
    b.watch(channel);
    await b.latest(channel);
    await a.publish(channel, { symbol: 'DOT-USD', price: 3, ts: 3 });
    await waitFor('seq 3', () => receivedB.length === 2);
    assert.deepEqual(seqsOf(receivedB, channel), [1, 3]);
  });
});
