/**
 * A relay node on Redis exports how many of its watched channels Redis cannot read (foreign data
 * under their keys) as `market_pulse_unreadable_channels`: an operator sees such a channel on
 * /metrics, and sees it go once nobody on the node watches it any more. Real redis-server and
 * WebSocket clients.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { quietLogger, uniquePrefix, waitFor } from './helpers.js';
import { openClient } from './ws-client.js';

if (SKIP_REASON) console.log(`# skipping Redis metrics tests: ${SKIP_REASON}`);

/** The value of `market_pulse_unreadable_channels` on the relay's /metrics, or null when it is absent. */
async function unreadableGauge(relay: Relay): Promise<number | null> {
  const text = await (await fetch(`${relay.httpUrl}/metrics`)).text();
  const value = /^market_pulse_unreadable_channels (\S+)$/m.exec(text)?.[1];
  return value === undefined ? null : Number(value);
}

describe('Redis backend metrics', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();
  let raw: Redis;

  before(() => {
    raw = new Redis(redis.url);
  });
  after(() => raw?.disconnect());

  test('a watched channel Redis cannot read shows on market_pulse_unreadable_channels, and goes when it is unwatched', async () => {
    const prefix = uniquePrefix();
    const backend = await createRedisBackend({ url: redis.url, keyPrefix: prefix, logger: quietLogger() });
    const relay = await createRelay({ port: 0, host: '127.0.0.1', backend, simulate: false, quiet: true });
    open.push(relay, backend); // the relay first: it does not close a backend passed in
    assert.equal(await unreadableGauge(relay), 0, 'exported, at 0');

    await raw.set(`${prefix}{price:BROKEN}:meta`, 'not a hash');
    await relay.publish('price:FINE', { symbol: 'FINE', price: 1, ts: 1 });
    const client = await openClient(relay.wsUrl);
    client.subscribe(1, ['price:BROKEN', 'price:FINE']);
    await waitFor('the broken channel counted', async () => (await unreadableGauge(relay)) === 1, 10_000);

    await client.close(); // its channels are unwatched
    await waitFor('the broken channel no longer counted', async () => (await unreadableGauge(relay)) === 0, 5_000);
  });
});
