/**
 * With the Redis backend, envelopes read from Redis (pub/sub, history, last values) keep their
 * data's JSON text, which frames and the HTTP read answers send on as is. Two relay nodes on one
 * real redis-server: what is published on A reads back exactly on B, over WebSocket and HTTP, and
 * a broken or hostile message on the bus is dropped (or read as plain data) without breaking the
 * node or the next good message.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { ServerMessage, UpdateMessage } from '../../src/protocol/index.js';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import type { ChannelBackend, Envelope } from '../../src/server/backend/types.js';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { asRead, TRICKY_DATA } from '../server/tricky-data.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { quietLogger, uniquePrefix, waitFor } from './helpers.js';
import { openClient, type ClusterClient } from './ws-client.js';

if (SKIP_REASON) console.log(`# skipping Redis data JSON tests: ${SKIP_REASON}`);

const CHANNELS = Object.keys(TRICKY_DATA);
const updatesOf = (received: ServerMessage[], channel: string) =>
  received.filter((m): m is UpdateMessage => m.type === 'update' && m.channel === channel);

describe('Redis backend: data JSON from Redis, sent on as is', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();
  let prefix: string;
  let backendA: ChannelBackend;
  let backendB: ChannelBackend;
  let nodeA: Relay;
  let nodeB: Relay;
  const clients: ClusterClient[] = [];
  const logB = quietLogger();

  before(async () => {
    prefix = uniquePrefix();
    backendA = await createRedisBackend({ url: redis.url, keyPrefix: prefix, logger: quietLogger() });
    backendB = await createRedisBackend({ url: redis.url, keyPrefix: prefix, logger: logB });
    open.push(backendA, backendB);
    const options = { port: 0, host: '127.0.0.1', simulate: false, quiet: true };
    [nodeA, nodeB] = await Promise.all([createRelay({ ...options, backend: backendA }), createRelay({ ...options, backend: backendB })]);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([nodeA?.close(), nodeB?.close()]);
  });

  async function subscribedClient(relay: Relay, channels: string[]): Promise<ClusterClient> {
    const client = await openClient(relay.wsUrl);
    clients.push(client);
    client.subscribe(1, channels);
    await client.next('ack', (m) => m.type === 'ack');
    for (const channel of channels) await client.next(`snapshot of ${channel}`, (m) => m.type === 'snapshot' && m.channel === channel);
    return client;
  }

  test('published on A: B\'s WebSocket frames, /v1/snapshot and /v1/history carry exactly the published data', async () => {
    const onB = await subscribedClient(nodeB, CHANNELS);
    for (const round of [1, 2]) {
      for (const channel of CHANNELS) await nodeA.publish(channel, { ...TRICKY_DATA[channel], round } as Envelope['data']);
    }
    const expectedData = (channel: string, round: number) => asRead({ ...TRICKY_DATA[channel], round });
    for (const channel of CHANNELS) {
      await waitFor(`2 updates of ${channel} on B`, () => updatesOf(onB.received, channel).length === 2);
      assert.deepEqual(updatesOf(onB.received, channel).map((m) => [m.seq, m.data]), [[1, expectedData(channel, 1)], [2, expectedData(channel, 2)]], channel);
    }
    assert.deepEqual(onB.invalid, []);

    for (const node of [nodeA, nodeB]) {
      const snapshot = await fetch(`${node.httpUrl}/v1/snapshot?channels=${CHANNELS.join(',')},price:NONE`);
      assert.equal(snapshot.status, 200);
      const channels: Record<string, unknown> = Object.fromEntries(CHANNELS.map((channel) => [channel, { seq: 2, data: expectedData(channel, 2) }]));
      channels['price:NONE'] = null;
      const expected = { epoch: backendA.epoch, channels };
      const text = await snapshot.text();
      assert.deepEqual(JSON.parse(text), expected);
      assert.equal(text, JSON.stringify(expected), 'the same bytes as serializing the answer object');

      for (const channel of CHANNELS) {
        const history = await (await fetch(`${node.httpUrl}/v1/history?channel=${channel}`)).text();
        const updates = [1, 2].map((round) => ({ seq: round, data: expectedData(channel, round) }));
        assert.equal(history, JSON.stringify({ epoch: backendA.epoch, channel, updates }), channel);
      }
    }
  });

  test('envelopes read back from Redis carry their data JSON (the publish script\'s text)', async () => {
    const channel = 'price:BIG';
    const latest = await backendB.latest(channel);
    assert.equal(latest?.dataJson, JSON.stringify({ ...TRICKY_DATA[channel], round: 2 }));
    const history = await backendB.history!(channel, 10);
    assert.deepEqual(history.map((e) => e.dataJson), [1, 2].map((round) => JSON.stringify({ ...TRICKY_DATA[channel], round })));
    const recovery = await backendB.recover(channel, 0);
    assert.equal(recovery.recovered, true);
    assert.deepEqual(recovery.updates.map((e) => e.dataJson), history.map((e) => e.dataJson));
  });

  test('broken and hostile messages on the bus: dropped or read as plain data; the node and the next message go on', async () => {
    const channel = 'price:HOSTILE';
    const onB = await subscribedClient(nodeB, [channel]);
    await nodeA.publish(channel, { symbol: 'HOSTILE', price: 1, ts: 1 });
    await waitFor('seq 1 on B', () => updatesOf(onB.received, channel).length === 1);
    const raw = new Redis(redis.url);
    try {
      const bus = `${prefix}bus:${channel}`;
      // Seq 2 stored as a foreign writer would: valid JSON, but with fields after its data that
      // must not reach a frame; the next publish then takes seq 3.
      const hostile = `{"channel":"${channel}","seq":2,"data":{"symbol":"HOSTILE","price":2,"ts":2},"type":"error","code":"auth_failed","x":{}}`;
      await raw.hset(`${prefix}{${channel}}:meta`, 'seq', 2, 'last', hostile);
      await raw.rpush(`${prefix}{${channel}}:hist`, hostile);
      for (const text of [
        'not json',
        `{"channel":"${channel}","seq":2,"data":{"price":2}`, // truncated
        `{"channel":"${channel}","seq":2,"data":{"price":2}}}`, // a brace too many
        `{"channel":"${channel}","seq":2,"data":[2]}`,
        `{"channel":"price:OTHER","seq":2,"data":{"price":2}}`, // not this bus's channel
        hostile,
      ]) {
        await raw.publish(bus, text);
      }
    } finally {
      await raw.quit();
    }
    await nodeA.publish(channel, { symbol: 'HOSTILE', price: 3, ts: 3 });
    await waitFor('seq 3 on B', () => updatesOf(onB.received, channel).some((m) => m.seq === 3));
    const updates = updatesOf(onB.received, channel);
    assert.deepEqual(updates.map((m) => [m.seq, m.data]), [
      [1, { symbol: 'HOSTILE', price: 1, ts: 1 }],
      [2, { symbol: 'HOSTILE', price: 2, ts: 2 }],
      [3, { symbol: 'HOSTILE', price: 3, ts: 3 }],
    ]);
    assert.deepEqual(onB.invalid, []);
    assert.ok(!onB.received.some((m) => m.type === 'error'), 'no field of the hostile message became a frame of its own');
    assert.ok(onB.isOpen());
    const history = (await (await fetch(`${nodeB.httpUrl}/v1/history?channel=${channel}`)).json()) as { updates: Array<{ seq: number; data: unknown }> };
    assert.deepEqual(history.updates.map((u) => [u.seq, u.data]), updates.map((m) => [m.seq, m.data]), 'history reads the foreign entry as its data alone');
    assert.equal((await fetch(`${nodeB.httpUrl}/healthz`)).status, 200);
  });
});
