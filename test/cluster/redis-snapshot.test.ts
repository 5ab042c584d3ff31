/**
 * `GET /v1/snapshot` of many channels on the Redis backend: one Redis command per request (not one
 * per channel), the same answer on every node, and the documented degraded answers when Redis is
 * unresponsive or down. Two relay nodes on one real redis-server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import type { ChannelBackend } from '../../src/server/backend/types.js';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { commandsDuring, quietLogger, uniquePrefix, waitFor } from './helpers.js';

if (SKIP_REASON) console.log(`# skipping Redis snapshot tests: ${SKIP_REASON}`);

interface SnapshotBody {
  epoch?: string;
  channels: Record<string, { seq: number; data: { symbol: string; price: number } } | null>;
}

const tick = (symbol: string, price: number) => ({ symbol, price, ts: 1_700_000_000_000 + price });

async function snapshot(relay: Relay, channels: string[]): Promise<{ status: number; body: SnapshotBody }> {
  // A bound well above the command timeout: the answer must come, never hang.
  const response = await fetch(`${relay.httpUrl}/v1/snapshot?channels=${channels.join(',')}`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as SnapshotBody };
}

/** Two relay nodes on one Redis, each with its own backend (so tests can set its options). */
async function twoNodes(url: string, open: Array<{ close(): Promise<void> }>): Promise<{ prefix: string; backends: ChannelBackend[]; nodes: Relay[] }> {
  const prefix = uniquePrefix();
  // A short command timeout, so that an unresponsive Redis is noticed quickly.
  const backends = await Promise.all([0, 1].map(() => createRedisBackend({ url, keyPrefix: prefix, logger: quietLogger(), commandTimeoutMs: 500 })));
  const nodes = await Promise.all(backends.map((backend) => createRelay({ port: 0, host: '127.0.0.1', backend, simulate: false, quiet: true })));
  open.push(...nodes, ...backends); // relays first: they do not close backends passed in
  return { prefix, backends, nodes };
}

