import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ErrorMessage } from '../../src/protocol/index.js';
import { connect, eventually, startRelay, waitForClose } from './helpers.js';

describe('limits', () => {
  test('frames over the rate limit are dropped with one rate_limited error; a sustained flood closes 4002', async () => {
    const relay = await startRelay({ limits: { rateLimitPerSecond: 5, rateLimitBurst: 5, rateLimitCloseAfter: 1_000 } });
    try {
      const client = await connect(relay.wsUrl);
      for (let i = 0; i < 20; i++) client.send({ type: 'ping', t: i });
      await client.waitFor((m) => m.type === 'error' && m.code === 'rate_limited');
      await client.waitFor((m) => m.type === 'pong' && m.t === 4);
      assert.equal(client.received.filter((m) => m.type === 'error').length, 1, 'one error per second, not one per frame');
      assert.ok(client.received.filter((m) => m.type === 'pong').length <= 6);
      await client.close();
    } finally {
      await relay.close();
    }
    const strict = await startRelay({ limits: { rateLimitPerSecond: 5, rateLimitBurst: 5, rateLimitCloseAfter: 20 } });
    try {
      const client = await connect(strict.wsUrl);
      for (let i = 0; i < 200 && client.ws.readyState === client.ws.OPEN; i++) client.send({ type: 'ping', t: i });
      assert.equal((await waitForClose(client)).code, 4002);
    } finally {
      await strict.close();
    }
  });

  test('subscriptions over the per-connection cap get too_many_subscriptions; those within it work', async () => {
    const relay = await startRelay({ limits: { maxSubscriptionsPerConnection: 3 } });
    try {
      const client = await connect(relay.wsUrl);
      client.send({ type: 'subscribe', id: 1, channels: ['price:C1', 'price:C2', 'price:C3', 'price:C4', 'price:C5'] });
      await client.waitFor((m) => m.type === 'ack');
      await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:C3');
      const errors = client.received.filter((m): m is ErrorMessage => m.type === 'error');
      assert.deepEqual(errors.map((e) => [e.code, e.channel]), [
        ['too_many_subscriptions', 'price:C4'],
        ['too_many_subscriptions', 'price:C5'],
      ]);
      // After an unsubscribe there is room again.
      client.send({ type: 'unsubscribe', id: 2, channels: ['price:C1'] });
      client.send({ type: 'subscribe', id: 3, channels: ['price:C4'] });
      await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:C4');
      await client.close();
    } finally {
      await relay.close();
    }
  });

  test('connections over the per-IP cap are closed with 4003, and a slot frees when one leaves', async () => {
    const relay = await startRelay({ limits: { maxConnectionsPerIp: 2 } });
    try {
      const first = await connect(relay.wsUrl);
      const second = await connect(relay.wsUrl);
      const third = await connect(relay.wsUrl);
      assert.equal((await waitForClose(third)).code, 4003);
      await first.close();
      await eventually(async () => ((await (await fetch(`${relay.httpUrl}/healthz`)).json()) as { connections: number }).connections === 1);
      const fourth = await connect(relay.wsUrl);
      fourth.send({ type: 'ping', t: 1 });
      await fourth.waitFor((m) => m.type === 'pong');
      await Promise.all([second.close(), fourth.close()]);
    } finally {
      await relay.close();
    }
  });

  test('behind a trusted proxy the per-IP cap counts the X-Forwarded-For address the proxy reports', async () => {
    const relay = await startRelay({ trustProxy: true, limits: { maxConnectionsPerIp: 1 } });
    try {
      const from = (address: string) => connect(relay.wsUrl, { headers: { 'x-forwarded-for': `6.6.6.6, ${address}` } });
      const alice = await from('10.0.0.1');
      const bob = await from('10.0.0.2'); // same TCP peer (127.0.0.1), other client
      const aliceAgain = await from('10.0.0.1');
      assert.equal((await waitForClose(aliceAgain)).code, 4003);
      bob.send({ type: 'ping', t: 1 });
      await bob.waitFor((m) => m.type === 'pong');
      await Promise.all([alice.close(), bob.close()]);
    } finally {
      await relay.close();
    }
  });

  test('the Origin allow-list tells other origins so: close 4503 naming the origin, and nothing else', async () => {
    const relay = await startRelay({ allowedOrigins: ['https://good.example'] });
    try {
      const evil = await connect(relay.wsUrl, { origin: 'https://evil.example' });
      evil.send({ type: 'subscribe', id: 1, channels: ['price:BTC-USD'] });
      const closed = await waitForClose(evil);
      assert.equal(closed.code, 4503);
      assert.equal(closed.reason, 'origin not allowed: https://evil.example');
      assert.deepEqual(evil.received, [], 'no frame reaches a page of another origin');
      const long = await connect(relay.wsUrl, { origin: `https://${'a'.repeat(300)}.example` });
      const cut = await waitForClose(long);
      assert.equal(cut.code, 4503);
      assert.ok(Buffer.byteLength(cut.reason) <= 123, 'a close reason fits its frame');
      const good = await connect(relay.wsUrl, { origin: 'https://good.example' });
      const noOrigin = await connect(relay.wsUrl); // not a browser: no Origin header
      await Promise.all([good.close(), noOrigin.close()]);
    } finally {
      await relay.close();
    }
  });

  test('other paths than /ws are refused at the upgrade with 404', async () => {
    const relay = await startRelay();
    try {
      await assert.rejects(connect(`ws://127.0.0.1:${relay.port}/elsewhere`), /HTTP 404/);
    } finally {
      await relay.close();
    }
  });
});
