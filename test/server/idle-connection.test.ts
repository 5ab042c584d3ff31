import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect, eventually, startRelay } from './helpers.js';

/** Connections count in /healthz. */
async function connections(httpUrl: string): Promise<number> {
  return ((await (await fetch(`${httpUrl}/healthz`)).json()) as { connections: number }).connections;
}

// Sessions build their queue and subscriptions on the first subscribe, and keep the rate limit in
// plain fields: these check what a client sees of a connection before, during and after that.
describe('connections that have not subscribed', () => {
  test('answer ping and unsubscribe, subscribe later as usual, and are counted until they leave', async () => {
    const relay = await startRelay();
    try {
      const client = await connect(relay.wsUrl);
      await eventually(async () => (await connections(relay.httpUrl)) === 1);
      client.send({ type: 'ping', t: 7 });
      await client.waitFor((m) => m.type === 'pong' && m.t === 7);
      client.send({ type: 'unsubscribe', id: 1, channels: ['price:NONE'] });
      await client.waitFor((m) => m.type === 'ack' && m.id === 1);
      const metrics = await (await fetch(`${relay.httpUrl}/metrics`)).text();
      assert.match(metrics, /^market_pulse_queued_messages 0$/m);

      await relay.publish('price:LATE', { price: 1 });
      client.send({ type: 'subscribe', id: 2, channels: ['price:LATE'] });
      await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:LATE' && m.seq === 1);
      await relay.publish('price:LATE', { price: 2 });
      await client.waitFor((m) => m.type === 'update' && m.channel === 'price:LATE' && m.seq === 2);

      await client.close();
      await eventually(async () => (await connections(relay.httpUrl)) === 0);
    } finally {
      await relay.close();
    }
  });

  test('a rate-limited client is served again once its bucket has refilled', async () => {
    const relay = await startRelay({ limits: { rateLimitPerSecond: 10, rateLimitBurst: 2, rateLimitCloseAfter: 1_000 } });
    try {
      const client = await connect(relay.wsUrl);
      for (let t = 0; t < 5; t++) client.send({ type: 'ping', t });
      await client.waitFor((m) => m.type === 'error' && m.code === 'rate_limited');
      await client.waitFor((m) => m.type === 'pong' && m.t === 1);
      // 10 tokens/s: after 500 ms the bucket is full again (2), whatever the machine's load adds.
      await new Promise((resolve) => setTimeout(resolve, 500));
      client.send({ type: 'ping', t: 100 });
      client.send({ type: 'ping', t: 101 });
      await client.waitFor((m) => m.type === 'pong' && m.t === 100);
      await client.waitFor((m) => m.type === 'pong' && m.t === 101);
      assert.equal(client.received.filter((m) => m.type === 'error').length, 1, 'no new drop after the refill');
      await client.close();
    } finally {
      await relay.close();
    }
  });
});
