import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectFeed } from '../../src/client/index.js';
import type { FeedUpdate } from '../../src/client/index.js';
import { health, NodeWebSocket, startRelay, waitFor } from './support.js';

test('connectFeed in direct mode delivers the snapshot, then live updates in order', async () => {
  const relay = await startRelay();
  try {
    await relay.publish('price:BTC-USD', { symbol: 'BTC-USD', price: 100, ts: 1 });
    const feed = connectFeed(relay.wsUrl, { mode: 'direct', WebSocket: NodeWebSocket });
    const seen: FeedUpdate[] = [];
    feed.subscribe('price:BTC-USD', (update) => seen.push(update));
    await waitFor('the snapshot', () => seen.length === 1);
    assert.equal(seen[0]!.data.price, 100);
    assert.equal(feed.status.state, 'open');
    assert.equal(feed.status.mode, 'direct');
    for (let i = 1; i <= 5; i++) await relay.publish('price:BTC-USD', { symbol: 'BTC-USD', price: 100 + i, ts: 1 + i });
    await waitFor('the last update', () => seen.at(-1)?.data.price === 105);
    const seqs = seen.map((update) => update.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seq never goes backwards');
    assert.equal(new Set(seqs).size, seqs.length, 'no update twice');
    assert.equal(feed.get('price:BTC-USD')?.data.price, 105);
    feed.close();
    await waitFor('the relay to see the socket go', async () => (await health(relay)).connections === 0);
  } finally {
    await relay.close();
  }
});

test('two connectFeed calls for one URL share one connection, and close() is refcounted', async () => {
  const relay = await startRelay();
  try {
    const a = connectFeed(relay.wsUrl, { mode: 'direct', WebSocket: NodeWebSocket });
    const b = connectFeed(relay.wsUrl, { mode: 'direct', WebSocket: NodeWebSocket });
    const gotA: number[] = [];
    const gotB: number[] = [];
    a.subscribe('price:ETH-USD', (u) => gotA.push(u.data.price as number));
    b.subscribe('price:ETH-USD', (u) => gotB.push(u.data.price as number));
    await waitFor('open', () => a.status.state === 'open');
    await waitFor('one subscription at the relay', async () => (await health(relay)).subscriptions === 1);
    assert.equal((await health(relay)).connections, 1);
    await relay.publish('price:ETH-USD', { symbol: 'ETH-USD', price: 7, ts: 1 });
    await waitFor('both get the update', () => gotA.includes(7) && gotB.includes(7));
    a.close();
    await relay.publish('price:ETH-USD', { symbol: 'ETH-USD', price: 8, ts: 2 });
    await waitFor('b still gets updates', () => gotB.includes(8));
    assert.ok(!gotA.includes(8), 'a closed handle gets nothing');
    assert.equal((await health(relay)).connections, 1);
    b.close();
    await waitFor('the shared socket closes with the last handle', async () => (await health(relay)).connections === 0);
  } finally {
    await relay.close();
  }
});

test('a malformed URL gives a closed feed that says why, never a throw', () => {
  const feed = connectFeed('not a url at all', { mode: 'direct' });
  assert.equal(feed.status.state, 'closed');
  assert.equal(feed.status.error?.code, 'bad_url');
  assert.doesNotThrow(() => feed.subscribe('price:BTC-USD', () => {})());
});

test('a relay restarted without its history: seq starts over and tabs follow the new values', async () => {
  let relay = await startRelay();
  const port = relay.port;
  const feed = connectFeed(relay.wsUrl, { mode: 'direct', WebSocket: NodeWebSocket, pollingInterval: 60_000 });
  const prices: number[] = [];
  try {
    feed.subscribe('price:R', (update) => prices.push(update.data.price as number));
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    for (let price = 1; price <= 5; price++) await relay.publish('price:R', { symbol: 'R', price, ts: price });
    await waitFor('price 5', () => prices.at(-1) === 5);
    await relay.close();
    relay = await startRelay({ port }); // a new in-memory backend: seq 1 again
    await waitFor('subscribed again', async () => (await health(relay)).subscriptions === 1, 15_000);
    await relay.publish('price:R', { symbol: 'R', price: 100, ts: 100 });
    await waitFor('the first value of the new epoch', () => prices.at(-1) === 100);
    await relay.publish('price:R', { symbol: 'R', price: 101, ts: 101 });
    await waitFor('and the next', () => prices.at(-1) === 101);
    assert.equal(feed.get('price:R')?.seq, 2);
  } finally {
    feed.close();
    await relay.close();
  }
});

test('a status listener that throws (a page bug) does not cut the feed off: updates and statuses keep coming', async () => {
  const relay = await startRelay();
  const logged: unknown[][] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void logged.push(args);
  try {
    const feed = connectFeed(relay.wsUrl, { mode: 'direct', WebSocket: NodeWebSocket });
    const states: string[] = [];
    feed.onStatus(() => {
      throw new Error('a broken status widget');
    });
    feed.onStatus((status) => states.push(status.state));
    const seen: FeedUpdate[] = [];
    feed.subscribe('price:SOL-USD', (update) => seen.push(update));
    await waitFor('open', () => feed.status.state === 'open');
    await relay.publish('price:SOL-USD', { symbol: 'SOL-USD', price: 7, ts: 1 });
    await waitFor('the update', () => seen.at(-1)?.data.price === 7);
    assert.equal(states.at(-1), 'open', 'the other status listener still hears');
    assert.ok(logged.some((args) => String(args[0]).includes('status listener failed')), 'the page bug is logged');
    feed.close();
  } finally {
    console.error = consoleError;
    await relay.close();
  }
});