describe('/v1/snapshot of many channels on Redis', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();
  let prefix: string;
  let backends: ChannelBackend[];
  let nodes: Relay[];
  let raw: Redis;

  before(async () => {
    ({ prefix, backends, nodes } = await twoNodes(redis.url, open));
    raw = new Redis(redis.url);
  });
  after(async () => {
    await raw?.quit();
  });

  test('either node answers every channel\'s latest value and seq, in the order asked, null for unknown ones', async () => {
    const known = Array.from({ length: 80 }, (_, i) => `price:M${i}`);
    // Publishes alternate between the nodes; channel i gets (i % 4) + 1 updates, the last priced i * 10 + count.
    for (const [i, channel] of known.entries()) {
      for (let k = 1; k <= (i % 4) + 1; k++) await nodes[k % 2]!.publish(channel, tick(`M${i}`, i * 10 + k));
    }
    const unknown = Array.from({ length: 20 }, (_, i) => `price:NEVER${i}`);
    // 100 channels (the default limit), known and unknown interleaved, not in publish order.
    const asked = known.flatMap((channel, i) => (i % 4 === 0 ? [channel, unknown[i / 4]!] : [channel])).reverse();
    assert.equal(asked.length, 100);

    const answers = await Promise.all(nodes.map((node) => snapshot(node, asked)));
    for (const [n, { status, body }] of answers.entries()) {
      assert.equal(status, 200);
      assert.equal(body.epoch, backends[n]!.epoch);
      assert.deepEqual(Object.keys(body.channels), asked, 'every channel, in the order asked');
      for (const [i, channel] of known.entries()) {
        const count = (i % 4) + 1;
        assert.deepEqual(body.channels[channel], { seq: count, data: tick(`M${i}`, i * 10 + count) }, `${channel} on node ${n}`);
      }
      for (const channel of unknown) assert.equal(body.channels[channel], null);
    }
    assert.deepEqual(answers[0]!.body, answers[1]!.body, 'both nodes give the same answer');
    assert.equal(backends[0]!.epoch, backends[1]!.epoch, 'one run of seqs for the cluster');
  });

  test('one snapshot of 50 channels is one command to Redis (the channels are read inside it)', async () => {
    const channels = Array.from({ length: 50 }, (_, i) => `price:ONE${i}`);
    for (const [i, channel] of channels.entries()) await nodes[0]!.publish(channel, tick(`ONE${i}`, i + 1));
    await snapshot(nodes[1]!, channels); // the node loads the script once (EVALSHA, then EVAL)
    let answer: Awaited<ReturnType<typeof snapshot>> | undefined;
    const seen = await commandsDuring(redis.url, async () => {
      answer = await snapshot(nodes[1]!, channels);
    });
    assert.equal(answer!.status, 200);
    assert.deepEqual(channels.map((channel) => answer!.body.channels[channel]?.seq), channels.map(() => 1));
    const fromNode = seen.filter((entry) => entry.source !== 'lua');
    assert.deepEqual(fromNode.map((entry) => entry.args[0]!.toLowerCase()), ['evalsha'], 'one command for 50 channels');
    assert.equal(seen.filter((entry) => entry.source === 'lua' && entry.args[0]!.toLowerCase() === 'hget').length, 50);
  });

  test('a channel whose key holds something foreign answers what the node knows of it; the others as usual', async () => {
    await nodes[0]!.publish('price:SEEN', tick('SEEN', 1));
    await nodes[0]!.publish('price:OK', tick('OK', 2));
    // Foreign values under the prefix, where a channel's meta hash belongs.
    await raw.del(`${prefix}{price:SEEN}:meta`);
    await raw.set(`${prefix}{price:SEEN}:meta`, 'not a hash');
    await raw.set(`${prefix}{price:ALIEN}:meta`, 'not a hash either');
    const asked = ['price:SEEN', 'price:ALIEN', 'price:OK'];
    const onA = await snapshot(nodes[0]!, asked); // A published price:SEEN, so it knows seq 1
    assert.equal(onA.status, 200);
    assert.deepEqual(onA.body.channels, {
      'price:SEEN': { seq: 1, data: tick('SEEN', 1) },
      'price:ALIEN': null,
      'price:OK': { seq: 1, data: tick('OK', 2) },
    });
    const onB = await snapshot(nodes[1]!, asked); // B never saw price:SEEN
    assert.equal(onB.status, 200);
    assert.deepEqual(onB.body.channels, { 'price:SEEN': null, 'price:ALIEN': null, 'price:OK': { seq: 1, data: tick('OK', 2) } });
  });

  test('polls again and again: each answers what Redis holds now, also a value under a seq the node already knows', async () => {
    const asked = ['price:POLL', 'price:OTHER'];
    await nodes[0]!.publish('price:POLL', tick('POLL', 1));
    for (let round = 0; round < 3; round++) {
      const { body } = await snapshot(nodes[0]!, asked);
      assert.deepEqual(body.channels['price:POLL'], { seq: 1, data: tick('POLL', 1) });
    }
    await nodes[1]!.publish('price:POLL', tick('POLL', 2)); // published on the other node
    assert.deepEqual((await snapshot(nodes[0]!, asked)).body.channels['price:POLL'], { seq: 2, data: tick('POLL', 2) });
    // Redis holds another value under the same seq 2 (as after it lost data and another node
    // published before this one restored its own): the node answers what Redis holds.
    await raw.hset(`${prefix}{price:POLL}:meta`, 'last', JSON.stringify({ channel: 'price:POLL', seq: 2, data: tick('POLL', 22) }));
    for (let round = 0; round < 2; round++) {
      assert.deepEqual((await snapshot(nodes[0]!, asked)).body.channels['price:POLL'], { seq: 2, data: tick('POLL', 22) });
    }
    assert.deepEqual((await backends[0]!.latest('price:POLL'))?.data, tick('POLL', 22), 'latest() reads the same');
  });

  test('the backend reads any number of channels at once (batched), as latest() reads each, duplicates included', async () => {
    const channels = Array.from({ length: 2_500 }, (_, i) => `batch:C${i}`);
    await Promise.all(channels.filter((_, i) => i % 3 === 0).map((channel, j) => backends[0]!.publish(channel, { n: j })));
    const asked = [...channels, 'batch:C0', 'batch:C1'];
    const many = await backends[1]!.latestMany!(asked);
    const single = await Promise.all(asked.map((channel) => backends[1]!.latest(channel)));
    assert.equal(many.length, asked.length);
    assert.deepEqual(many.map((e) => e && [e.channel, e.seq, e.data]), single.map((e) => e && [e.channel, e.seq, e.data]));
    assert.equal(many.filter(Boolean).length, 834 + 1);
    assert.deepEqual(await backends[1]!.latestMany!([]), []);
  });

  test('the in-process backend answers latestMany as latest, too', async () => {
    const memory = createMemoryBackend();
    try {
      await memory.publish('price:X', tick('X', 1));
      await memory.publish('price:X', tick('X', 2));
      const answer = await memory.latestMany!(['price:NONE', 'price:X']);
      assert.deepEqual(answer.map((e) => e && [e.channel, e.seq, e.data, e.dataJson]), [null, ['price:X', 2, tick('X', 2), JSON.stringify(tick('X', 2))]]);
    } finally {
      await memory.close();
    }
  });
});

