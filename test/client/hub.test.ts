// The hub between tabs and the core, driven over the port protocol as a tab would, with the real relay.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { createHub } from '../../src/client/transports/direct.js';
import { Hub } from '../../src/client/hub.js';
import { Connection } from '../../src/client/core/connection.js';
import { PORT_PROTOCOL_VERSION, type HubMessage, type TabMessage } from '../../src/client/port-protocol.js';
import { health, NodeWebSocket, sleep, startRelay, waitFor } from './support.js';

const ports: Array<{ disconnect(): void }> = [];
afterEach(() => {
  // Disconnecting every tab closes each hub's connection, so no retry timer outlives its test.
  for (const port of ports.splice(0)) port.disconnect();
});

function tab(hub: ReturnType<typeof createHub>, url: string, channels: string[], extra: Partial<Extract<TabMessage, { type: 'hello' }>> = {}) {
  const inbox: HubMessage[] = [];
  const port = hub.connect((message) => inbox.push(message));
  ports.push(port);
  port.receive({ type: 'hello', v: PORT_PROTOCOL_VERSION, tab: `t${Math.random()}`, config: { url }, hidden: false, hasToken: false, channels, since: {}, ...extra });
  const updates = () => inbox.filter((m): m is Extract<HubMessage, { type: 'updates' }> => m.type === 'updates');
  const lastPrice = (channel: string) => updates().flatMap((m) => m.updates).filter((u) => u.channel === channel).at(-1)?.data.price;
  return { port, inbox, updates, lastPrice };
}

test('a flood of ticks becomes at most one message per tab per frame, carrying the latest value', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  try {
    const visible = tab(hub, relay.wsUrl, ['price:F']);
    const hidden = tab(hub, relay.wsUrl, ['price:F'], { hidden: true });
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    const started = Date.now();
    for (let price = 1; price <= 300; price++) void relay.publish('price:F', { symbol: 'F', price, ts: price });
    await waitFor('the last value in the visible tab', () => visible.lastPrice('price:F') === 300);
    const elapsed = Date.now() - started;
    const frames = visible.updates().length;
    assert.ok(frames < 150, `${frames} messages for 300 ticks`);
    assert.ok(frames <= Math.ceil(elapsed / 16) + 2, `${frames} messages in ${elapsed} ms: about one per frame at most`);
    for (const message of visible.updates()) {
      assert.equal(new Set(message.updates.map((u) => u.channel)).size, message.updates.length, 'one value per channel per message');
    }
    await waitFor('the hidden tab, later', () => hidden.lastPrice('price:F') === 300, 5000);
    const hiddenMessages = hidden.updates().length;
    assert.ok(hiddenMessages <= Math.ceil((Date.now() - started) / 1000) + 1, `hidden tab: ${hiddenMessages} messages, at most one a second`);
    assert.ok(hiddenMessages < frames || frames <= 2, `hidden tab: ${hiddenMessages} messages, visible: ${frames}`);
    assert.equal((await health(relay)).connections, 1);
  } finally {
    await relay.close();
  }
});

test('a new tab gets the cached value in the same turn as its hello, before any network round trip', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  try {
    const first = tab(hub, relay.wsUrl, ['price:C']);
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    await relay.publish('price:C', { symbol: 'C', price: 7, ts: 1 });
    await waitFor('first tab fed', () => first.lastPrice('price:C') === 7);
    const second = tab(hub, relay.wsUrl, ['price:C']);
    assert.equal(second.inbox[0]?.type, 'welcome');
    assert.equal(second.lastPrice('price:C'), 7, 'synchronously, from the cache');
  } finally {
    await relay.close();
  }
});

test('a tab that leaves releases only its channels; the last tab out closes the socket', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  try {
    const a = tab(hub, relay.wsUrl, ['price:S', 'price:A1']);
    const b = tab(hub, relay.wsUrl, ['price:S']);
    await waitFor('2 subscriptions', async () => (await health(relay)).subscriptions === 2);
    a.port.receive({ type: 'bye' });
    await waitFor('A1 released', async () => (await health(relay)).subscriptions === 1);
    b.port.receive({ type: 'unsubscribe', channels: ['price:S'] });
    await waitFor('S released', async () => (await health(relay)).subscriptions === 0);
    assert.equal((await health(relay)).connections, 1, 'b is still there');
    b.port.disconnect();
    await waitFor('socket closed', async () => (await health(relay)).connections === 0);
    assert.equal(hub.size, 0);
  } finally {
    await relay.close();
  }
});

