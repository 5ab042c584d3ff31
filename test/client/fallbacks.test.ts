// The core when things go wrong: a silent server, blocked WebSockets, offline devices, dead ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { WebSocketServer } from 'ws';
import { generateKeyPair, SignJWT } from 'jose';
import { Connection } from '../../src/client/core/connection.js';
import type { CoreUpdate } from '../../src/client/core/channel-store.js';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import type { NetworkMonitor } from '../../src/client/core/network.js';
import type { ConnectionState } from '../../src/client/types.js';
import { health, instrumentedWebSocket, NodeWebSocket, sleep, startRelay, waitFor } from './support.js';

const tick = (price: number) => ({ symbol: 'A', price, ts: price });

function states(connection: Connection): ConnectionState[] {
  const seen: ConnectionState[] = [];
  connection.onStatus((status) => {
    if (seen.at(-1) !== status.state) seen.push(status.state);
  });
  return seen;
}

test('a server that goes silent is detected by the heartbeat within interval + timeout', async () => {
  // A raw `ws` server, because the real relay always answers pings: this one accepts the socket
  // and then never sends a byte, like a hung process or a NAT that dropped the mapping.
  const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => silent.once('listening', resolve));
  const url = `ws://127.0.0.1:${(silent.address() as { port: number }).port}/ws`;
  const connection = new Connection({
    url, WebSocket: NodeWebSocket, fetch: null, heartbeat: { intervalMs: 300, timeoutMs: 400 }, backoff: { minMs: 5000, maxMs: 5000 },
  });
  const seen = states(connection);
  try {
    connection.start();
    await waitFor('open', () => connection.status.state === 'open');
    const openedAt = Date.now();
    await waitFor('the heartbeat to give up', () => connection.status.state === 'reconnecting', 5000);
    const detectedIn = Date.now() - openedAt;
    assert.ok(detectedIn >= 350 && detectedIn < 2500, `detected after ${detectedIn} ms`);
    assert.deepEqual(seen, ['connecting', 'open', 'reconnecting']);
  } finally {
    connection.close();
    for (const client of silent.clients) client.terminate();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('when WebSockets are blocked, values arrive by HTTP polling; when unblocked, the socket takes over', async () => {
  const relay = await startRelay();
  const control = instrumentedWebSocket();
  control.blocked = true;
  const connection = new Connection({
    url: relay.wsUrl, WebSocket: control.WebSocket, pollAfterFailures: 2, pollingInterval: 100, backoff: { minMs: 100, maxMs: 300 },
  });
  const seen: CoreUpdate[] = [];
  connection.onUpdate((update) => seen.push(update));
  try {
    await relay.publish('price:A', tick(1));
    connection.start();
    connection.retain('price:A');
    await waitFor('polling', () => connection.status.state === 'polling');
    assert.equal(connection.status.error?.code, 'websocket_unavailable', 'the status says why');
    await waitFor('the value by polling', () => seen.at(-1)?.data.price === 1);
    await relay.publish('price:A', tick(2));
    await waitFor('the next value by polling', () => seen.at(-1)?.data.price === 2);
    assert.equal((await health(relay)).connections, 0, 'no socket while blocked');
    const probes = control.attempts;
    await waitFor('more WebSocket probes while polling', () => control.attempts > probes + 1);

    control.blocked = false;
    await waitFor('back on the socket', () => connection.status.state === 'open', 8000);
    assert.equal(connection.status.error, null);
    await relay.publish('price:A', tick(3));
    await waitFor('a live update', () => seen.at(-1)?.data.price === 3);
    const seqs = seen.map((u) => u.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'increasing, no duplicates across the switch');
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a polling interval too long for a timer polls once, not in a tight loop, and that poll is not aborted at once', async () => {
  const relay = await startRelay();
  const control = instrumentedWebSocket();
  control.blocked = true;
  let polls = 0;
  const connection = new Connection({
    url: relay.wsUrl, WebSocket: control.WebSocket, pollAfterFailures: 1, pollingInterval: 3e9, backoff: { minMs: 5000, maxMs: 5000 },
    fetch: (input, init) => {
      if (String(input).includes('/v1/snapshot')) polls++;
      return fetch(input, init);
    },
  });
  try {
    await relay.publish('price:A', tick(1));
    connection.start();
    connection.retain('price:A');
    const seen: CoreUpdate[] = [];
    connection.onUpdate((update) => seen.push(update));
    await waitFor('polling', () => connection.status.state === 'polling');
    await sleep(1000);
    assert.ok(polls <= 2, `${polls} polls in a second (an overflowing timer fires at once)`);
    assert.equal(seen.at(-1)?.data.price, 1, 'the value by that poll (its timeout overflowed too, aborting it at once)');
  } finally {
    connection.close();
    await relay.close();
  }
});

test('when WebSockets are blocked and the relay restarts with a new run of seqs, the polled values of the new run replace the old run\'s, at an equal seq as at a higher one', async () => {
  let relay = await startRelay();
  const port = relay.port;
  const control = instrumentedWebSocket();
  control.blocked = true;
  const connection = new Connection({
    url: relay.wsUrl, WebSocket: control.WebSocket, pollAfterFailures: 1, pollingInterval: 100, backoff: { minMs: 5000, maxMs: 5000 },
  });
  const seen: CoreUpdate[] = [];
  connection.onUpdate((update) => seen.push(update));
  const prices = (updates: Array<{ data: { price?: unknown } }>) => updates.map((u) => u.data.price);
  const last = (channel: string) => seen.filter((u) => u.channel === channel).at(-1);
  try {
    connection.start();
    connection.retain('price:EQ');
    connection.retain('price:UP');
    await waitFor('polling', () => connection.status.state === 'polling');
    // The old run: EQ up to seq 3, UP up to seq 2, each value seen by a poll.
    for (const [channel, price] of [['price:EQ', 1], ['price:EQ', 2], ['price:EQ', 3], ['price:UP', 1], ['price:UP', 2]] as const) {
      await relay.publish(channel, tick(price));
      await waitFor(`${channel} ${price} by polling`, () => last(channel)?.data.price === price);
    }
    const oldEpoch = connection.epoch;
    assert.equal(oldEpoch, relay.backend.epoch, 'the core knows the run from the polled answers');

    // A new relay process on the port (a store of its own: seqs 1… again), still without sockets:
    // EQ is back at seq 3, the seq the core holds; UP at seq 5, past it.
    await relay.close();
    const backend = createMemoryBackend();
    for (let price = 101; price <= 103; price++) await backend.publish('price:EQ', tick(price));
    for (let price = 101; price <= 105; price++) await backend.publish('price:UP', tick(price));
    relay = await startRelay({ backend, port });
    await waitFor('the new run of EQ', () => last('price:EQ')?.data.price === 103);
    await waitFor('the new run of UP', () => last('price:UP')?.data.price === 105);
    assert.equal(connection.status.state, 'polling', 'all of it by polling');
    assert.notEqual(connection.epoch, oldEpoch);
    assert.equal(connection.epoch, relay.backend.epoch, 'the core names the new run (tabs are told it with these updates)');
    assert.deepEqual([last('price:EQ')?.seq, last('price:EQ')?.reset], [3, true], 'at the same seq: taken, as a reset, not dropped as a repeat');
    assert.deepEqual([last('price:UP')?.seq, last('price:UP')?.reset], [5, true], 'past the old seq: a reset, not a jump in the old run');
    assert.equal(connection.get('price:EQ')?.data.price, 103);
    assert.deepEqual(prices(connection.history('price:UP')), [105], 'the ring holds the new run only');

    // The history a chart asks for: the new run alone, its older seqs backfilled from the relay.
    await relay.publish('price:UP', tick(106));
    await waitFor('UP 106 by polling', () => last('price:UP')?.data.price === 106);
    assert.deepEqual(prices(await connection.loadHistory('price:UP', 50)), [101, 102, 103, 104, 105, 106]);
    assert.deepEqual(prices(await connection.loadHistory('price:EQ', 50)), [101, 102, 103]);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('offline: the socket is dropped, no retries are made, and coming back online reconnects at once', async () => {
  const relay = await startRelay();
  const control = instrumentedWebSocket();
  let online = true;
  const listeners = new Set<(online: boolean) => void>();
  const network: NetworkMonitor = {
    get onLine() {
      return online;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const setOnline = (value: boolean) => {
    online = value;
    for (const listener of listeners) listener(value);
  };
  // A long backoff: only the `online` event can explain a quick reconnect.
  const connection = new Connection({ url: relay.wsUrl, WebSocket: control.WebSocket, network, fetch: null, backoff: { minMs: 20_000, maxMs: 20_000 } });
  try {
    connection.start();
    await waitFor('open', () => connection.status.state === 'open');
    setOnline(false);
    assert.equal(connection.status.state, 'offline');
    await waitFor('the relay to see the socket go', async () => (await health(relay)).connections === 0);
    const attempts = control.attempts;
    await sleep(500);
    assert.equal(control.attempts, attempts, 'no attempt while offline');
    const back = Date.now();
    setOnline(true);
    await waitFor('open again', () => connection.status.state === 'open', 3000);
    assert.ok(Date.now() - back < 2000, 'reconnected at once, not after the backoff');
  } finally {
    connection.close();
    await relay.close();
  }
});

test('retries against a dead port are spaced by the backoff, never a tight loop', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve)); // now nothing listens there
  const control = instrumentedWebSocket();
  const connection = new Connection({ url: `ws://127.0.0.1:${port}/ws`, WebSocket: control.WebSocket, fetch: null, backoff: { minMs: 150, maxMs: 400 } });
  try {
    connection.start();
    await waitFor('five attempts', () => control.attempts >= 5, 10_000);
    const gaps = control.attemptTimes.slice(1).map((t, i) => t - control.attemptTimes[i]!);
    for (const gap of gaps) assert.ok(gap >= 140, `attempts ${gap} ms apart`);
    assert.equal(connection.status.state, 'reconnecting');
  } finally {
    connection.close();
  }
  const attempts = control.attempts;
  await sleep(500);
  assert.equal(control.attempts, attempts, 'close() stops retrying');
});

test('a relay that closes an opened socket with a reason (1011: its key set is unreachable) is not a blocked WebSocket: the core retries, shows the reason and does not poll', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve)); // the identity provider is down
  const relay = await startRelay({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
  const { privateKey } = await generateKeyPair('ES256');
  const token = await new SignJWT({ channels: ['price:*'] }).setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setExpirationTime('10m').sign(privateKey);
  const control = instrumentedWebSocket();
  const connection = new Connection({
    url: relay.wsUrl, WebSocket: control.WebSocket, token, pollAfterFailures: 2, pollingInterval: 100, backoff: { minMs: 50, maxMs: 100 },
  });
  const seen = states(connection);
  try {
    connection.start();
    connection.retain('price:A');
    await waitFor('four refused sockets, then a wait', () => control.attempts >= 4 && connection.status.state === 'reconnecting');
    assert.equal(connection.status.error?.code, 'close:1011', 'the relay\'s reason, not "websocket_unavailable"');
    assert.match(connection.status.error?.message ?? '', /key set .* unavailable/);
    assert.ok(!seen.includes('polling'), `no polling fallback into the same relay (states: ${seen.join(' → ')})`);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('refusals with a reason do not add up with a later dropped socket to a polling fallback: only failures in a row count', async () => {
  // A raw `ws` server: the first two sockets are closed with 1011 (a relay that cannot check
  // tokens just now), the third is cut without a word, the rest are served.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  let accepted = 0;
  server.on('connection', (socket) => {
    accepted++;
    if (accepted <= 2) return socket.close(1011, 'key set temporarily unavailable');
    if (accepted === 3) return socket.terminate();
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; t?: number };
      if (frame.type === 'ping') socket.send(JSON.stringify({ type: 'pong', t: frame.t }));
    });
  });
  const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/ws`;
  const connection = new Connection({ url, WebSocket: NodeWebSocket, pollAfterFailures: 2, pollingInterval: 100, backoff: { minMs: 30, maxMs: 60 } });
  const seen = states(connection);
  try {
    connection.start();
    await waitFor('the fourth socket to open', () => accepted >= 4 && connection.status.state === 'open');
    assert.ok(!seen.includes('polling'), `one dropped socket after two refusals is not a blocked WebSocket (states: ${seen.join(' → ')})`);
    assert.equal(connection.status.error, null);
  } finally {
    connection.close();
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('malformed frames from the server are dropped without a crash; valid ones still arrive', async () => {
  // A raw `ws` server, because the real relay never sends malformed frames.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; id?: number; t?: number };
      if (frame.type === 'ping') socket.send(JSON.stringify({ type: 'pong', t: frame.t }));
      if (frame.type !== 'subscribe') return;
      for (const junk of [
        'not json', '[]', 'null', '{"type":"update"}', '{"type":"update","channel":"price:A","seq":"1","data":{}}',
        '{"type":"update","channel":"<script>","seq":1,"data":{}}', '{"type":"batch","messages":[{"type":"nope"}]}',
        '{"type":"snapshot","channel":"price:A","seq":1,"data":{"__proto__":{"polluted":true}}}', '{"type":"pong","t":"x"}',
      ]) socket.send(junk);
      socket.send(Buffer.from([0xff, 0x00, 0x13]), { binary: true });
      socket.send(JSON.stringify({ type: 'ack', id: frame.id }));
      socket.send(JSON.stringify({ type: 'snapshot', channel: 'price:A', seq: 1, data: tick(1) }));
      socket.send(JSON.stringify({ type: 'batch', messages: [{ type: 'update', channel: 'price:A', seq: 2, data: tick(2) }] }));
    });
  });
  const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/ws`;
  const connection = new Connection({ url, WebSocket: NodeWebSocket, fetch: null });
  const seen: CoreUpdate[] = [];
  connection.onUpdate((update) => seen.push(update));
  try {
    connection.start();
    connection.retain('price:A');
    await waitFor('the valid updates', () => seen.length === 2);
    assert.deepEqual(seen.map((u) => u.data.price), [1, 2]);
    assert.equal(connection.status.state, 'open');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  } finally {
    connection.close();
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});
