import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import type { Relay } from '../../src/server/relay.js';
import { connect, eventually, metricValue, startRelay, type TestClient } from './helpers.js';

const CHANNELS = Array.from({ length: 10 }, (_, i) => `price:SLOW${i}`);
const PAD = 'x'.repeat(8 * 1024);

/** The client's TCP socket: pausing it makes the client stop reading, as a stuck tab would. */
const socketOf = (client: TestClient) => (client.ws as unknown as { _socket: Socket })._socket;

/** Publishes rounds of 8 KiB updates on every channel until `done()` holds (bounded in rounds and time). */
async function flood(relay: Relay, done: () => Promise<boolean>, maxRounds = 4_000): Promise<number> {
  const deadline = Date.now() + 30_000;
  let round = 0;
  for (; round < maxRounds && Date.now() < deadline; round++) {
    for (const channel of CHANNELS) await relay.publish(channel, { symbol: channel.slice(6), price: round + 1, ts: Date.now(), pad: PAD });
    if (round % 10 === 9) {
      if (await done()) return round + 1;
    } else await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`condition not reached after ${round} rounds`);
}

describe('slow consumers', () => {
  test('a client that stops reading is conflated (latest value per channel) and catches up when it reads again', async () => {
    const relay = await startRelay({ limits: { slowConsumerBytes: 64 * 1024, slowConsumerGraceMs: 60_000 } });
    try {
      const client = await connect(relay.wsUrl);
      client.send({ type: 'subscribe', id: 1, channels: CHANNELS });
      await client.waitFor((m) => m.type === 'snapshot' && m.channel === CHANNELS[9]);
      socketOf(client).pause();
      const rounds = await flood(relay, async () => (await metricValue(relay.httpUrl, 'market_pulse_messages_conflated_total')) >= 100);
      // While held, the relay keeps at most one message per channel for this client (from its next
      // flush tick on: the last round may have been queued after the previous one).
      const heldQueue = async () => (await metricValue(relay.httpUrl, 'market_pulse_queued_messages')) <= CHANNELS.length;
      for (let tries = 0; tries < 50 && !(await heldQueue()); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(await heldQueue(), 'the held client is conflated to one message per channel');
      socketOf(client).resume();
      for (const channel of CHANNELS) {
        await client.waitFor((m) => (m.type === 'update' || m.type === 'snapshot') && m.channel === channel && m.seq === rounds);
      }
      const received = client.received.filter((m) => m.type === 'update' || m.type === 'snapshot');
      const published = rounds * CHANNELS.length;
      assert.ok(received.length <= published + CHANNELS.length - 100, `${received.length} messages for ${published} published`);
      // Every message was either delivered or replaced by a newer one of its channel: none lost.
      const conflated = await metricValue(relay.httpUrl, 'market_pulse_messages_conflated_total');
      assert.equal(received.length + conflated, CHANNELS.length + published);
      // Conflated values come as snapshots, so the skipped seqs do not look like a gap.
      assert.ok(received.slice(CHANNELS.length).some((m) => m.type === 'snapshot'));
      for (const channel of CHANNELS) {
        const seqs = received.filter((m) => 'channel' in m && m.channel === channel).map((m) => ('seq' in m ? m.seq : 0));
        assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seq never goes back');
      }
      await client.close();
    } finally {
      await relay.close();
    }
  });

  test('a client that stays behind past the grace is closed with 4001 while the relay memory stays bounded', async () => {
    const threshold = 64 * 1024;
    const relay = await startRelay({ limits: { slowConsumerBytes: threshold, slowConsumerGraceMs: 1_500, maxQueuedMessages: 50 } });
    try {
      // The healthy client only counts (a logging client would itself hold everything in memory).
      const healthy = new WebSocket(relay.wsUrl);
      let healthyLastSeq = 0;
      healthy.on('message', (data) => {
        for (const match of String(data).matchAll(/"channel":"price:SLOW9","seq":(\d+)/g)) healthyLastSeq = Number(match[1]);
      });
      await new Promise((resolve) => healthy.once('open', resolve));
      healthy.send(JSON.stringify({ type: 'subscribe', id: 1, channels: CHANNELS }));
      const stuck = await connect(relay.wsUrl);
      stuck.send({ type: 'subscribe', id: 1, channels: CHANNELS });
      await stuck.waitFor((m) => m.type === 'snapshot' && m.channel === CHANNELS[9]);
      socketOf(stuck).pause();
      const rssBefore = process.memoryUsage().rss;
      let maxQueued = 0;
      let maxBuffered = 0;
      const rounds = await flood(relay, async () => {
        maxQueued = Math.max(maxQueued, await metricValue(relay.httpUrl, 'market_pulse_queued_messages'));
        maxBuffered = Math.max(maxBuffered, await metricValue(relay.httpUrl, 'market_pulse_buffered_bytes'));
        return (await metricValue(relay.httpUrl, 'market_pulse_disconnects_total', '{code="4001"}')) === 1;
      });
      const growthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
      const publishedMb = (rounds * CHANNELS.length * PAD.length) / 1024 / 1024;
      // Each client's queue holds at most maxQueuedMessages (+1 before it is conflated) ...
      assert.ok(maxQueued <= 2 * 51, `queued up to ${maxQueued} messages`);
      // ... and the relay stops writing to a client over the threshold: at most one more frame lands
      // in its buffer, and a frame holds at most maxQueuedMessages messages (the stuck client's is
      // conflated to one per channel; the healthy one, in this busy process, may lag a little and
      // get a full queue in one frame). Unbounded, the stuck client alone would hold everything published.
      const messageBytes = PAD.length + 200;
      const perClientBound = threshold + 50 * messageBytes;
      assert.ok(maxBuffered <= 2 * perClientBound, `buffered up to ${maxBuffered} bytes (bound ${2 * perClientBound})`);
      assert.ok(growthMb < Math.max(150, publishedMb / 2), `RSS grew ${growthMb.toFixed(1)} MB while ${publishedMb.toFixed(1)} MB were published`);
      await eventually(async () => ((await (await fetch(`${relay.httpUrl}/healthz`)).json()) as { connections: number }).connections === 1);
      // The healthy client was never held up.
      await eventually(() => healthyLastSeq === rounds, 10_000, 'healthy client caught up');
      socketOf(stuck).resume();
      await stuck.closed;
      healthy.close();
    } finally {
      await relay.close();
    }
  });
});
