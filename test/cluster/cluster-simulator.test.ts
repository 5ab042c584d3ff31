/**
 * The simulated market in a cluster: every node is started with the simulator on, yet only the
 * node holding the `simulator` lease publishes, and another node takes over when it leaves.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { UpdateMessage } from '../../src/protocol/index.js';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { SYMBOLS } from '../../src/server/simulator/symbols.js';
import { SKIP_REASON, startRedis, type TestRedis } from './redis-server.js';
import { waitFor } from './helpers.js';
import { openClient, type ClusterClient } from './ws-client.js';

if (SKIP_REASON) console.log(`# skipping cluster simulator tests: ${SKIP_REASON}`);

/** Simulated publishes counted by a node's /metrics. */
async function simulatedCount(relay: Relay): Promise<number> {
  const text = await (await fetch(`${relay.httpUrl}/metrics`)).text();
  return Number(/^market_pulse_published_total\{source="simulator"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('simulator in a cluster', { skip: SKIP_REASON }, () => {
  let redis: TestRedis;
  const relays: Relay[] = [];
  const clients: ClusterClient[] = [];

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(relays.map((r) => r.close()));
    await redis?.stop();
  });

  test('only the lease holder simulates; a survivor takes over when it stops', async () => {
    const symbols = SYMBOLS.slice(0, 2);
    const options = { port: 0, host: '127.0.0.1', redisUrl: redis.url, quiet: true, simulate: { ticksPerSecond: 20, symbols } };
    relays.push(await createRelay(options), await createRelay(options), await createRelay(options));
    await waitFor('simulated ticks', async () => (await Promise.all(relays.map(simulatedCount))).some((n) => n > 20));
    const counts = await Promise.all(relays.map(simulatedCount));
    assert.equal(counts.filter((n) => n > 0).length, 1, `exactly one node simulates: ${counts}`);

    const leaderIndex = counts.findIndex((n) => n > 0);
    const survivors = relays.filter((_, index) => index !== leaderIndex);
    const channel = `price:${symbols[0]!.symbol}`;
    const watcher = await openClient(survivors[0]!.wsUrl);
    clients.push(watcher);
    watcher.subscribe(1, [channel]);
    await watcher.next('a live tick', (m) => m.type === 'update');

    await relays[leaderIndex]!.close(); // gives the lease up
    await waitFor('a survivor simulating', async () => (await Promise.all(survivors.map(simulatedCount))).some((n) => n > 0), 20_000);
    const after = await Promise.all(survivors.map(simulatedCount));
    assert.equal(after.filter((n) => n > 0).length, 1, `exactly one survivor simulates: ${after}`);
    const lastSeq = Math.max(...watcher.received.filter((m): m is UpdateMessage => m.type === 'update').map((m) => m.seq));
    await watcher.next('ticks from the new leader', (m) => m.type === 'update' && m.seq > lastSeq + 5);
    const seqs = watcher.received.filter((m): m is UpdateMessage => m.type === 'update').map((m) => m.seq);
    const first = seqs[0]!;
    assert.deepEqual(seqs, seqs.map((_, i) => first + i), 'one seq line across the handover: no gap, no duplicate');
  });
});
