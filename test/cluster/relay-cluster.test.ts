/**
 * Two relay nodes joined by one real redis-server, as behind a load balancer: a client may land
 * on either node and sees the same channels, seqs, snapshots and history.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { ServerMessage, SnapshotMessage, UpdateMessage } from '../../src/protocol/index.js';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { SKIP_REASON, startRedis, type TestRedis } from './redis-server.js';
import { range, waitFor } from './helpers.js';
import { openClient, type ClusterClient } from './ws-client.js';

if (SKIP_REASON) console.log(`# skipping relay cluster tests: ${SKIP_REASON}`);

const PUBLISH_TOKEN = 'cluster-test-token';

function tick(symbol: string, price: number) {
  return { symbol, price, ts: Date.now() };
}

async function publish(relay: Relay, items: Array<{ channel: string; data: object }>): Promise<Response> {
  return fetch(`${relay.httpUrl}/v1/publish`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${PUBLISH_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(items),
  });
}

async function healthOf(relay: Relay): Promise<{ code: number; status: string; backend: string }> {
  const response = await fetch(`${relay.httpUrl}/healthz`);
  const body = (await response.json()) as { status: string; backend: string };
  return { code: response.status, status: body.status, backend: body.backend };
}

const updatesOf = (received: ServerMessage[], channel: string) =>
  received.filter((m): m is UpdateMessage => m.type === 'update' && m.channel === channel);

describe('two relay nodes joined by Redis', { skip: SKIP_REASON }, () => {
  let redis: TestRedis;
  let nodeA: Relay;
  let nodeB: Relay;
  const clients: ClusterClient[] = [];

  before(async () => {
    redis = await startRedis();
    const options = { port: 0, host: '127.0.0.1', redisUrl: redis.url, simulate: false, quiet: true, publishToken: PUBLISH_TOKEN };
    [nodeA, nodeB] = await Promise.all([createRelay(options), createRelay(options)]);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([nodeA?.close(), nodeB?.close()]);
    await redis?.stop();
  });

  async function client(relay: Relay): Promise<ClusterClient> {
    const opened = await openClient(relay.wsUrl);
    clients.push(opened);
    return opened;
  }

  test('both nodes use Redis and report ok', async () => {
    assert.deepEqual(await healthOf(nodeA), { code: 200, status: 'ok', backend: 'redis' });
    assert.deepEqual(await healthOf(nodeB), { code: 200, status: 'ok', backend: 'redis' });
  });

  test('subscribed on B, published on A: each update arrives once, in seq order', async () => {
    const onB = await client(nodeB);
    onB.subscribe(1, ['price:BTC-USD']);
    const snapshot = await onB.next<SnapshotMessage>('snapshot on B', (m) => m.type === 'snapshot');
    assert.equal(snapshot.seq, 0);
    for (let i = 1; i <= 3; i++) {
      const response = await publish(nodeA, range(1, 10).map((j) => ({ channel: 'price:BTC-USD', data: tick('BTC-USD', i * 100 + j) })));
      assert.equal(response.status, 200);
    }
    await onB.next('seq 30 on B', (m) => m.type === 'update' && m.seq === 30);
    await new Promise((resolve) => setTimeout(resolve, 150)); // a duplicate would show up now
    const updates = updatesOf(onB.received, 'price:BTC-USD');
    assert.deepEqual(updates.map((m) => m.seq), range(1, 30));
    assert.deepEqual(updates.slice(0, 3).map((m) => m.data.price), [101, 102, 103]);
    assert.deepEqual(onB.invalid, []);
  });

  test('both nodes give the same seq and snapshot, over WebSocket and HTTP', async () => {
    const [onA, onB] = await Promise.all([client(nodeA), client(nodeB)]);
    onA.subscribe(1, ['price:BTC-USD', 'price:NEVER']);
    onB.subscribe(1, ['price:BTC-USD', 'price:NEVER']);
    const isBtcSnapshot = (m: ServerMessage) => m.type === 'snapshot' && m.channel === 'price:BTC-USD';
    const [fromA, fromB] = await Promise.all([onA.next<SnapshotMessage>('A', isBtcSnapshot), onB.next<SnapshotMessage>('B', isBtcSnapshot)]);
    assert.equal(fromA.seq, 30);
    assert.deepEqual(fromA, fromB);
    const snapshots = await Promise.all([nodeA, nodeB].map(async (relay) =>
      (await fetch(`${relay.httpUrl}/v1/snapshot?channels=price:BTC-USD,price:NEVER`)).json()));
    assert.deepEqual(snapshots[0], snapshots[1]);
    assert.equal((snapshots[0] as { channels: Record<string, { seq: number } | null> }).channels['price:BTC-USD']?.seq, 30);
  });

  test('a client that reconnects from A to B with since resumes with no gap', async () => {
    const onA = await client(nodeA);
    onA.subscribe(1, ['price:ETH-USD']);
    await onA.next('snapshot on A', (m) => m.type === 'snapshot');
    assert.equal((await publish(nodeA, range(1, 5).map((i) => ({ channel: 'price:ETH-USD', data: tick('ETH-USD', i) })))).status, 200);
    await onA.next('seq 5 on A', (m) => m.type === 'update' && m.seq === 5);
    await onA.close();
    // While the client is away (its node died, the balancer moves it), more is published.
    assert.equal((await publish(nodeA, range(6, 9).map((i) => ({ channel: 'price:ETH-USD', data: tick('ETH-USD', i) })))).status, 200);
    const onB = await client(nodeB);
    onB.subscribe(2, ['price:ETH-USD'], { 'price:ETH-USD': 5 });
    await onB.next('seq 9 on B', (m) => m.type === 'update' && m.seq === 9);
    assert.equal((await publish(nodeA, [{ channel: 'price:ETH-USD', data: tick('ETH-USD', 10) }])).status, 200);
    await onB.next('seq 10 on B', (m) => m.type === 'update' && m.seq === 10);
    assert.deepEqual(onB.received.filter((m) => m.type === 'snapshot'), [], 'recovered: no snapshot needed');
    assert.deepEqual(updatesOf(onB.received, 'price:ETH-USD').map((m) => [m.seq, m.data.price]), range(6, 10).map((i) => [i, i]));
  });

  test('a node subscribes to a channel in Redis only while it has local subscribers', async () => {
    const raw = new Redis(redis.url);
    const subscribers = async () => ((await raw.pubsub('NUMSUB', 'mp:bus:price:XRP-USD')) as [string, number])[1];
    try {
      assert.equal(await subscribers(), 0);
      const first = await client(nodeB);
      const second = await client(nodeB);
      first.subscribe(1, ['price:XRP-USD']);
      second.subscribe(1, ['price:XRP-USD']);
      await Promise.all([first, second].map((c) => c.next('snapshot', (m) => m.type === 'snapshot')));
      await waitFor('one Redis subscription for both clients', async () => (await subscribers()) === 1);
      await first.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(await subscribers(), 1, 'still one local subscriber');
      await second.close();
      await waitFor('no Redis subscription once the last client left', async () => (await subscribers()) === 0);
    } finally {
      await raw.quit();
    }
  });

  test('Redis stopped: nodes stay up, degraded, refuse publishes; restarted: ok and updates flow again', async () => {
    const onB = await client(nodeB);
    onB.subscribe(1, ['price:SOL-USD']);
    await onB.next('snapshot', (m) => m.type === 'snapshot');
    assert.equal((await publish(nodeA, [{ channel: 'price:SOL-USD', data: tick('SOL-USD', 1) }])).status, 200);
    await onB.next('seq 1', (m) => m.type === 'update' && m.seq === 1);

    await redis.stop();
    await waitFor('both nodes degraded', async () =>
      (await Promise.all([nodeA, nodeB].map(healthOf))).every((h) => h.code === 503 && h.status === 'degraded'));
    const refused = await publish(nodeA, [{ channel: 'price:SOL-USD', data: tick('SOL-USD', 2) }]);
    assert.equal(refused.status, 503);
    assert.ok(onB.isOpen(), 'local clients stay connected');
    const late = await client(nodeA); // a node keeps serving what it knows
    late.subscribe(1, ['price:BTC-USD']);
    assert.equal((await late.next<SnapshotMessage>('snapshot while degraded', (m) => m.type === 'snapshot')).seq, 30);

    await redis.start();
    await waitFor('both nodes ok', async () =>
      (await Promise.all([nodeA, nodeB].map(healthOf))).every((h) => h.code === 200 && h.status === 'ok'), 20_000);
    assert.equal((await publish(nodeA, [{ channel: 'price:SOL-USD', data: tick('SOL-USD', 3) }])).status, 200);
    const resumed = await onB.next<UpdateMessage>('an update after the outage', (m) => m.type === 'update' && m.data.price === 3);
    assert.equal(resumed.seq, 2, 'seq continues where it was, though Redis restarted empty');
    assert.deepEqual(updatesOf(onB.received, 'price:SOL-USD').map((m) => m.seq), [1, 2]);
    assert.ok(onB.isOpen());
  });
});
