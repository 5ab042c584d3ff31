// Requests the relay left undone for the moment are made again: a `subscribe` or an `unsubscribe`
// dropped by the rate limit (real relay), and a channel the relay could not read (`internal`, e.g.
// Redis away), also when it was a gap recovery. Without the retry such a channel stays silent — or,
// unsubscribed, keeps coming — until a reconnect. The retry backs off, and starts over after a quiet spell.
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer } from 'ws';
import { Connection } from '../../src/client/core/connection.js';
import { SubscribeRequests, SUBSCRIBE_RETRY_QUIET_MS } from '../../src/client/core/subscribe-requests.js';
import type { ClientMessage } from '../../src/protocol/index.js';
import type { CoreUpdate } from '../../src/client/core/channel-store.js';
import { health, metric, NodeWebSocket, sleep, startRelay, waitFor } from './support.js';

const tick = (symbol: string, price: number) => ({ symbol, price, ts: price });

test('subscribes dropped by the relay\'s rate limit are sent again, and every channel is fed', async () => {
  const relay = await startRelay({ limits: { rateLimitPerSecond: 1, rateLimitBurst: 1 } });
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, fetch: null, random: () => 0 });
  const prices = new Map<string, number>();
  connection.onUpdate((update) => prices.set(update.channel, update.data.price as number));
  try {
    for (const channel of ['price:R1', 'price:R2', 'price:R3']) await relay.publish(channel, tick(channel.slice(6), 1));
    connection.start();
    await waitFor('open', () => connection.status.state === 'open');
    // Three subscribe frames in a row: the first takes the only token, the next two are dropped.
    for (const channel of ['price:R1', 'price:R2', 'price:R3']) {
      connection.retain(channel);
      await sleep(10);
    }
    await waitFor('frames dropped by the rate limit', async () => (await metric(relay, 'market_pulse_messages_dropped_total{reason="rate_limited"}')) >= 2);
    await waitFor('every channel subscribed after the retries', async () => (await health(relay)).subscriptions === 3, 8_000);
    for (const channel of ['price:R1', 'price:R2', 'price:R3']) await relay.publish(channel, tick(channel.slice(6), 2));
    await waitFor('every channel fed', () => [...prices.values()].filter((price) => price === 2).length === 3, 5_000);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a channel the relay could not read, and a gap recovery it refused, are asked for again and caught up', async () => {
  // A raw `ws` server: the in-process relay cannot fail a read. It refuses price:X's first
  // subscribe, and price:G's first gap recovery, with the relay's `internal` error.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const asked: string[] = [];
  const update = (channel: string, seq: number) => ({ type: 'update', channel, seq, data: tick(channel.slice(6), seq) });
  server.on('connection', (socket) => {
    const send = (frame: object) => socket.send(JSON.stringify(frame));
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; id: number; channels: string[]; since?: Record<string, number> };
      if (frame.type !== 'subscribe') return;
      send({ type: 'ack', id: frame.id });
      for (const channel of frame.channels) {
        const turn = asked.filter((c) => c === channel).length;
        asked.push(channel);
        const refuse = () => send({ type: 'error', id: frame.id, channel, code: 'internal', message: 'channel unavailable, retry later: redis away' });
        if (channel === 'price:X') {
          if (turn === 0) refuse();
          else send({ type: 'snapshot', channel, seq: 5, data: tick('X', 5) });
        } else if (turn === 0) {
          // price:G: seq 1, then 3 — a gap the core recovers with `since: 1`.
          send({ type: 'snapshot', channel, seq: 1, data: tick('G', 1) });
          send(update(channel, 3));
        } else if (turn === 1) refuse();
        else for (let seq = (frame.since?.[channel] ?? 0) + 1; seq <= 4; seq++) send(update(channel, seq));
      }
    });
  });
  const connection = new Connection({ url: `ws://127.0.0.1:${(server.address() as { port: number }).port}/ws`, WebSocket: NodeWebSocket, fetch: null, random: () => 0 });
  const seen: CoreUpdate[] = [];
  connection.onUpdate((u) => seen.push(u));
  try {
    connection.start();
    connection.retain('price:X');
    connection.retain('price:G');
    const of = (channel: string) => seen.filter((u) => u.channel === channel).map((u) => u.seq);
    await waitFor('price:X after its retry', () => of('price:X').length === 1, 5_000);
    await waitFor('price:G caught up after its refused recovery', () => of('price:G').at(-1) === 4, 5_000);
    assert.deepEqual(of('price:G'), [1, 2, 3, 4], 'every seq once, in order');
    assert.deepEqual(of('price:X'), [5]);
    assert.equal(connection.status.state, 'open', 'no reconnect was needed');
  } finally {
    connection.close();
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('an unsubscribe dropped by the relay\'s rate limit is sent again: the relay stops the channel', async () => {
  const relay = await startRelay({ limits: { rateLimitPerSecond: 1, rateLimitBurst: 1 } });
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, fetch: null, random: () => 0 });
  try {
    connection.start();
    await waitFor('open', () => connection.status.state === 'open');
    await sleep(1_100); // the token bucket is full again after the connect
    connection.retain('price:U1'); // takes the only token
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    connection.release('price:U1'); // within the same second: dropped
    await waitFor('the unsubscribe dropped by the rate limit', async () => (await metric(relay, 'market_pulse_messages_dropped_total{reason="rate_limited"}')) >= 1);
    await waitFor('the relay no longer serves the channel nobody uses', async () => (await health(relay)).subscriptions === 0, 8_000);
    assert.equal(connection.status.state, 'open', 'no reconnect was needed');
  } finally {
    connection.close();
    await relay.close();
  }
});

test('the retry backs off while the relay keeps refusing, and starts over after a quiet spell', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const frames: ClientMessage[] = [];
  const requests = new SubscribeRequests({
    send: (frame) => frames.push(frame),
    open: () => true,
    inUse: () => true,
    since: () => ({}),
    epoch: () => undefined,
    refuse: () => assert.fail('an internal error is not a refusal for good'),
    random: () => 0.999, // the longest delay of each step
  });
  const internal = { type: 'error', channel: 'price:X', code: 'internal', message: 'retry later' } as const;
  // Seconds from a refusal to the subscribe that asks again.
  const delayAfterRefusal = () => {
    const before = frames.length;
    requests.refused(internal);
    for (let s = 1; s <= 60; s++) {
      mock.timers.tick(1000);
      if (frames.length > before) return s;
    }
    return Infinity;
  };
  try {
    requests.subscribe(['price:X']);
    // Refused again as soon as each retry goes out: 2, 4, 8, 16, 30, 30 s.
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(delayAfterRefusal), [2, 4, 8, 16, 30, 30]);
    mock.timers.tick(SUBSCRIBE_RETRY_QUIET_MS + 1000); // served meanwhile: the next refusal is a new episode
    assert.equal(delayAfterRefusal(), 2, 'the backoff started over');
    assert.equal(delayAfterRefusal(), 4);
  } finally {
    mock.timers.reset();
  }
});
