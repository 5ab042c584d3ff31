/**
 * The load generator counts what the relay published, no more and no less, for every relay under
 * test: a small known load (every tick goes to a known number of clients) must come out as
 * exactly that many deliveries, each with its latency, and a paused client must read nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BenchChild } from '../../bench/lib/child.js';
import { benchSymbols, channelOf, makeTick } from '../../bench/lib/ticks.js';
import type { RelayUnderTest } from '../../bench/peers/relay-under-test.js';

const CLIENTS = 40;
const SYMBOLS = 100;
const PER_CLIENT = 10; // client i watches symbols i, i+10, … so every symbol has 4 watchers
const WATCHERS = (CLIENTS * PER_CLIENT) / SYMBOLS;

interface Window {
  deliveries: number;
  slowDeliveries: number;
  timed: number;
  p50: number;
  max: number;
  open: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startRelay(kind: string): Promise<RelayUnderTest> {
  if (kind === 'ours') return (await import('../../bench/peers/ours-relay.js')).startOurRelay();
  if (kind === 'socketio') return (await import('../../bench/peers/socketio-relay.js')).startSocketIoRelay();
  return (await import('../../bench/peers/naive-relay.js')).startNaiveRelay();
}

/** Publishes `rounds` ticks on every symbol during one measurement window; returns the window. */
async function publishedWindow(loadgen: BenchChild, relay: RelayUnderTest, rounds: number): Promise<Window> {
  const window = loadgen.call<Window>('measure', { ms: 3000 });
  await sleep(300);
  const symbols = benchSymbols(SYMBOLS);
  for (let round = 0; round < rounds; round++) {
    for (const symbol of symbols) relay.publish(symbol, makeTick(symbol, round));
    await sleep(20);
  }
  return window;
}

for (const kind of ['naive', 'socketio', 'ours']) {
  test(`load generator counts exactly what the ${kind} relay delivered`, { timeout: 60_000 }, async () => {
    const relay = await startRelay(kind);
    const loadgen = new BenchChild('loadgen.ts');
    try {
      const opened = await loadgen.call<{ opened: number; failed: number }>('open', {
        url: relay.wsUrl, count: CLIENTS, channels: benchSymbols(SYMBOLS).map(channelOf),
        kind: kind === 'socketio' ? 'socketio' : 'v1', concurrency: 10, spread: PER_CLIENT,
      });
      assert.deepEqual(opened, { opened: CLIENTS, failed: 0 });
      await sleep(300); // snapshots (ours) are read and are not deliveries

      const all = await publishedWindow(loadgen, relay, 3);
      assert.equal(all.deliveries, 3 * SYMBOLS * WATCHERS);
      assert.equal(all.timed, all.deliveries, 'every delivery has its latency');
      assert.ok(all.p50 >= 0 && all.max < 2000, `latencies p50 ${all.p50} max ${all.max} ms are plausible`);
      assert.equal(all.open, CLIENTS);

      // Client 0 stops reading: nothing of its share is read until it resumes.
      await loadgen.call('pause', { index: 0 });
      const paused = await publishedWindow(loadgen, relay, 2);
      assert.equal(paused.deliveries, 2 * SYMBOLS * WATCHERS - 2 * PER_CLIENT);
      assert.equal(paused.slowDeliveries, 0, 'a paused socket is not read');
      const window = loadgen.call<Window>('measure', { ms: 800 });
      await sleep(100);
      await loadgen.call('resume', { index: 0 });
      const resumed = await window;
      assert.equal(resumed.slowDeliveries, 0, 'resumed client counts as measured again');
      assert.equal(resumed.deliveries, 2 * PER_CLIENT, 'its held updates arrive after resume');
    } finally {
      await loadgen.call('close').catch(() => undefined);
      await loadgen.stop();
      await relay.close();
    }
  });
}
