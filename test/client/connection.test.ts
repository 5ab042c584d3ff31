// The connection core against the real relay on 127.0.0.1: refcounts, resume, gaps, auth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { Connection, type ConnectionOptions } from '../../src/client/core/connection.js';
import type { CoreUpdate } from '../../src/client/core/channel-store.js';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import type { Relay } from '../../src/server/relay.js';
import { health, instrumentedWebSocket, metric, NodeWebSocket, sleep, startRelay, waitFor } from './support.js';

const FAST = { backoff: { minMs: 50, maxMs: 200 }, fetch: null } satisfies Partial<ConnectionOptions>;
const tick = (price: number) => ({ symbol: 'A', price, ts: price });

/** The JWT secret of the tests' token-checking relays. */
const SECRET = 'test-secret-test-secret-test-secret';
/** A token for `price:*` signed with SECRET, expiring at `exp` (seconds since the epoch, or a span like '10m'). */
const signToken = (exp: number | string) => new SignJWT({ channels: ['price:*'] }).setProtectedHeader({ alg: 'HS256' })
  .setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));

function collect(connection: Connection): CoreUpdate[] {
  const seen: CoreUpdate[] = [];
  connection.onUpdate((update) => seen.push(update));
  return seen;
}

test('many users of a channel cost one subscribe; the relay hears unsubscribe only when the last leaves', async () => {
  const relay = await startRelay();
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, ...FAST });
  try {
    connection.start();
    for (let i = 0; i < 3; i++) connection.retain('price:A');
    await waitFor('one subscription', async () => (await health(relay)).subscriptions === 1);
    assert.equal(await metric(relay, 'market_pulse_messages_in_total{type="subscribe"}'), 1);
    connection.release('price:A');
    connection.release('price:A');
    await sleep(100);
    assert.equal((await health(relay)).subscriptions, 1, 'still subscribed while a user is left');
    assert.equal(await metric(relay, 'market_pulse_messages_in_total{type="unsubscribe"}'), 0);
    connection.release('price:A');
    await waitFor('the unsubscribe', async () => (await health(relay)).subscriptions === 0);
    assert.equal(await metric(relay, 'market_pulse_messages_in_total{type="unsubscribe"}'), 1);
  } finally {
    connection.close();
    await relay.close();
  }
});

/**
 * A core following `price:A` on `relay` through updates 1..`count`; then the relay stops and the
 * core is reconnecting. The caller restarts a relay on the same port and closes the core.
 */
async function followUntilRelayStops(relay: Relay, count: number): Promise<{ connection: Connection; seen: CoreUpdate[] }> {
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, ...FAST });
  const seen = collect(connection);
  connection.start();
  connection.retain('price:A');
  await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
  for (let price = 1; price <= count; price++) await relay.publish('price:A', tick(price));
  await waitFor(`seq ${count}`, () => seen.at(-1)?.seq === count);
  await relay.close();
  await waitFor('the core to notice', () => connection.status.state === 'reconnecting');
  return { connection, seen };
}

test('after the relay restarts, the core resumes with since: every update once, in order', async () => {
  const backend = createMemoryBackend({ historySize: 100 });
  let relay = await startRelay({ backend });
  const port = relay.port;
  const { connection, seen } = await followUntilRelayStops(relay, 5);
  try {
    for (let price = 6; price <= 10; price++) await backend.publish('price:A', tick(price)); // while nobody listens
    relay = await startRelay({ backend, port });
    await waitFor('open again', () => connection.status.state === 'open');
    await waitFor('the missed updates', () => seen.at(-1)?.seq === 10);
    for (let price = 11; price <= 15; price++) await relay.publish('price:A', tick(price));
    await waitFor('seq 15', () => seen.at(-1)?.seq === 15);
    assert.deepEqual(seen.map((u) => u.seq), Array.from({ length: 15 }, (_, i) => i + 1));
    assert.deepEqual(seen.map((u) => u.data.price), Array.from({ length: 15 }, (_, i) => i + 1));
  } finally {
    connection.close();
    await relay.close();
    await backend.close();
  }
});

