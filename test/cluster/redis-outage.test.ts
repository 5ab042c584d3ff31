/**
 * Redis goes away and comes back (empty, as a Redis without persistence does after a crash):
 * nodes stay up, report degraded, refuse publishes clearly, and afterwards continue the same
 * `seq` line with nothing lost or repeated. Its own redis-server, since it stops it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import { BackendUnavailableError, type Envelope } from '../../src/server/backend/types.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { quietLogger, range, seqsOf, uniquePrefix, waitFor } from './helpers.js';

if (SKIP_REASON) console.log(`# skipping Redis outage tests: ${SKIP_REASON}`);

describe('Redis backend: outage and recovery', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();

  test('degraded while Redis is down, then caught up with the same seq line', async () => {
    const options = { url: redis.url, keyPrefix: uniquePrefix(), logger: quietLogger(), commandTimeoutMs: 1_000 };
    const a = await createRedisBackend(options);
    const b = await createRedisBackend(options);
    open.push(a, b);
    const receivedB: Envelope[] = [];
    b.onMessage((e) => receivedB.push(e));
    const channel = 'price:BTC-USD';
    b.watch(channel);
    await b.latest(channel);
    for (let i = 1; i <= 5; i++) await a.publish(channel, { symbol: 'BTC-USD', price: i, ts: i });
    await waitFor('5 updates on B', () => receivedB.length === 5);

    await redis.stop();
    await waitFor('both nodes degraded', () => a.health() === 'degraded' && b.health() === 'degraded');
    await assert.rejects(a.publish(channel, { symbol: 'BTC-USD', price: 0, ts: 0 }), (error: unknown) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.equal(error.code, 'backend_unavailable');
      return true;
    });
    // Reads answer from what the node saw; a client at that seq keeps its state.
    assert.equal((await b.latest(channel))?.seq, 5);
    assert.deepEqual(await b.recover(channel, 5), { recovered: true, updates: [], latest: await b.latest(channel) });
    assert.equal((await b.recover(channel, 2)).recovered, false);

    // A node that starts while Redis is down comes up degraded instead of failing, and may watch.
    const c = await createRedisBackend({ ...options, connectTimeoutMs: 300 });
    open.push(c);
    assert.equal(c.health(), 'degraded');
    const receivedC: Envelope[] = [];
    c.onMessage((e) => receivedC.push(e));
    c.watch(channel);

    await redis.start();
    await waitFor('all nodes ok again', () => [a, b, c].every((node) => node.health() === 'ok'), 20_000);
    // Redis came back empty; the nodes put the last value back, so seq continues (not from 1).
    assert.equal((await c.latest(channel))?.seq, 5);
    const next = await a.publish(channel, { symbol: 'BTC-USD', price: 6, ts: 6 });
    assert.equal(next.seq, 6);
    await waitFor('seq 6 on B and C', () => receivedB.length === 6 && receivedC.some((e) => e.seq === 6));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(seqsOf(receivedB, channel), range(1, 6), 'B: each seq once, in order, no gap');
    assert.equal(seqsOf(receivedC, channel).at(-1), 6);
    assert.deepEqual(seqsOf(receivedC, channel), [...new Set(seqsOf(receivedC, channel))].sort((x, y) => x - y));
  });

  test('a node keeps working for its watchers through repeated outages', async () => {
    const options = { url: redis.url, keyPrefix: uniquePrefix(), logger: quietLogger(), commandTimeoutMs: 1_000 };
    const a = await createRedisBackend(options);
    const b = await createRedisBackend(options);
    open.push(a, b);
    const receivedB: Envelope[] = [];
    b.onMessage((e) => receivedB.push(e));
    b.watch('price:ETH-USD');
    await b.latest('price:ETH-USD');
    let expected = 0;
    for (let round = 0; round < 2; round++) {
      await a.publish('price:ETH-USD', { symbol: 'ETH-USD', price: round, ts: round });
      expected += 1;
      await waitFor(`update ${expected}`, () => receivedB.length === expected);
      await redis.stop();
      await waitFor('degraded', () => b.health() === 'degraded');
      await redis.start();
      await waitFor('ok', () => a.health() === 'ok' && b.health() === 'ok', 20_000);
    }
    await a.publish('price:ETH-USD', { symbol: 'ETH-USD', price: 9, ts: 9 });
    await waitFor('last update', () => receivedB.length === expected + 1);
    assert.deepEqual(seqsOf(receivedB, 'price:ETH-USD'), range(1, expected + 1));
  });

  test('the simulator lease: nobody leads while Redis is down, one node leads again after', async () => {
    const options = { url: redis.url, keyPrefix: uniquePrefix(), logger: quietLogger(), leaseMs: 900 };
    const nodes = [await createRedisBackend(options), await createRedisBackend(options)];
    open.push(...nodes);
    const leases = nodes.map((node) => node.leadership!('simulator'));
    const leaders = () => leases.filter((lease) => lease.isLeader()).length;
    await waitFor('one leader', () => leaders() === 1);
    await redis.stop();
    await waitFor('no leader during the outage', () => leaders() === 0, 5_000);
    await redis.start();
    await waitFor('one leader again', () => leaders() === 1, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a lease period later, still one
    assert.equal(leaders(), 1);
  });
});
