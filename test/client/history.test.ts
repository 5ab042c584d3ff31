// History backfill: a core that subscribed a moment ago answers history() with what the relay
// kept (GET /v1/history) merged with what it saw itself; on any HTTP trouble, with its own ring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '../../src/client/core/connection.js';
import { mergeBySeq, parseHistoryBody } from '../../src/client/core/history-fetch.js';
import { epochOf } from '../../src/client/core/relay-http.js';
import { TabFeed } from '../../src/client/tab-feed.js';
import { createHub, localLink } from '../../src/client/transports/direct.js';
import type { FeedUpdate } from '../../src/client/types.js';
import type { Relay } from '../../src/server/relay.js';
import { signToken } from '../server/helpers.js';
import { instrumentedWebSocket, NodeWebSocket, startRelay, waitFor } from './support.js';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const tick = (price: number) => ({ symbol: 'H', price, ts: price });

async function publishMany(relay: Relay, channel: string, from: number, to: number): Promise<void> {
  for (let price = from; price <= to; price++) await relay.publish(channel, tick(price));
}

/** The real fetch, counting the history requests that go through it. */
function countingFetch(rewrite: (url: string) => string = (url) => url) {
  const calls: string[] = [];
  const fetchImpl = ((input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url.includes('/v1/history')) calls.push(url);
    return fetch(rewrite(url), init);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

function assertAscendingRun(updates: FeedUpdate[], first: number, last: number): void {
  assert.deepEqual(updates.map((u) => u.seq), Array.from({ length: last - first + 1 }, (_, i) => first + i));
  assert.deepEqual(updates.map((u) => u.data.price), updates.map((u) => u.seq), 'each seq carries its own value');
}

test('a core that subscribes after 300 updates answers history with all 300, in order, then keeps merging live ones', async () => {
  const relay = await startRelay();
  const { calls, fetchImpl } = countingFetch();
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, fetch: fetchImpl });
  try {
    await publishMany(relay, 'price:BF', 1, 300);
    connection.start();
    connection.retain('price:BF');
    await waitFor('the snapshot', () => connection.get('price:BF')?.seq === 300);
    assert.equal(connection.history('price:BF').length, 1, 'the ring alone saw one value');

    const backfilled = await connection.loadHistory('price:BF', 600);
    assertAscendingRun(backfilled, 1, 300);
    assert.equal(calls.length, 1);
    assert.match(calls[0] as string, /^http:\/\/127\.0\.0\.1:\d+\/v1\/history\?channel=price%3ABF&limit=600$/);

    await publishMany(relay, 'price:BF', 301, 310);
    await waitFor('the live updates', () => connection.get('price:BF')?.seq === 310);
    assertAscendingRun(await connection.loadHistory('price:BF', 600), 1, 310);
    // Without a limit: the ring size (1,200), still backfilled and merged without duplicates.
    assertAscendingRun(await connection.loadHistory('price:BF'), 1, 310);
    assertAscendingRun(await connection.loadHistory('price:BF', 5), 306, 310);
    assert.equal(calls.length, 3, 'a limit the ring covers needs no HTTP');
  } finally {
    connection.close();
    await relay.close();
  }
});

test('history that the relay answers from another run of seqs than the core\'s (another epoch) is not merged with the core\'s', async () => {
  // The socket's relay and, behind the same URL for HTTP, a relay with a store of its own (as a
  // relay restarted between the two, or a node whose store started over): seqs 1… of another run.
  const relay = await startRelay();
  const other = await startRelay();
  const { calls, fetchImpl } = countingFetch((url) => url.replace(relay.httpUrl, other.httpUrl));
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, fetch: fetchImpl });
  try {
    await publishMany(relay, 'price:RUN', 1, 30);
    await publishMany(other, 'price:RUN', 1001, 1040);
    connection.start();
    connection.retain('price:RUN');
    await waitFor('the snapshot', () => connection.get('price:RUN')?.seq === 30);
    assert.equal(connection.epoch, relay.backend.epoch);
    const history = await connection.loadHistory('price:RUN', 100);
    assert.equal(calls.length, 1, 'the relay was asked');
    assert.deepEqual(history.map((u) => [u.seq, u.data.price]), [[30, 30]], 'the core\'s own ring alone, not seqs 1…40 of the other run around it');
  } finally {
    connection.close();
    await relay.close();
    await other.close();
  }
});

test('through a hub and a tab feed: history asked before the hub welcomed the tab is backfilled', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  const feed = new TabFeed(relay.wsUrl, { config: { url: relay.wsUrl } });
  try {
    await publishMany(relay, 'price:TAB', 1, 320);
    const live: FeedUpdate[] = [];
    feed.subscribe('price:TAB', (update) => live.push(update));
    // As <realtime-chart> does on a fresh page: ask at once, before any connection exists.
    const asked = feed.history('price:TAB', 600);
    assert.ok(await feed.attach(localLink(hub), 'direct'), 'the hub welcomes the tab');
    const history = await asked;
    assert.ok(history.length >= 300, `${history.length} entries`);
    assertAscendingRun(history, 1, 320);
    assert.ok(history.every((u) => !('reset' in u)), 'plain updates');
    await waitFor('the live value', () => live.at(-1)?.seq === 320);
  } finally {
    feed.close();
    await relay.close();
  }
});

