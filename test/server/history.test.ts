// GET /v1/history: the newest stored updates of a channel, oldest first, for chart backfill.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import type { ChannelBackend } from '../../src/server/backend/types.js';
import { DEFAULT_LIMITS } from '../../src/server/options.js';
import type { Relay } from '../../src/server/relay.js';
import { signToken, startRelay, tick } from './helpers.js';

interface HistoryBody {
  channel: string;
  updates: Array<{ seq: number; data: { price: number } }>;
}

const SECRET = 'test-secret-that-is-long-enough-for-hs256';

async function publishMany(relay: Relay, channel: string, count: number): Promise<void> {
  for (let price = 1; price <= count; price++) await relay.publish(channel, tick(channel.slice(6), price));
}

test('the default history covers 5 minutes of the simulator (4 ticks/s)', () => {
  assert.ok(DEFAULT_LIMITS.historySize >= 5 * 60 * 4, `historySize ${DEFAULT_LIMITS.historySize}`);
});

describe('/v1/history', () => {
  let relay: Relay;
  before(async () => {
    relay = await startRelay({ limits: { historySize: 250 } });
  });
  after(() => relay.close());

  test('answers the newest updates oldest first, with seq and data, and CORS *', async () => {
    await publishMany(relay, 'price:HIST', 40);
    const response = await fetch(`${relay.httpUrl}/v1/history?channel=price:HIST&limit=10`, { headers: { origin: 'https://elsewhere.example' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const body = (await response.json()) as HistoryBody;
    assert.equal(body.channel, 'price:HIST');
    assert.deepEqual(body.updates.map((u) => u.seq), [31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
    assert.deepEqual(body.updates.map((u) => u.data.price), [31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
    const preflight = await fetch(`${relay.httpUrl}/v1/history?channel=price:HIST`, { method: 'OPTIONS' });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
  });

  test('a limit beyond what is kept answers everything kept; no limit means the history size', async () => {
    await publishMany(relay, 'price:WRAP', 300); // the ring (250) has wrapped
    for (const query of ['&limit=600', '']) {
      const body = (await (await fetch(`${relay.httpUrl}/v1/history?channel=price:WRAP${query}`)).json()) as HistoryBody;
      assert.equal(body.updates.length, 250, query);
      assert.equal(body.updates[0]?.seq, 51);
      assert.equal(body.updates.at(-1)?.seq, 300);
      body.updates.forEach((update, index) => assert.equal(update.seq, 51 + index));
    }
  });

  test('an unknown channel has an empty history', async () => {
    const body = (await (await fetch(`${relay.httpUrl}/v1/history?channel=price:NEVER`)).json()) as HistoryBody;
    assert.deepEqual(body, { epoch: relay.backend.epoch, channel: 'price:NEVER', updates: [] });
  });

  test('refuses a missing or invalid channel and a bad limit with a JSON 400', async () => {
    const queries = ['', '?channel=', '?channel=%3Cscript%3E', '?channel=__proto__', '?channel=price:HIST&limit=0', '?channel=price:HIST&limit=-5',
      '?channel=price:HIST&limit=abc', '?channel=price:HIST&limit=1.5', '?channel=price:HIST&limit=100001', '?channel=price:HIST&limit=99999999999999999999'];
    for (const query of queries) {
      const response = await fetch(`${relay.httpUrl}/v1/history${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.headers.get('access-control-allow-origin'), '*', query);
      assert.equal(typeof ((await response.json()) as { error: unknown }).error, 'string', query);
    }
  });

  test('refuses other methods with 405', async () => {
    const response = await fetch(`${relay.httpUrl}/v1/history?channel=price:HIST`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 405);
  });
});

describe('/v1/history with JWT auth', () => {
  let relay: Relay;
  before(async () => {
    relay = await startRelay({ jwtSecret: SECRET });
    await publishMany(relay, 'price:PRIV', 5);
  });
  after(() => relay.close());

  const get = (headers: Record<string, string> = {}) => fetch(`${relay.httpUrl}/v1/history?channel=price:PRIV&limit=3`, { headers });

  test('without a token: 401 with WWW-Authenticate', async () => {
    const response = await get();
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer');
  });

  test('a token that does not cover the channel: 403; an expired one: 401', async () => {
    assert.equal((await get({ authorization: `Bearer ${await signToken(SECRET, ['fx:*'])}` })).status, 403);
    assert.equal((await get({ authorization: `Bearer ${await signToken(SECRET, ['price:*'], -10)}` })).status, 401);
  });

  test('a token that covers the channel gets the history', async () => {
    const response = await get({ authorization: `Bearer ${await signToken(SECRET, ['price:*'])}` });
    assert.equal(response.status, 200);
    assert.deepEqual(((await response.json()) as HistoryBody).updates.map((u) => u.seq), [3, 4, 5]);
  });
});

test('a backend without history() is served through latest() and recover()', async () => {
  const inner = createMemoryBackend({ historySize: 20 });
  // A backend of one's own that predates history(): only the required methods.
  const backend: ChannelBackend = Object.assign(Object.create(inner) as ChannelBackend, { history: undefined });
  const relay = await startRelay({ backend, limits: { historySize: 20 } });
  try {
    await publishMany(relay, 'price:OLD', 30);
    const body = (await (await fetch(`${relay.httpUrl}/v1/history?channel=price:OLD&limit=5`)).json()) as HistoryBody;
    assert.deepEqual(body.updates.map((u) => u.seq), [26, 27, 28, 29, 30]);
  } finally {
    await relay.close();
    await inner.close();
  }
});

test('a backend whose history read fails answers 503 JSON, and the relay keeps serving', async () => {
  const inner = createMemoryBackend();
  const backend: ChannelBackend = Object.assign(Object.create(inner) as ChannelBackend, {
    async history() {
      throw new Error('store unreachable');
    },
  });
  const relay = await startRelay({ backend });
  try {
    const response = await fetch(`${relay.httpUrl}/v1/history?channel=price:DOWN`);
    assert.equal(response.status, 503);
    assert.equal(typeof ((await response.json()) as { error: unknown }).error, 'string');
    assert.equal((await fetch(`${relay.httpUrl}/healthz`)).status, 200);
  } finally {
    await relay.close();
    await inner.close();
  }
});

test('the in-process backend keeps at most historySize updates per channel and answers them in order', async () => {
  const backend = createMemoryBackend({ historySize: 7 });
  for (let i = 1; i <= 3; i++) await backend.publish('price:RING', { price: i });
  assert.deepEqual((await backend.history!('price:RING', 10)).map((e) => e.seq), [1, 2, 3]);
  for (let i = 4; i <= 20; i++) await backend.publish('price:RING', { price: i });
  assert.deepEqual((await backend.history!('price:RING', 100)).map((e) => e.seq), [14, 15, 16, 17, 18, 19, 20]);
  assert.deepEqual((await backend.history!('price:RING', 2)).map((e) => e.seq), [19, 20]);
  assert.deepEqual((await backend.recover('price:RING', 16)).updates.map((e) => e.seq), [17, 18, 19, 20]);
  assert.equal((await backend.recover('price:RING', 5)).recovered, false);
  await backend.close();
});
