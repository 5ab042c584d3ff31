/**
 * The Redis backend's `history()` (what `GET /v1/history` reads): the tail of the capped list,
 * oldest first, the same on every node; refused while Redis is away.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import { BackendUnavailableError } from '../../src/server/backend/types.js';
import { createRelay } from '../../src/server/relay.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { quietLogger, range, uniquePrefix, waitFor } from './helpers.js';

if (SKIP_REASON) console.log(`# skipping Redis history tests: ${SKIP_REASON}`);

describe('Redis backend: history', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();

  test('both nodes answer the newest updates of the capped list, oldest first', async () => {
    const options = { url: redis.url, keyPrefix: uniquePrefix(), logger: quietLogger(), historySize: 50 };
    const [a, b] = await Promise.all([createRedisBackend(options), createRedisBackend(options)]);
    open.push(a, b);
    for (const i of range(1, 80)) await (i % 2 ? a : b).publish('price:H', { price: i });
    assert.deepEqual((await a.history!('price:H', 5)).map((e) => e.seq), range(76, 80));
    assert.deepEqual((await b.history!('price:H', 5)).map((e) => e.data.price), range(76, 80));
    const all = await b.history!('price:H', 1000);
    assert.deepEqual(all.map((e) => e.seq), range(31, 80), 'capped at historySize');
    assert.deepEqual(await a.history!('price:UNKNOWN', 10), []);
  });

  test('a channel quiet for the history TTL loses its history in Redis, not its seq or last value', async () => {
    const prefix = uniquePrefix();
    const backend = await createRedisBackend({ url: redis.url, keyPrefix: prefix, logger: quietLogger(), historyTtlMs: 1_000 });
    const defaults = await createRedisBackend({ url: redis.url, keyPrefix: prefix, logger: quietLogger() });
    const inspect = new Redis(redis.url, { lazyConnect: true });
    await inspect.connect();
    open.push(backend, defaults, { close: async () => void inspect.disconnect() });
    const hist = `${prefix}{price:TTL}:hist`;
    const meta = `${prefix}{price:TTL}:meta`;

    // Every update restarts the clock: a channel that keeps publishing keeps its history.
    for (const i of range(1, 4)) {
      await backend.publish('price:TTL', { price: i });
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assert.deepEqual((await backend.history!('price:TTL', 10)).map((e) => e.seq), range(1, 4));
    const ttl = await inspect.pttl(hist);
    assert.ok(ttl > 0 && ttl <= 1_000, `history expires within the TTL (PTTL ${ttl})`);
    assert.equal(await inspect.pttl(meta), -1, 'seq and last value never expire');
    assert.equal((await backend.recover('price:TTL', 2)).recovered, true);

    // Quiet for longer than the TTL: the history is gone, the channel is not.
    await waitFor('history expired', async () => (await backend.history!('price:TTL', 10)).length === 0, 5_000);
    const resumed = await backend.recover('price:TTL', 2);
    assert.equal(resumed.recovered, false, 'a resume from before the expiry gets a snapshot');
    assert.equal(resumed.latest?.seq, 4);
    assert.equal((await backend.publish('price:TTL', { price: 5 })).seq, 5, 'seq goes on where it was');
    assert.deepEqual((await backend.history!('price:TTL', 10)).map((e) => e.seq), [5]);

    // The default keeps a quiet channel's history for a day.
    await defaults.publish('price:TTL', { price: 6 });
    assert.ok((await inspect.pttl(hist)) > 23 * 3600_000, 'default TTL: 24 hours');
  });

  test('GET /v1/history on a relay with a Redis backend answers from Redis', async () => {
    const prefix = uniquePrefix();
    const backend = await createRedisBackend({ url: redis.url, keyPrefix: prefix, logger: quietLogger() });
    open.push(backend);
    const relay = await createRelay({ host: '127.0.0.1', port: 0, quiet: true, simulate: false, backend });
    try {
      for (const i of range(1, 30)) await relay.publish('price:RH', { price: i });
      const body = (await (await fetch(`${relay.httpUrl}/v1/history?channel=price:RH&limit=600`)).json()) as { updates: Array<{ seq: number }> };
      assert.deepEqual(body.updates.map((u) => u.seq), range(1, 30));
    } finally {
      await relay.close();
    }
  });

  test('while Redis is away, history() rejects with BackendUnavailableError (the endpoint answers 503)', async () => {
    const backend = await createRedisBackend({ url: redis.url, keyPrefix: uniquePrefix(), logger: quietLogger(), commandTimeoutMs: 500 });
    open.push(backend);
    await backend.publish('price:GONE', { price: 1 });
    await redis.stop();
    try {
      await waitFor('degraded', () => backend.health() === 'degraded');
      await assert.rejects(backend.history!('price:GONE', 10), BackendUnavailableError);
    } finally {
      await redis.start();
    }
  });
});
