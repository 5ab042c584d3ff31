import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Relay } from '../../src/server/relay.js';
import { connect, eventually, metricValue, signToken, startRelay, tick } from './helpers.js';

const TOKEN = 'publish-token-for-tests';

describe('HTTP API', () => {
  let relay: Relay;
  const post = (body: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
    fetch(`${relay.httpUrl}/v1/publish`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  before(async () => {
    relay = await startRelay({ publishToken: TOKEN });
  });
  after(() => relay.close());

  test('/healthz reports status, connections, channels, subscriptions, uptime, backend and node', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:H1', 'price:H2'] });
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:H2');
    const response = await fetch(`${relay.httpUrl}/healthz`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    assert.equal(body.connections, 1);
    assert.equal(body.channels, 2);
    assert.equal(body.subscriptions, 2);
    assert.equal(body.backend, 'memory');
    assert.equal(typeof body.uptime, 'number');
    assert.equal(typeof body.node, 'string');
    await client.close();
  });

  test('/metrics is Prometheus text with the relay counters', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'ping', t: 1 });
    await client.waitFor((m) => m.type === 'pong');
    const response = await fetch(`${relay.httpUrl}/metrics`);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
    const text = await response.text();
    for (const name of ['market_pulse_connections', 'market_pulse_subscriptions', 'market_pulse_messages_in_total', 'market_pulse_messages_out_total', 'market_pulse_messages_conflated_total', 'market_pulse_messages_dropped_total', 'market_pulse_disconnects_total', 'market_pulse_event_loop_lag_seconds']) {
      assert.match(text, new RegExp(`# TYPE ${name} `), name);
    }
    assert.ok((await metricValue(relay.httpUrl, 'market_pulse_messages_in_total', '{type="ping"}')) >= 1);
    await client.close();
  });

  test('/metrics counts the messages and frames sent to clients, monotonically across scrapes', async () => {
    const out = () => metricValue(relay.httpUrl, 'market_pulse_messages_out_total');
    const frames = () => metricValue(relay.httpUrl, 'market_pulse_frames_out_total');
    const [out0, frames0] = [await out(), await frames()];
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:COUNTED'] });
    await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:COUNTED');
    for (let i = 1; i <= 3; i++) await relay.publish('price:COUNTED', tick('COUNTED', i));
    await client.waitFor((m) => m.type === 'update' && m.channel === 'price:COUNTED' && m.seq === 3);
    const [out1, frames1] = [await out(), await frames()];
    assert.equal(out1 - out0, 4, 'the snapshot and three updates');
    assert.ok(frames1 - frames0 >= 2 && frames1 - frames0 <= 4, `${frames1 - frames0} frames (a batch may carry several)`);
    assert.equal(await out(), out1, 'a scrape without traffic in between reads the same total');
    await relay.publish('price:COUNTED', tick('COUNTED', 4));
    await client.waitFor((m) => m.type === 'update' && m.channel === 'price:COUNTED' && m.seq === 4);
    assert.equal(await out(), out1 + 1);
    await client.close();
  });

  test('/v1/snapshot returns last values with seq (null for unknown channels) and CORS *', async () => {
    await relay.publish('price:SNAP', tick('SNAP', 42));
    const response = await fetch(`${relay.httpUrl}/v1/snapshot?channels=price:SNAP,price:NONE`, { headers: { origin: 'https://elsewhere.example' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const body = (await response.json()) as { channels: Record<string, { seq: number; data: { price: number } } | null> };
    assert.equal(body.channels['price:SNAP']?.seq, 1);
    assert.equal(body.channels['price:SNAP']?.data.price, 42);
    assert.equal(body.channels['price:NONE'], null);
    const preflight = await fetch(`${relay.httpUrl}/v1/snapshot?channels=price:SNAP`, { method: 'OPTIONS' });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  });

  test('/v1/snapshot refuses missing, invalid and too many channels with 400', async () => {
    for (const query of ['', '?channels=', '?channels=%3Cscript%3E', '?channels=__proto__', `?channels=${Array.from({ length: 101 }, (_, i) => `price:X${i}`).join(',')}`]) {
      const response = await fetch(`${relay.httpUrl}/v1/snapshot${query}`);
      assert.equal(response.status, 400, query.slice(0, 40));
      assert.equal(typeof ((await response.json()) as { error: unknown }).error, 'string');
    }
  });

  test('/v1/publish delivers {channel, data} and arrays to subscribers and answers the seqs', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:PUB'] });
    await client.waitFor((m) => m.type === 'snapshot');
    const one = await post(JSON.stringify({ channel: 'price:PUB', data: tick('PUB', 1.5) }));
    assert.equal(one.status, 200);
    assert.deepEqual(await one.json(), { published: [{ channel: 'price:PUB', seq: 1 }] });
    const many = await post(JSON.stringify([{ channel: 'price:PUB', data: tick('PUB', 2) }, { channel: 'alerts:me', data: { text: 'hi' } }]));
    assert.deepEqual(await many.json(), { published: [{ channel: 'price:PUB', seq: 2 }, { channel: 'alerts:me', seq: 1 }] });
    await client.waitFor((m) => m.type === 'update' && m.seq === 2 && m.data.price === 2);
    await client.close();
  });

  test('/v1/publish without the right bearer token is refused with 401', async () => {
    assert.equal((await post('{}', {})).status, 401);
    assert.equal((await post('{}', { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await post('{}', { authorization: TOKEN })).status, 401);
  });

  test('/v1/publish refuses bad bodies with 400 and a JSON error, and publishes nothing of them', async () => {
    const bodies = [
      '{not json',
      '[]',
      '"text"',
      JSON.stringify({ channel: 'bad channel', data: tick('X', 1) }),
      JSON.stringify({ channel: 'price:BAD', data: 'not an object' }),
      JSON.stringify({ channel: 'price:BAD', data: tick('OTHER', 1) }),
      JSON.stringify({ channel: 'price:BAD', data: { symbol: 'BAD', price: 'NaN', ts: 1 } }),
      JSON.stringify({ channel: 'price:BAD', data: { symbol: 'BAD', price: -1, ts: 1 } }),
      JSON.stringify({ channel: 'price:BAD', data: { symbol: 'BAD', price: 1 } }),
      JSON.stringify({ channel: 'price:BAD', data: { symbol: 'BAD', price: 1, ts: 1, bid: 'x' } }),
      '{"channel":"alerts:x","data":{"__proto__":{"polluted":1}}}',
      JSON.stringify([{ channel: 'price:BAD', data: tick('BAD', 1) }, { channel: 'price:BAD', data: { symbol: 'BAD' } }]),
      JSON.stringify(Array.from({ length: 101 }, () => ({ channel: 'price:BAD', data: tick('BAD', 1) }))),
    ];
    for (const body of bodies) {
      const response = await post(body);
      assert.equal(response.status, 400, body.slice(0, 60));
      assert.equal(typeof ((await response.json()) as { error: unknown }).error, 'string');
    }
    const snapshot = (await (await fetch(`${relay.httpUrl}/v1/snapshot?channels=price:BAD`)).json()) as { channels: Record<string, unknown> };
    assert.equal(snapshot.channels['price:BAD'], null);
  });

  test('/v1/publish caps the body size with 413', async () => {
    const response = await post(JSON.stringify({ channel: 'alerts:big', data: { text: 'x'.repeat(300 * 1024) } }));
    assert.equal(response.status, 413);
  });

  test('/v1/publish is refused with 403 when no publish token is configured', async () => {
    const closed = await startRelay();
    try {
      const response = await fetch(`${closed.httpUrl}/v1/publish`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer anything' } });
      assert.equal(response.status, 403);
    } finally {
      await closed.close();
    }
  });

  test('unknown routes answer 404, plain GET /ws 426, wrong methods 405', async () => {
    assert.equal((await fetch(`${relay.httpUrl}/nope`)).status, 404);
    assert.equal((await fetch(`${relay.httpUrl}/ws`)).status, 426);
    assert.equal((await fetch(`${relay.httpUrl}/v1/publish`)).status, 405);
    assert.equal((await fetch(`${relay.httpUrl}/healthz`, { method: 'POST' })).status, 405);
  });
});

describe('CORS with an origin allow-list', () => {
  test('/v1/snapshot echoes an allowed origin and omits the header for others', async () => {
    const relay = await startRelay({ allowedOrigins: ['https://good.example'] });
    try {
      const good = await fetch(`${relay.httpUrl}/v1/snapshot?channels=price:A`, { headers: { origin: 'https://good.example' } });
      assert.equal(good.headers.get('access-control-allow-origin'), 'https://good.example');
      assert.match(good.headers.get('vary') ?? '', /Origin/);
      const bad = await fetch(`${relay.httpUrl}/v1/snapshot?channels=price:A`, { headers: { origin: 'https://evil.example' } });
      assert.equal(bad.headers.get('access-control-allow-origin'), null);
    } finally {
      await relay.close();
    }
  });
});

describe('/v1/snapshot with JWT auth on', () => {
  test('needs a bearer JWT that allows every channel asked', async () => {
    const secret = 'snapshot-secret-long-enough-for-hs256!';
    const relay = await startRelay({ jwtSecret: secret });
    try {
      await relay.publish('portfolio:42', { value: 1 });
      const url = `${relay.httpUrl}/v1/snapshot?channels=portfolio:42`;
      assert.equal((await fetch(url)).status, 401);
      assert.equal((await fetch(url, { headers: { authorization: 'Bearer forged' } })).status, 401);
      const narrow = await signToken(secret, ['price:*']);
      const refused = await fetch(url, { headers: { authorization: `Bearer ${narrow}` } });
      assert.equal(refused.status, 403);
      assert.ok(!(await refused.text()).includes('"value"'));
      const allowed = await fetch(url, { headers: { authorization: `Bearer ${await signToken(secret, ['portfolio:42'])}` } });
      assert.equal(allowed.status, 200);
      assert.deepEqual(await allowed.json(), { epoch: relay.backend.epoch, channels: { 'portfolio:42': { seq: 1, data: { value: 1 } } } });
    } finally {
      await relay.close();
    }
  });
});

describe('metrics stay bounded', () => {
  test('close codes chosen by clients are not turned into new label values', async () => {
    const relay = await startRelay();
    try {
      for (const code of [3001, 4321, 4999]) {
        const client = await connect(relay.wsUrl);
        client.ws.close(code);
        await client.closed;
      }
      await eventually(async () => (await metricValue(relay.httpUrl, 'market_pulse_disconnects_total', '{code="other"}')) === 3);
      const text = await (await fetch(`${relay.httpUrl}/metrics`)).text();
      assert.ok(!/code="(3001|4321|4999)"/.test(text));
    } finally {
      await relay.close();
    }
  });
});
