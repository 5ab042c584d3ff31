/**
 * The backend reads behind one `subscribe` frame: the last values it needs are read in one backend
 * call (`latestMany`), its recoveries (`since`) in another (`recoverMany`), and a channel whose read fails still gets its own `error` while the others
 * get their snapshots. Real relay and `ws` clients on 127.0.0.1; the backend is the in-process one,
 * wrapped to count (or fail) its reads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerMessage } from '../../src/protocol/index.js';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import type { ChannelBackend, RecoverRequest } from '../../src/server/backend/types.js';
import { connect, startRelay, tick } from './helpers.js';

interface CountingBackend extends ChannelBackend {
  /** Every read, as `[method, channels]`, in the order the relay made them. */
  calls: Array<[string, string[]]>;
}

/**
 * The in-process backend, counting its reads. Reads of `failing` channels fail: `latest` or
 * `recover` of one of them rejects, and so does a `latestMany` or `recoverMany` that includes one
 * (a store that fails the whole batch). `batched: false`: no `latestMany` nor `recoverMany` (a
 * backend of one's own that predates them).
 */
function countingBackend(options: { failing?: string[]; batched?: boolean } = {}): CountingBackend {
  const inner = createMemoryBackend();
  const failing = new Set(options.failing ?? []);
  const calls: Array<[string, string[]]> = [];
  return Object.assign(Object.create(inner) as ChannelBackend, {
    calls,
    async latest(channel: string) {
      calls.push(['latest', [channel]]);
      if (failing.has(channel)) throw new Error(`cannot read ${channel}`);
      return inner.latest(channel);
    },
    latestMany: options.batched === false ? undefined : async (channels: readonly string[]) => {
      calls.push(['latestMany', [...channels]]);
      if (channels.some((channel) => failing.has(channel))) throw new Error('batch read failed');
      return inner.latestMany!(channels);
    },
    async recover(channel: string, since: number) {
      calls.push(['recover', [channel]]);
      if (failing.has(channel)) throw new Error(`cannot read ${channel}`);
      return inner.recover(channel, since);
    },
    recoverMany: options.batched === false ? undefined : async (requests: readonly RecoverRequest[]) => {
      calls.push(['recoverMany', requests.map(({ channel }) => channel)]);
      if (requests.some(({ channel }) => failing.has(channel))) throw new Error('batch recover failed');
      return inner.recoverMany!(requests);
    },
  });
}

const channelMessages = (received: ServerMessage[]) =>
  received.filter((m) => m.type === 'ack' || m.type === 'snapshot' || m.type === 'update' || m.type === 'error');

test('a subscribe of 10 channels reads their last values in one backend call; the ack, then 10 snapshots in the order asked', async () => {
  const backend = countingBackend();
  const relay = await startRelay({ backend });
  try {
    const channels = Array.from({ length: 10 }, (_, i) => `price:S${9 - i}`); // not in publish order
    for (let i = 0; i < 10; i++) {
      for (let k = 1; k <= i + 1; k++) await relay.publish(`price:S${i}`, tick(`S${i}`, i * 100 + k));
    }
    await relay.publish('price:S5', tick('S5', 999)); // S5 ends at seq 7
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 7, channels: [...channels, 'price:EMPTY'] });
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:EMPTY');
    const seen = channelMessages(client.received);
    assert.deepEqual(seen[0], { type: 'ack', id: 7, epoch: backend.epoch });
    assert.deepEqual(seen.slice(1).map((m) => m.type === 'snapshot' && m.channel), [...channels, 'price:EMPTY']);
    for (const message of seen.slice(1, 11)) {
      assert.ok(message.type === 'snapshot');
      const i = Number(message.channel.slice('price:S'.length));
      const seq = i === 5 ? 7 : i + 1;
      assert.equal(message.seq, seq, message.channel);
      assert.equal((message.data as { price: number }).price, i === 5 ? 999 : i * 100 + seq, message.channel);
      assert.equal('recovered' in message, false);
    }
    assert.deepEqual(seen[11], { type: 'snapshot', channel: 'price:EMPTY', seq: 0, data: null });
    assert.deepEqual(backend.calls, [['latestMany', [...channels, 'price:EMPTY']]], 'one read for all 11');
    // Live updates continue each snapshot.
    await relay.publish('price:S3', tick('S3', 1));
    const update = await client.waitFor((m) => m.type === 'update' && m.channel === 'price:S3');
    assert.equal(update.type === 'update' && update.seq, 5);
    await client.close();
  } finally {
    await relay.close();
    await backend.close();
  }
});