test('garbage from a tab is ignored; the hub keeps serving', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  try {
    const a = tab(hub, relay.wsUrl, ['price:G']);
    for (const junk of [null, 42, 'hello', { type: 'subscribe', channels: ['<img onerror=x>'] }, { type: 'history', id: 'x' }, { type: '__proto__' },
      { type: 'hello', v: PORT_PROTOCOL_VERSION, tab: 'x', config: { url: relay.wsUrl, pollingInterval: 'fast' }, hidden: false, hasToken: false, channels: [], since: {} },
      { type: 'hello', v: PORT_PROTOCOL_VERSION, tab: 'x', config: { url: relay.wsUrl }, lock: {}, hidden: false, hasToken: false, channels: [], since: {} }]) {
      assert.doesNotThrow(() => a.port.receive(junk));
    }
    await relay.publish('price:G', { symbol: 'G', price: 1, ts: 1 });
    await waitFor('still fed', () => a.lastPrice('price:G') === 1);
    assert.equal((await health(relay)).subscriptions, 1);
  } finally {
    await relay.close();
  }
});

test('the hub asks a tab for the token, and status carries latency and message stats', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  try {
    const a = tab(hub, relay.wsUrl, ['price:K'], { hasToken: true });
    const request = await waitFor('a token request', () => a.inbox.find((m) => m.type === 'token-request'));
    a.port.receive({ type: 'token', id: (request as { id: number }).id, token: 'opaque-token' });
    await waitFor('open', () => hub.core?.status.state === 'open');
    for (let price = 1; price <= 20; price++) await relay.publish('price:K', { symbol: 'K', price, ts: price });
    await waitFor('stats', () => {
      const { stats } = hub.core!.status;
      return stats.latencyMs !== null && stats.lastMessageAt !== null;
    });
    const statuses = () => a.inbox.filter((m): m is Extract<HubMessage, { type: 'status' }> => m.type === 'status');
    // The rate counts whole seconds, pushed by a once-a-second tick: allow a few ticks.
    await waitFor('messages per second reported to the tab', () => statuses().some((m) => m.status.stats.messagesPerSecond > 0), 5000);
    assert.ok(statuses().every((m) => m.status.mode === 'direct'));
  } finally {
    await relay.close();
  }
});

test('a tab that leaves while asked for a token is not waited for: another tab with a token source is asked at once', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  try {
    const a = tab(hub, relay.wsUrl, ['price:L'], { hasToken: true });
    const b = tab(hub, relay.wsUrl, ['price:L'], { hasToken: true });
    await waitFor('a token request to the first tab', () => a.inbox.some((m) => m.type === 'token-request'));
    assert.ok(!b.inbox.some((m) => m.type === 'token-request'), 'one tab is asked at a time');
    const leftAt = Date.now();
    a.port.disconnect(); // closed before it answered
    const request = await waitFor('a token request to the other tab', () => b.inbox.find((m) => m.type === 'token-request'), 1000);
    assert.ok(Date.now() - leftAt < 1000, 'asked at once, not after the 5 s timeout');
    b.port.receive({ type: 'token', id: (request as { id: number }).id, token: 'from-b' });
    await waitFor('open', () => hub.core?.status.state === 'open', 1000);
  } finally {
    await relay.close();
  }
});

const SECRET = 'test-secret-test-secret-test-secret';
/** A token for `price:*` signed with SECRET that expires `inSeconds` from now (negative: expired). */
const signToken = (inSeconds: number) => new SignJWT({ channels: ['price:*'] }).setProtectedHeader({ alg: 'HS256' })
  .setExpirationTime(Math.floor(Date.now() / 1000) + inSeconds).sign(new TextEncoder().encode(SECRET));
/** A hub whose core retries within 50–200 ms. */
const fastHub = () => new Hub({ createConnection: (config, token) => new Connection({ url: config.url, token, mode: 'direct', WebSocket: NodeWebSocket, backoff: { minMs: 50, maxMs: 200 }, fetch: null }) });

/** Answers every token request the tab gets with `token()`, as a tab with a token source does; returns a stop function. */
function answerTokens(asked: ReturnType<typeof tab>, token: () => Promise<string>): () => void {
  const answered = new Set<number>();
  const timer = setInterval(() => {
    for (const m of asked.inbox) {
      if (m.type !== 'token-request' || answered.has(m.id)) continue;
      answered.add(m.id);
      void token().then((value) => asked.port.receive({ type: 'token', id: m.id, token: value }));
    }
  }, 10);
  return () => clearInterval(timer);
}

const tokenRequests = (asked: ReturnType<typeof tab>) => asked.inbox.filter((m) => m.type === 'token-request').length;

