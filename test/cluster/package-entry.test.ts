/**
 * What an npm user reaches through `market-pulse/server` (src/server/relay.ts): a Redis backend with
 * its own settings — here a key prefix, so two deployments share one Redis without seeing each
 * other — handed to `createRelay({ backend })`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createRedisBackend, createRelay, type ChannelBackend, type Relay } from '../../src/server/relay.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { quietLogger, tick } from './helpers.js';
import { openClient } from './ws-client.js';
import type { UpdateMessage } from '../../src/protocol/index.js';

describe('market-pulse/server: createRedisBackend for createRelay({ backend })', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();
  test('two deployments with their own key prefix share one Redis and never see each other\'s data', async () => {
    const relays: Relay[] = []; // closed here, before useRedisServer closes the backends
    const relayWith = async (keyPrefix: string) => {
      const backend: ChannelBackend = await createRedisBackend({ url: redis.url, keyPrefix, logger: quietLogger() });
      open.push(backend); // passed in, so not closed by the relay
      const relay = await createRelay({ backend, port: 0, quiet: true });
      relays.push(relay);
      return relay;
    };
    try {
      const [staging, production] = await Promise.all([relayWith('staging:'), relayWith('production:')]);
      const client = await openClient(production.wsUrl);
      client.subscribe(1, ['price:SHARED']);
      await client.next('snapshot', (m) => m.type === 'snapshot');
      await staging.publish('price:SHARED', tick('price:SHARED', 1));
      await production.publish('price:SHARED', tick('price:SHARED', 2));
      const update = await client.next<UpdateMessage>('update', (m) => m.type === 'update');
      assert.equal(update.data.price, 2, 'production hears its own publish only');
      assert.equal(update.seq, 1, 'with its own seqs');
      const raw = new Redis(redis.url);
      try {
        const keys = await raw.keys('*');
        assert.ok(keys.length > 0 && keys.every((key) => key.startsWith('staging:') || key.startsWith('production:')), keys.join(', '));
      } finally {
        raw.disconnect();
      }
      await client.close();
    } finally {
      await Promise.all(relays.map((relay) => relay.close()));
    }
  });
});
