import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, test } from 'node:test';
import type { SnapshotMessage, UpdateMessage } from '../../src/protocol/index.js';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import { connect, metricValue, startRelay, tick } from './helpers.js';

/** A price tick padded to about `bytes` of JSON. */
const padded = (symbol: string, price: number, bytes: number) => tick(symbol, price, { pad: 'x'.repeat(bytes) });
const jsonBytes = (data: unknown) => JSON.stringify(data).length;

describe('history byte budget (in-process backend)', () => {
  test('past the budget the oldest updates across all channels go first; last values stay', async () => {
    const size = jsonBytes(padded('A', 1, 1_000));
    const backend = createMemoryBackend({ historySize: 1_000, historyBytes: 10 * size });
    try {
      // A publishes 6, then B 6: 12 updates of ~1 kB against a budget of 10.
      for (let i = 1; i <= 6; i++) await backend.publish('price:A', padded('A', i, 1_000));
      for (let i = 1; i <= 6; i++) await backend.publish('price:B', padded('B', i, 1_000));
      const a = await backend.history!('price:A', 1_000);
      const b = await backend.history!('price:B', 1_000);
      assert.deepEqual(a.map((e) => e.seq), [3, 4, 5, 6], 'A lost its two oldest');
      assert.deepEqual(b.map((e) => e.seq), [1, 2, 3, 4, 5, 6], 'B, newer, is whole');
      // Resuming from a dropped update is no longer possible; from a kept one it is.
      assert.equal((await backend.recover('price:A', 1)).recovered, false);
      assert.deepEqual((await backend.recover('price:A', 2)).updates.map((e) => e.seq), [3, 4, 5, 6]);
      // One update larger than the whole budget is not kept in history, but it is the last value.
      await backend.publish('price:C', padded('C', 1, 20 * size));
      assert.deepEqual(await backend.history!('price:C', 10), []);
      assert.equal((await backend.latest('price:C'))?.seq, 1);
    } finally {
      await backend.close();
    }
  });

  test('the per-channel cap and the byte budget together keep memory bounded over a long run', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const backend = createMemoryBackend({ historySize: 10, historyBytes: 1024 * 1024 });
    try {
      // A quiet channel published once, first: its update stays the oldest kept one throughout.
      await backend.publish('price:QUIET', tick('QUIET', 1));
      await backend.publish('price:BUSY', tick('BUSY', 0));
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 1; i <= 300_000; i++) await backend.publish('price:BUSY', tick('BUSY', i));
      gc();
      const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
      // Each publish leaves bookkeeping for the update its ring pushed out; kept, 300k of them
      // would be ~15 MB.
      assert.ok(grownMb < 4, `heap grew ${grownMb.toFixed(1)} MB over 300k publishes into a 10-update ring`);
      assert.deepEqual((await backend.history!('price:BUSY', 100)).map((e) => e.seq), Array.from({ length: 10 }, (_, i) => 299_992 + i));
      assert.equal((await backend.history!('price:QUIET', 10)).length, 1);
    } finally {
      await backend.close();
    }
  });

  test('kept history is bytes, not JavaScript objects: 100k updates barely grow the JS heap', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const backend = createMemoryBackend({ historySize: 1_000, historyBytes: 64 * 1024 * 1024 });
    try {
      const channels = Array.from({ length: 100 }, (_, i) => `price:S${i}`);
      for (const channel of channels) await backend.publish(channel, tick(channel, 0));
      gc();
      const before = process.memoryUsage();
      for (let i = 1; i < 1_000; i++) {
        for (const channel of channels) await backend.publish(channel, tick(channel, i, { bid: i - 0.5, ask: i + 0.5, volume: i * 100 }));
      }
      gc();
      const after = process.memoryUsage();
      const heapMb = (after.heapUsed - before.heapUsed) / 2 ** 20;
      const keptMb = backend.historyBytes!() / 2 ** 20;
      // As objects (an envelope and its data per update) this was ~25 MB of heap for ~9 MB of data.
      assert.ok(keptMb > 8, `history holds ${keptMb.toFixed(1)} MB`);
      assert.ok(heapMb < 2, `JS heap grew ${heapMb.toFixed(1)} MB for ${keptMb.toFixed(1)} MB of history`);
      // …and it all reads back.
      const history = await backend.history!('price:S7', 1_000);
      assert.equal(history.length, 1_000);
      assert.deepEqual([history[0]?.seq, history.at(-1)?.seq], [1, 1_000]);
      assert.equal((history.at(-1)?.data as { price: number }).price, 999);
    } finally {
      await backend.close();
    }
  });

  test('a client resuming from an update the budget dropped gets a fresh snapshot, not a silent gap', async () => {
    const size = jsonBytes(padded('BIG', 1, 2_000));
    const relay = await startRelay({ limits: { historyBytes: 5 * size } });
    try {
      for (let i = 1; i <= 8; i++) await relay.publish('price:BIG', padded('BIG', i, 2_000));
      const late = await connect(relay.wsUrl);
      late.send({ type: 'subscribe', id: 1, channels: ['price:BIG'], since: { 'price:BIG': 2 } });
      const snapshot = await late.waitFor<SnapshotMessage>((m) => m.type === 'snapshot');
      assert.deepEqual([snapshot.seq, snapshot.recovered], [8, false]);
      const recent = await connect(relay.wsUrl);
      recent.send({ type: 'subscribe', id: 1, channels: ['price:BIG'], since: { 'price:BIG': 5 } });
      await recent.waitFor((m) => m.type === 'update' && m.seq === 8);
      assert.deepEqual(recent.received.filter((m): m is UpdateMessage => m.type === 'update').map((m) => m.seq), [6, 7, 8]);
      const history = (await (await fetch(`${relay.httpUrl}/v1/history?channel=price:BIG`)).json()) as { updates: unknown[] };
      assert.equal(history.updates.length, 5);
      // Operators see how full the budget is.
      assert.equal(await metricValue(relay.httpUrl, 'market_pulse_history_bytes'), 5 * size);
      await late.close();
      await recent.close();
    } finally {
      await relay.close();
    }
  });
});
