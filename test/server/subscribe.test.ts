import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SnapshotMessage, UpdateMessage } from '../../src/protocol/index.js';
import type { Relay } from '../../src/server/relay.js';
import { connect, startRelay, tick } from './helpers.js';

const channelMessages = (received: Array<{ type: string }>, channel: string) =>
  received.filter((m): m is SnapshotMessage | UpdateMessage => (m.type === 'snapshot' || m.type === 'update') && (m as UpdateMessage).channel === channel);

describe('subscribe, snapshot, update', () => {
  let relay: Relay;
  before(async () => {
    relay = await startRelay();
  });
  after(() => relay.close());

  test('ack comes first, then a snapshot with the latest value and seq, then updates with seq + 1', async () => {
    await relay.publish('price:AAA', tick('AAA', 10));
    await relay.publish('price:AAA', tick('AAA', 11));
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 7, channels: ['price:AAA'] });
    const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot');
    assert.deepEqual(client.received[0], { type: 'ack', id: 7, epoch: relay.backend.epoch });
    assert.equal(snapshot.seq, 2);
    assert.equal(snapshot.data?.price, 11);
    await relay.publish('price:AAA', tick('AAA', 12));
    await relay.publish('price:AAA', tick('AAA', 13));
    await client.waitFor((m) => m.type === 'update' && m.seq === 4);
    assert.deepEqual(channelMessages(client.received, 'price:AAA').map((m) => [m.type, m.seq, m.data?.price]), [
      ['snapshot', 2, 11],
      ['update', 3, 12],
      ['update', 4, 13],
    ]);
    await client.close();
  });

  test('a channel with no value yet gets a snapshot with seq 0 and data null, then its first update', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:EMPTY'] });
    const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot');
    assert.equal(snapshot.seq, 0);
    assert.equal(snapshot.data, null);
    await relay.publish('price:EMPTY', tick('EMPTY', 1));
    const update = await client.waitFor<UpdateMessage>((m) => m.type === 'update');
    assert.equal(update.seq, 1);
    await client.close();
  });

  test('updates published back to back arrive coalesced in a batch frame, in seq order', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:BAT', 'price:BAU'] });
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:BAU');
    for (let i = 1; i <= 20; i++) {
      await relay.publish('price:BAT', tick('BAT', i));
      await relay.publish('price:BAU', tick('BAU', i));
    }
    await client.waitFor((m) => m.type === 'update' && m.channel === 'price:BAU' && m.seq === 20);
    assert.ok(client.frames.some((frame) => frame.startsWith('{"type":"batch"')), 'at least one batch frame');
    assert.ok(client.frames.length < 20, `40 updates in ${client.frames.length} frames`);
    for (const channel of ['price:BAT', 'price:BAU']) {
      assert.deepEqual(channelMessages(client.received, channel).map((m) => m.seq), Array.from({ length: 21 }, (_, i) => i));
    }
    await client.close();
  });

  test('unsubscribe stops updates of that channel only', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:U1', 'price:U2'] });
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:U2');
    client.send({ type: 'unsubscribe', id: 2, channels: ['price:U1'] });
    await client.waitFor((m) => m.type === 'ack' && m.id === 2);
    await relay.publish('price:U1', tick('U1', 1));
    await relay.publish('price:U2', tick('U2', 1));
    await client.waitFor((m) => m.type === 'update' && m.channel === 'price:U2');
    assert.equal(channelMessages(client.received, 'price:U1').filter((m) => m.type === 'update').length, 0);
    await client.close();
  });

  test('a client with many channels (more than sessions keep in their small table) gets updates of exactly those it still holds', async () => {
    const channels = Array.from({ length: 24 }, (_, i) => `price:M${String(i).padStart(2, '0')}`);
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: channels.slice(0, 10) });
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === channels[9]);
    client.send({ type: 'subscribe', id: 2, channels: channels.slice(10) });
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === channels[23]);
    const dropped = [channels[0], channels[7], channels[15], channels[23]] as string[];
    client.send({ type: 'unsubscribe', id: 3, channels: dropped });
    await client.waitFor((m) => m.type === 'ack' && m.id === 3);
    const kept = channels.filter((channel) => !dropped.includes(channel));
    // Dropped channels first: an update wrongly sent for one would arrive before the last kept one.
    for (const channel of [...dropped, ...kept]) await relay.publish(channel, tick(channel.slice(6), 1));
    for (const channel of kept) await client.waitFor((m) => m.type === 'update' && m.channel === channel && m.seq === 1);
    for (const channel of dropped) assert.equal(channelMessages(client.received, channel).filter((m) => m.type === 'update').length, 0, channel);
    await client.close();
  });

  test('ping gets a pong with the same t', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'ping', t: 12345 });
    const pong = await client.waitFor((m) => m.type === 'pong');
    assert.deepEqual(pong, { type: 'pong', t: 12345 });
    await client.close();
  });

  test('many subscribers each receive every update', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => connect(relay.wsUrl)));
    for (const client of clients) client.send({ type: 'subscribe', id: 1, channels: ['price:FAN'] });
    await Promise.all(clients.map((client) => client.waitFor((m) => m.type === 'snapshot')));
    for (let i = 1; i <= 5; i++) await relay.publish('price:FAN', tick('FAN', i));
    await Promise.all(clients.map((client) => client.waitFor((m) => m.type === 'update' && m.seq === 5)));
    for (const client of clients) assert.deepEqual(channelMessages(client.received, 'price:FAN').map((m) => m.seq), [0, 1, 2, 3, 4, 5]);
    await Promise.all(clients.map((client) => client.close()));
  });
});
