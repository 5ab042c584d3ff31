// Channels the relay leaves unsubscribed for the moment are asked for again: a `subscribe` dropped
// by the rate limit (real relay), and a channel the relay could not read (`internal`, e.g. Redis
// away), also when it was a gap recovery. Without the retry they stay silent until a reconnect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer } from 'ws';
import { Connection } from '../../src/client/core/connection.js';
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