test('a tab whose fixed token has expired is not asked again and again: the next request goes to a tab with a fresh one', async () => {
  const relay = await startRelay({ jwtSecret: SECRET });
  const hub = fastHub();
  // Two tabs of one site with fixed tokens: one opened an hour ago (its token has expired), one just now.
  const stale = signToken(-60);
  const fresh = signToken(600);
  const a = tab(hub, relay.wsUrl, ['price:E'], { hasToken: true });
  const b = tab(hub, relay.wsUrl, ['price:E'], { hasToken: true });
  const stops = [answerTokens(a, () => stale), answerTokens(b, () => fresh)];
  try {
    await waitFor('open with the fresh token', async () => hub.core?.status.state === 'open' && (await health(relay)).subscriptions === 1, 3000);
    // Asked again once after the relay refused its token (a refresh of a good tab would come from
    // it too); its answer, the same expired token, fails at once, and the next request goes to the other tab.
    assert.equal(tokenRequests(a), 2, 'the tab with the expired token was not asked again and again');
    await relay.publish('price:E', { symbol: 'E', price: 1, ts: 1 });
    await waitFor('both tabs fed', () => a.lastPrice('price:E') === 1 && b.lastPrice('price:E') === 1);
  } finally {
    for (const stop of stops) stop();
    await relay.close();
  }
});

test('while its tokens work, the tab asked last is asked again: refreshes do not hop between tabs', async () => {
  const relay = await startRelay({ jwtSecret: SECRET });
  const hub = fastHub();
  const a = tab(hub, relay.wsUrl, ['price:R'], { hasToken: true });
  const b = tab(hub, relay.wsUrl, ['price:R'], { hasToken: true });
  // Tokens that live 4–5 s (`exp` is in whole seconds): the core asks for a fresh one at 80 % of
  // the time left, so each answer has 0.8 s or more to reach the relay before the old token expires,
  // even on a loaded machine. (2 s tokens left as little as 0 ms: the relay closed the socket.)
  const stops = [answerTokens(a, () => signToken(5)), answerTokens(b, () => signToken(5))];
  try {
    await waitFor('open', () => hub.core?.status.state === 'open', 3000);
    await waitFor('two refreshes ahead of expiry', () => tokenRequests(a) + tokenRequests(b) >= 3, 15_000);
    assert.deepEqual([tokenRequests(a), tokenRequests(b)], [tokenRequests(a), 0], 'every request to the same tab');
    assert.equal(hub.core?.status.state, 'open');
  } finally {
    for (const stop of stops) stop();
    await relay.close();
  }
});

test('a slow token endpoint (a cold start: 6 s) is waited for; the hub does not give up and ask again', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  try {
    const a = tab(hub, relay.wsUrl, ['price:S'], { hasToken: true });
    const request = await waitFor('a token request', () => a.inbox.find((m) => m.type === 'token-request'));
    await sleep(6000);
    a.port.receive({ type: 'token', id: (request as { id: number }).id, token: 'slow-token' });
    await waitFor('open with that token', () => hub.core?.status.state === 'open', 2000);
    assert.equal(a.inbox.filter((m) => m.type === 'token-request').length, 1, 'asked once');
    assert.equal(hub.core?.status.error, null);
  } finally {
    await relay.close();
  }
});

test('a hidden tab that is shown again gets its pending values at once', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  try {
    const visible = tab(hub, relay.wsUrl, ['price:V']);
    const hidden = tab(hub, relay.wsUrl, ['price:V'], { hidden: true });
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    await relay.publish('price:V', { symbol: 'V', price: 5, ts: 1 });
    await waitFor('the visible tab', () => visible.lastPrice('price:V') === 5);
    assert.equal(hidden.lastPrice('price:V'), undefined, 'the hidden tab waits for its slow tick');
    hidden.port.receive({ type: 'visibility', hidden: false });
    assert.equal(hidden.lastPrice('price:V'), 5, 'flushed in the same turn');
  } finally {
    await relay.close();
  }
});