test('with since: those channels are recovered together, the others read together; a since of another epoch is a recovered:false snapshot', async () => {
  const backend = countingBackend();
  const relay = await startRelay({ backend });
  try {
    for (const name of ['A', 'B', 'C', 'D']) for (let k = 1; k <= 3; k++) await relay.publish(`price:${name}`, tick(name, k));
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:A', 'price:B', 'price:C', 'price:D'], since: { 'price:B': 1, 'price:D': 3 }, epoch: backend.epoch });
    await client.waitFor((m) => m.type === 'update' && m.channel === 'price:B' && m.seq === 3);
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:C');
    const seen = channelMessages(client.received).map((m) => (m.type === 'ack' ? 'ack' : m.type === 'error' ? 'error' : `${m.type} ${m.channel} ${m.seq}`));
    assert.deepEqual(seen, ['ack', 'snapshot price:A 3', 'update price:B 2', 'update price:B 3', 'snapshot price:C 3']);
    assert.deepEqual(backend.calls, [['latestMany', ['price:A', 'price:C']], ['recoverMany', ['price:B', 'price:D']]]);

    // Another epoch: nothing is recovered; every channel's last value is read in one call.
    backend.calls.length = 0;
    const other = await connect(relay.wsUrl);
    other.send({ type: 'subscribe', id: 2, channels: ['price:A', 'price:B', 'price:C'], since: { 'price:A': 3, 'price:B': 1 }, epoch: 'an-older-run' });
    await other.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:C');
    const snapshots = other.received.filter((m) => m.type === 'snapshot');
    assert.deepEqual(snapshots.map((m) => m.type === 'snapshot' && [m.channel, m.seq, 'recovered' in m ? m.recovered : 'absent']),
      [['price:A', 3, false], ['price:B', 3, false], ['price:C', 3, 'absent']]);
    assert.deepEqual(backend.calls, [['latestMany', ['price:A', 'price:B', 'price:C']]]);
    await Promise.all([client.close(), other.close()]);
  } finally {
    await relay.close();
    await backend.close();
  }
});

for (const batched of [true, false]) {
  test(`one channel whose read fails gets its own internal error; the others their snapshots (${batched ? 'the batched read fails as a whole' : 'latest() per channel'})`, async () => {
    const backend = countingBackend({ failing: ['price:BAD'], batched });
    const relay = await startRelay({ backend });
    try {
      for (const name of ['X', 'BAD', 'Y']) await relay.publish(`price:${name}`, tick(name, 1));
      await relay.publish('price:Y', tick('Y', 2));
      const client = await connect(relay.wsUrl);
      client.send({ type: 'subscribe', id: 3, channels: ['price:X', 'price:BAD', 'price:Y'] });
      await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:Y');
      const error = await client.waitFor((m) => m.type === 'error');
      assert.ok(error.type === 'error');
      assert.deepEqual([error.code, error.id, error.channel], ['internal', 3, 'price:BAD']);
      assert.match(error.message, /channel unavailable, retry later: cannot read price:BAD/);
      assert.deepEqual(client.received.filter((m) => m.type === 'snapshot').map((m) => m.type === 'snapshot' && [m.channel, m.seq]),
        [['price:X', 1], ['price:Y', 2]]);
      assert.deepEqual(client.received.filter((m) => m.type === 'ack').length, 1);
      const perChannel: Array<[string, string[]]> = [['latest', ['price:X']], ['latest', ['price:BAD']], ['latest', ['price:Y']]];
      assert.deepEqual(backend.calls, batched ? [['latestMany', ['price:X', 'price:BAD', 'price:Y']], ...perChannel] : perChannel);

      // The failed channel is not subscribed; the others are live.
      await relay.publish('price:BAD', tick('BAD', 2));
      await relay.publish('price:X', tick('X', 2));
      await client.waitFor((m) => m.type === 'update' && m.channel === 'price:X' && m.seq === 2);
      assert.equal(client.received.some((m) => m.type === 'update' && m.channel === 'price:BAD'), false);
      await client.close();
    } finally {
      await relay.close();
      await backend.close();
    }
  });
}