test('a relay restarted without its history, already past our seq, resets the channel instead of passing its seqs off as missed ones', async () => {
  let relay = await startRelay();
  const port = relay.port;
  const { connection, seen } = await followUntilRelayStops(relay, 3);
  try {
    // A new process with a store of its own (a new run of seqs) that has published 5 already.
    const backend = createMemoryBackend();
    for (let price = 101; price <= 105; price++) await backend.publish('price:A', tick(price));
    relay = await startRelay({ backend, port });
    await waitFor('open again', () => connection.status.state === 'open');
    await waitFor('the new run', () => seen.at(-1)?.data.price === 105);
    const after = seen.slice(3);
    assert.deepEqual(after.map((u) => [u.seq, u.data.price, u.reset === true]), [[5, 105, true]], 'one reset to the new run, not 4 and 5 as if missed');
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a lost frame is noticed from the seq gap and recovered: no update missing, none twice', async () => {
  const relay = await startRelay();
  const control = instrumentedWebSocket();
  let dropped = false;
  control.dropFrame = (raw) => {
    if (dropped || !/"seq":3[,}]/.test(raw)) return false;
    dropped = true;
    return true;
  };
  const connection = new Connection({ url: relay.wsUrl, WebSocket: control.WebSocket, ...FAST });
  const seen = collect(connection);
  try {
    connection.start();
    connection.retain('price:A');
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    for (let price = 1; price <= 10; price++) {
      await relay.publish('price:A', tick(price));
      // One frame per update, so that losing one frame loses exactly one update.
      await waitFor(`update ${price} handled`, () => (price === 3 ? dropped : (seen.at(-1)?.seq ?? 0) >= price));
    }
    assert.ok(dropped);
    assert.deepEqual(seen.map((u) => u.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(await metric(relay, 'market_pulse_messages_in_total{type="subscribe"}'), 2, 'one resubscribe with since');
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a rejected token is terminal: state closed with the close code, and no retry', async () => {
  const relay = await startRelay({ jwtSecret: SECRET });
  const control = instrumentedWebSocket();
  const connection = new Connection({ url: relay.wsUrl, WebSocket: control.WebSocket, token: 'not.a.jwt', ...FAST });
  try {
    connection.start();
    connection.retain('price:A');
    await waitFor('closed', () => connection.status.state === 'closed');
    assert.equal(connection.status.error?.code, 'close:4501');
    await sleep(600); // many backoff periods of 50–200 ms
    assert.equal(control.attempts, 1, 'no reconnect after a terminal code');
    connection.reconnect(); // the retry button still works
    await waitFor('a second attempt', () => control.attempts === 2);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a page of an origin the relay does not allow is told so: closed with 4503 and the origin, no retry, no polling', async () => {
  const relay = await startRelay({ allowedOrigins: ['https://shop.example'] });
  const control = instrumentedWebSocket();
  control.origin = 'https://blog.example';
  const connection = new Connection({ url: relay.wsUrl, WebSocket: control.WebSocket, ...FAST, fetch: globalThis.fetch });
  try {
    connection.start();
    connection.retain('price:A');
    await waitFor('closed', () => connection.status.state === 'closed');
    assert.deepEqual(connection.status.error, { code: 'close:4503', message: 'origin not allowed: https://blog.example' });
    await sleep(600); // many backoff periods of 50–200 ms: before, each refused upgrade was retried, then polled
    assert.equal(control.attempts, 1, 'no reconnect after a terminal code');
    assert.equal(connection.status.state, 'closed', 'no polling fallback either');
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a token provider is asked again before expiry, and after an expired token', async () => {
  const relay = await startRelay({ jwtSecret: SECRET });
  const control = instrumentedWebSocket();
  let calls = 0;
  // First an expired token (the relay closes 4004), then tokens that live 3–4 s (`exp` is in whole
  // seconds): refreshed at 80 % of the time left, each has 0.6 s or more to reach the relay.
  const token = () => (++calls === 1 ? signToken(Math.floor(Date.now() / 1000) - 10) : signToken(Math.floor(Date.now() / 1000) + 4));
  const connection = new Connection({ url: relay.wsUrl, WebSocket: control.WebSocket, token, ...FAST });
  const seen = collect(connection);
  try {
    connection.start();
    connection.retain('price:A');
    await waitFor('open with a fresh token', async () => connection.status.state === 'open' && (await health(relay)).subscriptions === 1);
    assert.equal(control.attempts, 2, 'one reconnect after the expired token');
    const attempts = control.attempts;
    await sleep(5500); // past the 4 s lifetime of the first good token
    assert.equal(control.attempts, attempts, 'refreshed in place: the relay never had to close us');
    assert.ok(calls >= 3, `provider asked again before expiry (calls: ${calls})`);
    await relay.publish('price:A', tick(1));
    await waitFor('still receiving', () => seen.length === 1);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a token that lives longer than a timer can wait (30 days) is not refreshed in a loop', async () => {
  const relay = await startRelay({ jwtSecret: SECRET });
  let calls = 0;
  const token = () => {
    calls++;
    return signToken('30d');
  };
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, token, ...FAST });
  const seen = collect(connection);
  try {
    connection.start();
    connection.retain('price:A');
    await waitFor('open and subscribed', async () => connection.status.state === 'open' && (await health(relay)).subscriptions === 1);
    await sleep(500);
    // Before, the refresh timer (30 days less 30 s, past setTimeout's 2^31−1 ms) fired at once,
    // again and again: thousands of provider calls and auth frames, until the rate limit closed us.
    assert.equal(calls, 1, 'the provider was asked once, at connect');
    assert.equal(connection.status.state, 'open');
    await relay.publish('price:A', tick(1));
    await waitFor('still receiving', () => seen.length === 1);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a token provider that fails for a while (its endpoint answers 500) is retried with backoff; the feed is not closed for good', async () => {
  // A short auth deadline: before, a failed provider meant connecting without a token, and the
  // relay's 4500 at the deadline is terminal, so the feed stayed closed until a reload.
  const relay = await startRelay({ jwtSecret: SECRET, limits: { authDeadlineMs: 300 } });
  let calls = 0;
  const token = async () => {
    if (++calls <= 2) throw new Error('token endpoint answered 500');
    return signToken('10m');
  };
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, token, ...FAST });
  const errors: string[] = [];
  connection.onStatus((status) => status.error && errors.push(`${status.state} ${status.error.code}: ${status.error.message}`));
  const seen = collect(connection);
  try {
    connection.start();
    connection.retain('price:A');
    await waitFor('open and subscribed once the provider works', async () => connection.status.state === 'open' && (await health(relay)).subscriptions === 1, 5000);
    assert.equal(calls, 3);
    assert.ok(errors.some((e) => /^reconnecting token_unavailable: .*token endpoint answered 500/.test(e)), `the reason is shown while retrying (${errors.join('; ')})`);
    assert.ok(!errors.some((e) => e.startsWith('closed')), 'never closed');
    assert.equal(connection.status.error, null, 'cleared once open');
    await relay.publish('price:A', tick(1));
    await waitFor('receiving', () => seen.length === 1);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a token provider that throws something odd (null, an object that cannot be printed) is retried all the same', async () => {
  const relay = await startRelay({ jwtSecret: SECRET, limits: { authDeadlineMs: 300 } });
  const oddities: unknown[] = [null, Object.create(null), { message: { not: 'a string' } }];
  let calls = 0;
  const token = async () => {
    if (calls < oddities.length) throw oddities[calls++];
    calls++;
    return signToken('10m');
  };
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, token, ...FAST });
  try {
    connection.start();
    connection.retain('price:A');
    await waitFor('open once the provider works', async () => connection.status.state === 'open' && (await health(relay)).subscriptions === 1, 5000);
    assert.equal(calls, oddities.length + 1);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('a fixed token that has expired is not sent again and again: the core says so and stops opening sockets with it', async () => {
  const relay = await startRelay({ jwtSecret: SECRET });
  const expired = await signToken(Math.floor(Date.now() / 1000) - 60);
  const control = instrumentedWebSocket();
  const connection = new Connection({ url: relay.wsUrl, WebSocket: control.WebSocket, token: expired, ...FAST });
  try {
    const published: string[] = [];
    connection.onStatus((status) => published.push(`${status.state} ${status.error?.code}`));
    connection.start();
    connection.retain('price:A');
    // Published to listeners (the elements), not only readable: the state stays `reconnecting`.
    await waitFor('the expiry to be published', () => published.includes('reconnecting token_expired'));
    await sleep(1000); // the backoff is 50–200 ms: before, a socket every few hundred ms, each refused
    assert.equal(control.attempts, 1, 'one socket: the same expired token is not offered again');
    assert.equal(connection.status.state, 'reconnecting');
    assert.match(connection.status.error!.message, /expired/);
  } finally {
    connection.close();
    await relay.close();
  }
});

test('the backoff resets once a connection has been stable, not on every open', async () => {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve)); // nothing listens yet: attempts fail
  const control = instrumentedWebSocket();
  // random() = 0.99 makes each delay the top of its range: 199, 397, 793, 1585 ms…
  const connection = new Connection({
    url: `ws://127.0.0.1:${port}/ws`, WebSocket: control.WebSocket, fetch: null, random: () => 0.99,
    backoff: { minMs: 100, maxMs: 100_000 }, stableAfterMs: 300,
  });
  connection.start();
  await waitFor('three failed attempts', () => control.attempts >= 3, 10_000);
  let relay = await startRelay({ port });
  try {
    await waitFor('open', () => connection.status.state === 'open', 10_000);
    await sleep(600); // stable for longer than stableAfterMs: the failure count is back to 0
    const dropped = Date.now();
    await relay.close();
    relay = await startRelay({ port });
    await waitFor('open again', () => connection.status.state === 'open', 10_000);
    const back = Date.now() - dropped;
    assert.ok(back < 1000, `back after ${back} ms: the first retry after a stable connection waits ~199 ms, not ~1585 ms`);
  } finally {
    connection.close();
    await relay.close();
  }
});
