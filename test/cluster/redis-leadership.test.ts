/**
 * The simulator lease: exactly one node of a cluster leads, and another takes over when the
 * leader leaves or its lease runs out.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { quietLogger, uniquePrefix, waitFor } from './helpers.js';

if (SKIP_REASON) console.log(`# skipping Redis leadership tests: ${SKIP_REASON}`);

describe('Redis backend: simulator leadership', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();

  async function nodes(count: number, keyPrefix = uniquePrefix()) {
    const created = await Promise.all(Array.from({ length: count }, () =>
      createRedisBackend({ url: redis.url, keyPrefix, logger: quietLogger(), leaseMs: 600 })));
    open.push(...created);
    return created.map((backend) => ({ backend, lease: backend.leadership!('simulator') }));
  }

  test('exactly one of three nodes leads, and a follower takes over when it leaves', async () => {
    const cluster = await nodes(3);
    const leaders = () => cluster.filter((n) => n.lease.isLeader());
    await waitFor('a leader', () => leaders().length === 1);
    // Over several lease periods, never two leaders at once.
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      assert.ok(leaders().length <= 1, 'two leaders at once');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(leaders().length, 1);
    const first = leaders()[0]!;
    const changes: boolean[] = [];
    const others = cluster.filter((n) => n !== first);
    for (const n of others) n.lease.onChange((leader) => changes.push(leader));
    await first.backend.close(); // releases the lease at once
    await waitFor('a new leader', () => others.filter((n) => n.lease.isLeader()).length === 1, 5_000);
    assert.equal(first.lease.isLeader(), false);
    assert.deepEqual(changes, [true]);
  });

  test('a lease whose holder died silently expires, then a live node leads', async () => {
    const keyPrefix = uniquePrefix();
    const raw = new Redis(redis.url);
    await raw.set(`${keyPrefix}lease:simulator`, 'a-node-that-crashed', 'PX', 800);
    await raw.quit();
    const cluster = await nodes(2, keyPrefix);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(cluster.filter((n) => n.lease.isLeader()).length, 0, 'nobody leads while the lease lives');
    await waitFor('a live leader', () => cluster.filter((n) => n.lease.isLeader()).length === 1, 5_000);
  });
});
