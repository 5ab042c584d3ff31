import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ErrorMessage } from '../../src/protocol/index.js';
import type { Relay } from '../../src/server/relay.js';
import { connect, eventually, metricValue, signToken, startRelay, tick, waitForClose } from './helpers.js';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';

describe('JWT auth', () => {
  let relay: Relay;
  before(async () => {
    relay = await startRelay({ jwtSecret: SECRET, limits: { authDeadlineMs: 1_500 } });
  });
  after(() => relay.close());

  test('a valid token allows the channels its `channels` claim matches', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'auth', token: await signToken(SECRET, ['price:*']) });
    client.send({ type: 'subscribe', id: 1, channels: ['price:OK'] });
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:OK');
    await relay.publish('price:OK', tick('OK', 1));
    await client.waitFor((m) => m.type === 'update');
    await client.close();
  });

  test('missing token: subscribe gets auth_required, and the connection is closed 4500 at the deadline', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 3, channels: ['price:OK'] });
    const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
    assert.equal(error.code, 'auth_required');
    assert.equal(error.id, 3);
    const closed = await waitForClose(client);
    assert.equal(closed.code, 4500);
    assert.match(closed.reason, /requires one/, 'the reason (shown by <connection-status>) says a token is needed');
    assert.equal(client.received.filter((m) => m.type === 'snapshot' || m.type === 'update').length, 0);
  });

  test('a peer that never answers the close (here: at the auth deadline) is cut off 2 s later, not after ws\'s 30 s', async () => {
    const disconnects = () => metricValue(relay.httpUrl, 'market_pulse_disconnects_total', '{code="4500"}');
    const before = await disconnects();
    const client = await connect(relay.wsUrl);
    const opened = performance.now();
    // Reads nothing from now on, so it never sees, nor answers, the relay's close frame.
    (client.ws as unknown as { _socket: Socket })._socket.pause();
    await eventually(async () => (await disconnects()) > before, 10_000, 'the relay dropping the connection');
    const elapsed = performance.now() - opened;
    assert.ok(elapsed >= 1_500 + 2_000 - 50 && elapsed < 1_500 + 2_000 + 1_500, `dropped ${Math.round(elapsed)} ms after connecting`);
    client.ws.terminate();
  });

  test('an expired token is refused with token_expired and close 4004', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'auth', token: await signToken(SECRET, ['*'], -10) });
    const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
    assert.equal(error.code, 'token_expired');
    assert.equal((await waitForClose(client)).code, 4004);
  });

  test('a forged token (other secret) and a token signed with another algorithm are refused with 4501', async () => {
    for (const token of [
      await signToken('some-other-secret-of-a-good-length!!', ['*']),
      await signToken(SECRET, ['*'], 60, 'HS512'),
      'not.a.jwt',
      // alg "none": header {"alg":"none"}, payload {"channels":["*"],"exp":9999999999}, empty signature
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"channels":["*"],"exp":9999999999}').toString('base64url')}.`,
    ]) {
      const client = await connect(relay.wsUrl);
      client.send({ type: 'auth', token });
      client.send({ type: 'subscribe', id: 1, channels: ['price:OK'] });
      const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
      assert.equal(error.code, 'auth_failed');
      assert.equal((await waitForClose(client)).code, 4501);
      assert.equal(client.received.filter((m) => m.type === 'snapshot').length, 0);
    }
  });

  test('a token without a `channels` claim is refused', async () => {
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1m').sign(new TextEncoder().encode(SECRET));
    const client = await connect(relay.wsUrl);
    client.send({ type: 'auth', token });
    assert.equal((await waitForClose(client)).code, 4501);
  });

  test('a forbidden channel gets an error and never any data, while allowed ones flow', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'auth', token: await signToken(SECRET, ['price:AL*']) });
    client.send({ type: 'subscribe', id: 5, channels: ['price:ALLOWED', 'portfolio:42'] });
    const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
    assert.deepEqual([error.code, error.id, error.channel], ['forbidden', 5, 'portfolio:42']);
    await client.waitFor((m) => m.type === 'ack' && m.id === 5);
    await relay.publish('portfolio:42', { secret: 1 });
    await relay.publish('price:ALLOWED', tick('ALLOWED', 1));
    await client.waitFor((m) => m.type === 'update' && m.channel === 'price:ALLOWED');
    assert.equal(client.frames.some((frame) => frame.includes('"secret"')), false);
    await client.close();
  });

  test('re-sending auth refreshes the token: a refreshed connection outlives an unrefreshed one (closed 4004)', async () => {
    const short = await signToken(SECRET, ['price:*'], 3);
    const refreshed = await connect(relay.wsUrl);
    const lapsed = await connect(relay.wsUrl);
    for (const client of [refreshed, lapsed]) {
      client.send({ type: 'auth', token: short });
      client.send({ type: 'subscribe', id: 1, channels: ['price:REF'] });
      await client.waitFor((m) => m.type === 'snapshot');
    }
    refreshed.send({ type: 'auth', token: await signToken(SECRET, ['price:*'], 120) });
    const closed = await waitForClose(lapsed, 10_000);
    assert.equal(closed.code, 4004);
    assert.ok(lapsed.received.some((m) => m.type === 'error' && m.code === 'token_expired'));
    await relay.publish('price:REF', tick('REF', 1));
    await refreshed.waitFor((m) => m.type === 'update' && m.channel === 'price:REF');
    assert.equal(refreshed.ws.readyState, refreshed.ws.OPEN);
    await refreshed.close();
  });

  test('a refresh with narrower channels drops the subscriptions it no longer allows', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'auth', token: await signToken(SECRET, ['price:*']) });
    client.send({ type: 'subscribe', id: 1, channels: ['price:KEEP', 'price:DROP'] });
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:DROP');
    client.send({ type: 'auth', token: await signToken(SECRET, ['price:KEEP']) });
    const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
    assert.deepEqual([error.code, error.channel], ['forbidden', 'price:DROP']);
    await relay.publish('price:DROP', tick('DROP', 1));
    await relay.publish('price:KEEP', tick('KEEP', 1));
    await client.waitFor((m) => m.type === 'update' && m.channel === 'price:KEEP');
    assert.equal(client.received.some((m) => m.type === 'update' && m.channel === 'price:DROP'), false);
    await client.close();
  });
});

describe('auth off', () => {
  test('without a secret, auth frames are accepted and ignored, and every channel is open', async () => {
    const relay = await startRelay();
    try {
      const client = await connect(relay.wsUrl);
      client.send({ type: 'auth', token: 'anything' });
      client.send({ type: 'subscribe', id: 1, channels: ['portfolio:7'] });
      await client.waitFor((m) => m.type === 'snapshot');
      assert.equal(client.received.some((m) => m.type === 'error'), false);
      await client.close();
    } finally {
      await relay.close();
    }
  });
});
