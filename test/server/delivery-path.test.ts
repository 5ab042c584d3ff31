/**
 * The delivery path as a client sees it: an update for an idle client is written at once (no
 * flush timer in its latency), a burst is still coalesced (at most one frame per flush interval
 * per client), and whatever mix of direct writes and batches a client gets, its messages come in
 * publish order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServerMessage } from '../../src/protocol/index.js';
import type { Relay } from '../../src/server/relay.js';
import { connect, startRelay, tick, type TestClient } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Channel messages (updates and snapshots) after the subscribe snapshots, as `channel#seq`. */
const updates = (received: ServerMessage[]) =>
  received.filter((m) => m.type === 'update').map((m) => ('channel' in m && 'seq' in m ? `${m.channel}#${m.seq}` : '?'));

async function subscribed(relay: Relay, channels: string[]): Promise<TestClient> {
  const client = await connect(relay.wsUrl);
  client.send({ type: 'subscribe', id: 1, channels });
  for (const channel of channels) await client.waitFor((m) => m.type === 'snapshot' && m.channel === channel);
  return client;
}

describe('delivery path', () => {
  test('an update for an idle client arrives at once, not after the flush interval', async () => {
    // A flush interval far longer than any delivery may take: the update cannot pass by waiting for it.
    const intervalMs = 1_500;
    const relay = await startRelay({ limits: { flushIntervalMs: intervalMs } });
    try {
      const client = await subscribed(relay, ['price:IDLE']);
      // The snapshot went out on a flush tick; one more quiet interval makes the client idle.
      await sleep(2.5 * intervalMs);
      const frames = client.frames.length;
      const publishedAt = performance.now();
      await relay.publish('price:IDLE', tick('IDLE', 1));
      await client.waitFor((m) => m.type === 'update' && m.channel === 'price:IDLE');
      const latency = performance.now() - publishedAt;
      assert.ok(latency < intervalMs / 3, `update took ${latency.toFixed(1)} ms with a ${intervalMs} ms flush interval`);
      // Written as a lone update frame, the same bytes every subscriber gets.
      assert.equal(client.frames.length, frames + 1);
      assert.ok(client.frames.at(-1)?.startsWith('{"type":"update"'), client.frames.at(-1));
      await client.close();
    } finally {
      await relay.close();
    }
  });

  test('a burst is coalesced: the first update at once, the rest in one batch frame after the interval', async () => {
    const intervalMs = 300;
    const relay = await startRelay({ limits: { flushIntervalMs: intervalMs } });
    try {
      const client = await subscribed(relay, ['price:BURSTA', 'price:BURSTB']);
      await sleep(2.5 * intervalMs);
      const frames = client.frames.length;
      // Published in one turn of the event loop, as a backend delivering a backlog would.
      const published = [];
      for (let i = 1; i <= 30; i++) {
        published.push(relay.publish('price:BURSTA', tick('BURSTA', i)), relay.publish('price:BURSTB', tick('BURSTB', i)));
      }
      await Promise.all(published);
      await client.waitFor((m) => m.type === 'update' && m.channel === 'price:BURSTB' && m.seq === 30);
      const burstFrames = client.frames.slice(frames);
      assert.ok(burstFrames[0]?.startsWith('{"type":"update"'), 'the first update is written at once');
      assert.ok(burstFrames.length <= 3, `60 updates in ${burstFrames.length} frames`);
      assert.ok(burstFrames.some((frame) => frame.startsWith('{"type":"batch"')), 'the rest comes batched');
      const expected = Array.from({ length: 30 }, (_, i) => [`price:BURSTA#${i + 1}`, `price:BURSTB#${i + 1}`]).flat();
      assert.deepEqual(updates(client.received), expected);
      await client.close();
    } finally {
      await relay.close();
    }
  });

  test('a steady stream faster than the interval gets at most one frame per interval', async () => {
    const intervalMs = 200;
    const relay = await startRelay({ limits: { flushIntervalMs: intervalMs } });
    try {
      const client = await subscribed(relay, ['price:STREAM']);
      const frames = client.frames.length;
      const started = performance.now();
      for (let i = 1; i <= 60; i++) {
        await relay.publish('price:STREAM', tick('STREAM', i));
        await sleep(10);
      }
      await client.waitFor((m) => m.type === 'update' && m.channel === 'price:STREAM' && m.seq === 60);
      const elapsed = performance.now() - started;
      const streamFrames = client.frames.length - frames;
      // One frame per interval over the stream, plus the first written at once and the last batch.
      const allowed = Math.ceil(elapsed / intervalMs) + 2;
      assert.ok(streamFrames <= allowed, `${streamFrames} frames in ${elapsed.toFixed(0)} ms (at most ${allowed})`);
      assert.deepEqual(updates(client.received), Array.from({ length: 60 }, (_, i) => `price:STREAM#${i + 1}`));
      await client.close();
    } finally {
      await relay.close();
    }
  });

  test('a client whose updates come faster than a busy relay runs its flush ticks is batched, not written one by one', async () => {
    const relay = await startRelay({ limits: { flushIntervalMs: 5 } });
    try {
      const client = await subscribed(relay, ['price:BUSY']);
      await sleep(50);
      const frames = client.frames.length;
      // Twelve updates, more than a flush interval apart, in ~80 ms in which no timer can run (each
      // waits on the previous one's promise, then the CPU is kept busy): what a relay behind on its
      // work looks like. Wall-clock intervals pass between the updates, but no flush tick does:
      // they must queue up behind the first (the batches grow with the relay's lateness), not go
      // out as twelve frames.
      for (let i = 1; i <= 12; i++) {
        await relay.publish('price:BUSY', tick('BUSY', i));
        const until = performance.now() + 7;
        while (performance.now() < until);
      }
      await client.waitFor((m) => m.type === 'update' && m.channel === 'price:BUSY' && m.seq === 12);
      const busyFrames = client.frames.length - frames;
      assert.ok(busyFrames <= 3, `12 updates in ${busyFrames} frames`);
      assert.deepEqual(updates(client.received), Array.from({ length: 12 }, (_, i) => `price:BUSY#${i + 1}`));
      await client.close();
    } finally {
      await relay.close();
    }
  });

  test('under bursts mixing direct writes and batches every client gets every update in publish order', async () => {
    const relay = await startRelay({ limits: { flushIntervalMs: 5 } });
    try {
      const channels = ['price:MIXA', 'price:MIXB', 'price:MIXC'];
      // Two clients on overlapping channels: shared frames and per-client ones interleave.
      const both = await subscribed(relay, channels);
      const some = await subscribed(relay, ['price:MIXB', 'price:MIXC']);
      const starts = [both.frames.length, some.frames.length];
      const expected: string[] = [];
      const seqs = new Map<string, number>();
      // Bursts of 1..12 updates, each followed by a pause of 0..8 ms (40 ms after every tenth, so
      // that even a box whose timers run late lets the client go idle now and then): some updates
      // find the client idle (written at once), others queue behind a recent frame (batched).
      for (let burst = 0; burst < 60; burst++) {
        const size = 1 + ((burst * 7) % 12);
        for (let i = 0; i < size; i++) {
          const channel = channels[(burst + i) % channels.length] as string;
          const seq = (seqs.get(channel) ?? 0) + 1;
          seqs.set(channel, seq);
          expected.push(`${channel}#${seq}`);
          void relay.publish(channel, tick(channel.slice(6), seq));
        }
        await sleep(burst % 10 === 9 ? 40 : (burst * 3) % 9);
      }
      const last = (channel: string) => (m: ServerMessage) => m.type === 'update' && m.channel === channel && m.seq === seqs.get(channel);
      for (const channel of channels) await both.waitFor(last(channel));
      for (const channel of ['price:MIXB', 'price:MIXC']) await some.waitFor(last(channel));
      assert.deepEqual(updates(both.received), expected);
      assert.deepEqual(updates(some.received), expected.filter((entry) => !entry.startsWith('price:MIXA#')));
      // The mix really happened: lone update frames and batch frames both.
      [both, some].forEach((client, index) => {
        const frames = client.frames.slice(starts[index]);
        assert.ok(frames.some((frame) => frame.startsWith('{"type":"update"')), 'some updates written at once');
        assert.ok(frames.some((frame) => frame.startsWith('{"type":"batch"')), 'some updates batched');
      });
      await both.close();
      await some.close();
    } finally {
      await relay.close();
    }
  });
});
