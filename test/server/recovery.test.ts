import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SnapshotMessage, UpdateMessage } from '../../src/protocol/index.js';
import type { Relay } from '../../src/server/relay.js';
import { connect, startRelay, tick } from './helpers.js';

describe('since recovery', () => {
  let relay: Relay;
  before(async () => {
    relay = await startRelay({ limits: { historySize: 5 } });
    for (let i = 1; i <= 8; i++) await relay.publish('price:REC', tick('REC', i));
  });
  after(() => relay.close());

  test('a client that missed updates still in history gets exactly those, as updates, and no snapshot', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:REC'], since: { 'price:REC': 5 } });
    await client.waitFor((m) => m.type === 'update' && m.seq === 8);
    const messages = client.received.filter((m) => m.type !== 'ack') as UpdateMessage[];
    assert.deepEqual(messages.map((m) => [m.type, m.seq, m.data.price]), [
      ['update', 6, 6],
      ['update', 7, 7],
      ['update', 8, 8],
    ]);
    await relay.publish('price:REC', tick('REC', 9));
    await client.waitFor((m) => m.type === 'update' && m.seq === 9);
    await client.close();
  });

  test('a client that is up to date gets nothing until the next update', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:REC'], since: { 'price:REC': 9 } });
    await client.waitFor((m) => m.type === 'ack');
    await relay.publish('price:REC', tick('REC', 10));
    await client.waitFor((m) => m.type === 'update' && m.seq === 10);
    assert.deepEqual(client.received.map((m) => m.type), ['ack', 'update']);
    await client.close();
  });

  test('a gap older than the history gets a fresh snapshot marked recovered: false', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:REC'], since: { 'price:REC': 1 } });
    const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot');
    assert.equal(snapshot.recovered, false);
    assert.equal(snapshot.seq, 10);
    assert.equal(snapshot.data?.price, 10);
    assert.equal(client.received.filter((m) => m.type === 'update').length, 0);
    await client.close();
  });

  test('a since ahead of the channel (e.g. the relay restarted) gets a snapshot marked recovered: false', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:REC'], since: { 'price:REC': 500 } });
    const snapshot = await client.waitFor<SnapshotMessage>((m) => m.type === 'snapshot');
    assert.equal(snapshot.recovered, false);
    assert.equal(snapshot.seq, 10);
    await client.close();
  });

  test('subscribing again with since resynchronizes a subscribed channel', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:REC'] });
    await client.waitFor((m) => m.type === 'snapshot');
    client.send({ type: 'subscribe', id: 2, channels: ['price:REC'], since: { 'price:REC': 8 } });
    await client.waitFor((m) => m.type === 'update' && m.seq === 10);
    await relay.publish('price:REC', tick('REC', 11));
    await client.waitFor((m) => m.type === 'update' && m.seq === 11);
    assert.deepEqual(
      client.received.map((m) => (m.type === 'ack' ? `ack${m.id}` : `${m.type}${'seq' in m ? m.seq : ''}`)),
      ['ack1', 'snapshot10', 'ack2', 'update9', 'update10', 'update11'],
    );
    await client.close();
  });

  test('after a restart on the same port, a since from the old relay gets a snapshot marked recovered: false', async () => {
    const first = await startRelay();
    const port = first.port;
    for (let i = 1; i <= 3; i++) await first.publish('price:RST', tick('RST', i));
    const client = await connect(first.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:RST'] });
    await client.waitFor((m) => m.type === 'snapshot');
    await first.close();
    assert.equal((await client.closed).code, 1001);
    const second = await startRelay({ port });
    try {
      await second.publish('price:RST', tick('RST', 100));
      const again = await connect(second.wsUrl);
      again.send({ type: 'subscribe', id: 1, channels: ['price:RST'], since: { 'price:RST': 3 } });
      const snapshot = await again.waitFor<SnapshotMessage>((m) => m.type === 'snapshot');
      assert.equal(snapshot.recovered, false);
      assert.equal(snapshot.seq, 1);
      assert.equal(snapshot.data?.price, 100);
      await again.close();
    } finally {
      await second.close();
    }
  });

  test('a since from another run of the seqs (its epoch) is not continued, even where the seqs line up', async () => {
    const first = await startRelay();
    const port = first.port;
    for (let i = 1; i <= 3; i++) await first.publish('price:EPO', tick('EPO', i));
    const client = await connect(first.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:EPO'] });
    const ack = await client.waitFor((m) => m.type === 'ack');
    const oldEpoch = 'epoch' in ack ? ack.epoch : undefined;
    assert.match(String(oldEpoch), /^[\w-]{1,64}$/, 'the ack names the epoch');
    await client.waitFor((m) => m.type === 'snapshot');
    await first.close();
    await client.closed;
    // The new run has already passed the client's seq 3: by seq alone, 4 and 5 would look like
    // the updates the client missed.
    const second = await startRelay({ port });
    try {
      for (let i = 1; i <= 5; i++) await second.publish('price:EPO', tick('EPO', 100 + i));
      const again = await connect(second.wsUrl);
      again.send({ type: 'subscribe', id: 1, channels: ['price:EPO'], since: { 'price:EPO': 3 }, epoch: oldEpoch });
      const newAck = await again.waitFor((m) => m.type === 'ack');
      assert.notEqual('epoch' in newAck ? newAck.epoch : undefined, oldEpoch, 'a new process is a new run');
      const snapshot = await again.waitFor<SnapshotMessage>((m) => m.type === 'snapshot');
      assert.equal(snapshot.recovered, false);
      assert.equal(snapshot.seq, 5);
      assert.equal(snapshot.data?.price, 105);
      assert.equal(again.received.filter((m) => m.type === 'update').length, 0, 'no update of the new run passed off as missed');
      // With the current epoch, the same since is continued.
      const current = await connect(second.wsUrl);
      current.send({ type: 'subscribe', id: 1, channels: ['price:EPO'], since: { 'price:EPO': 3 }, epoch: 'epoch' in newAck ? newAck.epoch : undefined });
      await current.waitFor((m) => m.type === 'update' && m.seq === 5);
      assert.deepEqual(current.received.filter((m) => m.type === 'update').map((m) => ('seq' in m ? m.seq : 0)), [4, 5]);
      await Promise.all([again.close(), current.close()]);
    } finally {
      await second.close();
    }
  });
});

test('a relay that cannot listen (port taken) rejects and leaves the other relay serving', async () => {
  const first = await startRelay();
  try {
    await assert.rejects(startRelay({ port: first.port }), /EADDRINUSE/);
    const client = await connect(first.wsUrl);
    client.send({ type: 'ping', t: 1 });
    await client.waitFor((m) => m.type === 'pong');
    await client.close();
  } finally {
    await first.close();
  }
});

test('a recovery larger than the client queue is conflated into a snapshot, never into a false gap', async () => {
  const relay = await startRelay({ limits: { historySize: 500, maxQueuedMessages: 50 } });
  try {
    for (let i = 1; i <= 300; i++) await relay.publish('price:BIG', tick('BIG', i));
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:BIG'], since: { 'price:BIG': 0 } });
    await client.waitFor((m) => (m.type === 'update' || m.type === 'snapshot') && m.seq === 300);
    let last = 0;
    for (const message of client.received) {
      if (message.type === 'update') assert.equal(message.seq, last + 1, 'updates follow each other');
      if (message.type === 'update' || message.type === 'snapshot') last = message.seq;
    }
    assert.equal(last, 300);
    await client.close();
  } finally {
    await relay.close();
  }
});