test('the first tick after a quiet interval reaches the tab at once; the next waits for the interval', async () => {
  const relay = await startRelay();
  // A long interval makes "at once" and "waits" easy to tell apart on a loaded machine.
  const hub = new Hub({
    frameMs: 4000,
    createConnection: (config, token) => new Connection({ url: config.url, token, mode: 'direct', WebSocket: NodeWebSocket }),
  });
  try {
    const visible = tab(hub, relay.wsUrl, ['price:Q']);
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    await waitFor('the snapshot batch', () => visible.updates().length >= 1 || visible.inbox.some((m) => m.type === 'status'));
    await new Promise((resolve) => setTimeout(resolve, 4100)); // let any interval started by the snapshot pass
    const sentAt = Date.now();
    await relay.publish('price:Q', { symbol: 'Q', price: 1, ts: 1 });
    await waitFor('the first tick', () => visible.lastPrice('price:Q') === 1);
    assert.ok(Date.now() - sentAt < 2000, `first tick took ${Date.now() - sentAt} ms, not one interval`);
    await relay.publish('price:Q', { symbol: 'Q', price: 2, ts: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(visible.lastPrice('price:Q'), 1, 'the second tick waits for the interval');
    await waitFor('the second tick', () => visible.lastPrice('price:Q') === 2, 8000);
  } finally {
    await relay.close();
  }
});

/** Wall-clock ms, as the hub and the tabs' frame reports count them. */
const epochNow = () => performance.timeOrigin + performance.now();

test("with the tab's frame grid, a second update in one frame is held until just before the next frame, not a frame later", async () => {
  const relay = await startRelay();
  const hub = new Hub({ createConnection: (config, token) => new Connection({ url: config.url, token, mode: 'direct', WebSocket: NodeWebSocket }) });
  try {
    const arrivedAt = new Map<number, number>();
    const postedAt = new Map<number, number>();
    const port = hub.connect((message) => {
      if (message.type === 'updates') for (const u of message.updates) postedAt.set(u.data.price as number, epochNow());
    });
    ports.push(port);
    port.receive({ type: 'hello', v: PORT_PROTOCOL_VERSION, tab: 'grid', config: { url: relay.wsUrl }, hidden: false, hasToken: false, channels: ['price:GR'], since: {} });
    hub.core!.onUpdate((u) => arrivedAt.set(u.data.price as number, epochNow()));
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    await relay.publish('price:GR', { symbol: 'GR', price: 1, ts: 1 });
    await waitFor('the first tick', () => postedAt.has(1));
    assert.ok(postedAt.get(1)! - arrivedAt.get(1)! < 5, 'a quiet tab gets an update in the turn it arrives');

    // Frames every 100 ms, the last one 20 ms ago: the batch slot for the next frame opens 4 ms before it.
    const frameAt = postedAt.get(1)! - 20;
    port.receive({ type: 'frames', at: frameAt, interval: 100 });
    const nextSlot = frameAt + 100 - 4;
    await relay.publish('price:GR', { symbol: 'GR', price: 2, ts: 2 });
    await waitFor('the second tick', () => postedAt.has(2));
    // Held until the slot opens (or, on a machine slow enough to deliver it after that, sent at once).
    assert.ok(postedAt.get(2)! >= nextSlot - 1.5, `posted ${(nextSlot - postedAt.get(2)!).toFixed(1)} ms before the slot opened`);
    assert.ok(postedAt.get(2)! - Math.max(nextSlot, arrivedAt.get(2)!) < 50, 'posted when the slot opened, not a frame later');
  } finally {
    await relay.close();
  }
});

test("with the tab's frame grid, a flood is one batch per frame", async () => {
  const relay = await startRelay();
  const hub = new Hub({ createConnection: (config, token) => new Connection({ url: config.url, token, mode: 'direct', WebSocket: NodeWebSocket }) });
  try {
    const visible = tab(hub, relay.wsUrl, ['price:GF']);
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    const interval = 50;
    visible.port.receive({ type: 'frames', at: epochNow(), interval });
    const before = visible.updates().length;
    const started = epochNow();
    for (let price = 1; price <= 400; price++) void relay.publish('price:GF', { symbol: 'GF', price, ts: price });
    await waitFor('the last value', () => visible.lastPrice('price:GF') === 400);
    const batches = visible.updates().length - before;
    const frames = Math.ceil((epochNow() - started) / interval) + 1;
    assert.ok(batches <= frames, `${batches} batches in ${frames} frames`);
  } finally {
    await relay.close();
  }
});

test('frame reports that are not a frame rate are ignored', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  try {
    const a = tab(hub, relay.wsUrl, ['price:GJ']);
    for (const junk of [{ type: 'frames', at: 'now', interval: 16 }, { type: 'frames', at: 1, interval: 0 }, { type: 'frames', at: 1, interval: 1e9 },
      { type: 'frames', at: Number.NaN, interval: 16 }, { type: 'frames', at: 1 }]) {
      assert.doesNotThrow(() => a.port.receive(junk));
    }
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    await relay.publish('price:GJ', { symbol: 'GJ', price: 1, ts: 1 });
    await waitFor('still fed', () => a.lastPrice('price:GJ') === 1);
  } finally {
    await relay.close();
  }
});