test('a batched read that answers the wrong number of values is not trusted: each channel is read on its own', async () => {
  const inner = createMemoryBackend();
  const backend: ChannelBackend = Object.assign(Object.create(inner) as ChannelBackend, {
    latestMany: async () => [],
  });
  const relay = await startRelay({ backend });
  try {
    await relay.publish('price:P', tick('P', 1));
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:P', 'price:Q'] });
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:Q');
    assert.deepEqual(client.received.filter((m) => m.type === 'snapshot').map((m) => m.type === 'snapshot' && [m.channel, m.seq]),
      [['price:P', 1], ['price:Q', 0]]);
    await client.close();
  } finally {
    await relay.close();
    await inner.close();
  }
});

for (const batched of [true, false]) {
  test(`a resume with since where one channel's recovery fails: that channel gets its own internal error, the others exactly their missed updates (${batched ? 'recoverMany fails as a whole' : 'recover() per channel'})`, async () => {
    const backend = countingBackend({ failing: ['price:RBAD'], batched });
    const relay = await startRelay({ backend });
    try {
      for (const name of ['RX', 'RBAD', 'RY']) for (let k = 1; k <= 4; k++) await relay.publish(`price:${name}`, tick(name, k));
      const client = await connect(relay.wsUrl);
      client.send({ type: 'subscribe', id: 4, channels: ['price:RX', 'price:RBAD', 'price:RY'], since: { 'price:RX': 2, 'price:RBAD': 2, 'price:RY': 3 }, epoch: backend.epoch });
      const error = await client.waitFor((m) => m.type === 'error');
      await client.waitFor((m) => m.type === 'update' && m.channel === 'price:RY' && m.seq === 4);
      assert.ok(error.type === 'error');
      assert.deepEqual([error.code, error.id, error.channel], ['internal', 4, 'price:RBAD']);
      const seen = channelMessages(client.received).filter((m) => m.type !== 'error')
        .map((m) => (m.type === 'ack' ? 'ack' : `${m.type} ${m.channel} ${m.seq}`));
      assert.deepEqual(seen, ['ack', 'update price:RX 3', 'update price:RX 4', 'update price:RY 4']);
      const perChannel: Array<[string, string[]]> = [['recover', ['price:RX']], ['recover', ['price:RBAD']], ['recover', ['price:RY']]];
      assert.deepEqual(backend.calls, batched ? [['recoverMany', ['price:RX', 'price:RBAD', 'price:RY']], ...perChannel] : perChannel);
      await client.close();
    } finally {
      await relay.close();
      await backend.close();
    }
  });
}

test('a batched recovery that answers the wrong number of recoveries is not trusted: each channel is recovered on its own', async () => {
  const inner = createMemoryBackend();
  const backend: ChannelBackend = Object.assign(Object.create(inner) as ChannelBackend, {
    recoverMany: async () => [],
  });
  const relay = await startRelay({ backend });
  try {
    for (let k = 1; k <= 3; k++) await relay.publish('price:RP', tick('RP', k));
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:RP', 'price:RQ'], since: { 'price:RP': 1, 'price:RQ': 0 }, epoch: backend.epoch });
    await client.waitFor((m) => m.type === 'update' && m.channel === 'price:RP' && m.seq === 3);
    await new Promise((resolve) => setTimeout(resolve, 50)); // nothing else may follow
    assert.deepEqual(client.received.filter((m) => m.type === 'update' || m.type === 'snapshot').map((m) => (m.type === 'update' || m.type === 'snapshot') && [m.type, m.channel, m.seq]),
      [['update', 'price:RP', 2], ['update', 'price:RP', 3]]);
    await client.close();
  } finally {
    await relay.close();
    await inner.close();
  }
});