test('an older relay without /v1/history (404): history falls back to the local ring', async () => {
  const relay = await startRelay();
  // Same relay, but history requests land on a path it does not serve, as on a relay that predates it.
  const { calls, fetchImpl } = countingFetch((url) => url.replace('/v1/history', '/v1/no-such-endpoint'));
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, fetch: fetchImpl });
  try {
    await publishMany(relay, 'price:OLD', 1, 50);
    connection.start();
    connection.retain('price:OLD');
    await waitFor('the snapshot', () => connection.get('price:OLD')?.seq === 50);
    await publishMany(relay, 'price:OLD', 51, 53);
    await waitFor('live updates', () => connection.get('price:OLD')?.seq === 53);
    assertAscendingRun(await connection.loadHistory('price:OLD', 600), 50, 53);
    assert.equal(calls.length, 1, 'it did ask');
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a relay that went away: history answers the local ring promptly', async () => {
  const relay = await startRelay();
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, backoff: { minMs: 5000, maxMs: 5000 } });
  try {
    await publishMany(relay, 'price:GONE', 1, 20);
    connection.start();
    connection.retain('price:GONE');
    await waitFor('the snapshot', () => connection.get('price:GONE')?.seq === 20);
    await publishMany(relay, 'price:GONE', 21, 22);
    await waitFor('live updates', () => connection.get('price:GONE')?.seq === 22);
    await relay.close();
    const started = Date.now();
    assertAscendingRun(await connection.loadHistory('price:GONE', 600), 20, 22);
    assert.ok(Date.now() - started < 5000, 'no long wait');
  } finally {
    connection.close();
  }
});

test('with JWT auth, the backfill sends the bearer token', async () => {
  const relay = await startRelay({ jwtSecret: SECRET });
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, token: await signToken(SECRET, ['price:*']) });
  try {
    await publishMany(relay, 'price:AUTH', 1, 40);
    connection.start();
    connection.retain('price:AUTH');
    await waitFor('the snapshot', () => connection.get('price:AUTH')?.seq === 40);
    assertAscendingRun(await connection.loadHistory('price:AUTH', 100), 1, 40);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('with JWT auth and WebSockets blocked, the polling fallback sends the bearer token and gets values', async () => {
  const relay = await startRelay({ jwtSecret: SECRET });
  const control = instrumentedWebSocket();
  control.blocked = true;
  const connection = new Connection({
    url: relay.wsUrl, WebSocket: control.WebSocket, token: () => signToken(SECRET, ['price:*']),
    pollAfterFailures: 2, pollingInterval: 100, backoff: { minMs: 100, maxMs: 300 },
  });
  try {
    await relay.publish('price:POLL', tick(7));
    connection.start();
    connection.retain('price:POLL');
    await waitFor('polling', () => connection.status.state === 'polling');
    await waitFor('the value by polling', () => connection.get('price:POLL')?.data.price === 7);
    await relay.publish('price:POLL', tick(8));
    await waitFor('the next value by polling', () => connection.get('price:POLL')?.data.price === 8);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('history bodies are read defensively and merged by seq', () => {
  const body = {
    channel: 'price:X',
    updates: [{ seq: 1, data: { price: 1 } }, { seq: 'two', data: {} }, { seq: 3, data: null }, { seq: 2, data: { price: 2 } },
      { seq: 2, data: { price: 22 } }, { seq: 1, data: { price: 1 } }, null, { seq: 4, data: { __proto__: { polluted: true }, price: 4 } }],
  };
  const parsed = parseHistoryBody(body, 'price:X');
  assert.deepEqual(parsed.map((u) => u.seq).slice(0, 2), [1, 2]);
  assert.ok(parsed.every((u, i) => i === 0 || u.seq > (parsed[i - 1] as FeedUpdate).seq));
  assert.deepEqual(parseHistoryBody({ channel: 'price:Y', updates: body.updates }, 'price:X'), [], 'another channel');
  assert.deepEqual(parseHistoryBody('nope', 'price:X'), []);
  assert.equal(epochOf(body), undefined, 'an older relay names no epoch');
  assert.equal(epochOf({ ...body, epoch: 'run-2' }), 'run-2');
  for (const epoch of ['<b>', '', 'x'.repeat(65), 7, null]) assert.equal(epochOf({ ...body, epoch }), undefined, `${JSON.stringify(epoch)}: not an epoch name, taken as none`);
  const local = [{ channel: 'price:X', seq: 2, data: { price: 2, local: true } }, { channel: 'price:X', seq: 3, data: { price: 3 } }];
  const merged = mergeBySeq(parsed, local, 10);
  assert.deepEqual(merged.map((u) => u.seq), [...new Set(merged.map((u) => u.seq))].sort((a, b) => a - b));
  assert.equal(merged.find((u) => u.seq === 2)?.data.local, true, 'the local copy wins');
  assert.deepEqual(mergeBySeq(parsed, local, 2).map((u) => u.seq), merged.slice(-2).map((u) => u.seq));
});