describe('/v1/snapshot of many channels while Redis is unresponsive or down', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();
  let nodes: Relay[];
  const channels = Array.from({ length: 30 }, (_, i) => `price:D${i}`);

  before(async () => {
    ({ nodes } = await twoNodes(redis.url, open));
    // Node A published the first 20 (so it knows them); node B has seen nothing yet.
    for (const [i, channel] of channels.slice(0, 20).entries()) await nodes[0]!.publish(channel, tick(`D${i}`, i + 1));
  });

  /** What a node that has seen the first 20 channels answers from memory. */
  const fromNodeMemory = () =>
    Object.fromEntries(channels.map((channel, i) => [channel, i < 20 ? { seq: 1, data: tick(`D${i}`, i + 1) } : null]));

  test('Redis unresponsive: the answer comes after the command timeout, from what the node has seen (200)', async () => {
    const pauser = new Redis(redis.url);
    try {
      await pauser.call('CLIENT', 'PAUSE', '2000', 'ALL');
      const started = Date.now();
      const onA = await snapshot(nodes[0]!, channels);
      assert.equal(onA.status, 200);
      assert.deepEqual(onA.body.channels, fromNodeMemory());
      assert.ok(Date.now() - started < 1_900, 'answered before Redis came back, not held until then');
      const onB = await snapshot(nodes[1]!, channels);
      assert.equal(onB.status, 200);
      assert.deepEqual(onB.body.channels, Object.fromEntries(channels.map((channel) => [channel, null])), 'B has seen none of them');
    } finally {
      pauser.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the pause ends
    const fresh = await snapshot(nodes[1]!, channels);
    assert.deepEqual(fresh.body.channels, fromNodeMemory(), 'Redis answers again: B reads every value');
  });

  test('Redis down: both nodes answer at once from what they have seen (200), as deploy.md documents', async () => {
    await redis.stop();
    try {
      await waitFor('the nodes see Redis gone', async () => {
        const health = await Promise.all(nodes.map((node) => fetch(`${node.httpUrl}/healthz`).then((r) => r.status)));
        return health.every((code) => code === 503);
      });
      for (const node of nodes) {
        const { status, body } = await snapshot(node, channels);
        assert.equal(status, 200);
        assert.deepEqual(body.channels, fromNodeMemory(), 'each node\'s last values (B read them in the previous test)');
      }
    } finally {
      await redis.start();
    }
  });
});
