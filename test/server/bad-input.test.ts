import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorMessage } from '../../src/protocol/index.js';
import type { Relay } from '../../src/server/relay.js';
import { connect, startRelay, tick, waitForClose, type TestClient } from './helpers.js';

/** Sends `frame` and resolves with the error frame the relay answers with. */
async function errorFor(client: TestClient, frame: string): Promise<ErrorMessage> {
  const before = client.received.length;
  client.send(frame);
  return client.waitFor<ErrorMessage>((m) => m.type === 'error' && client.received.indexOf(m) >= before);
}

describe('bad input', () => {
  let relay: Relay;
  before(async () => {
    relay = await startRelay({ limits: { maxBadFrames: 50 } });
  });
  after(() => relay.close());

  test('each bad frame class gets an error frame with its code, and the connection stays usable', async () => {
    const client = await connect(relay.wsUrl);
    const cases: Array<[string, string]> = [
      ['{not json', 'bad_frame'],
      ['"a string"', 'bad_frame'],
      ['[1,2,3]', 'bad_frame'],
      ['null', 'bad_frame'],
      ['{"type":"launch-missiles"}', 'unknown_type'],
      ['{"no":"type"}', 'unknown_type'],
      ['{"type":"subscribe","id":"1","channels":["price:A"]}', 'bad_frame'],
      ['{"type":"subscribe","id":1,"channels":"price:A"}', 'bad_frame'],
      ['{"type":"subscribe","id":1,"channels":[]}', 'bad_frame'],
      ['{"type":"subscribe","id":1,"channels":[42]}', 'invalid_channel'],
      ['{"type":"subscribe","id":1,"channels":["<script>alert(1)</script>"]}', 'invalid_channel'],
      ['{"type":"subscribe","id":1,"channels":["price:A"],"since":{"price:A":-1}}', 'bad_frame'],
      ['{"type":"subscribe","id":1,"channels":["price:A"],"since":{"__proto__":1}}', 'bad_frame'],
      ['{"__proto__":{"polluted":true},"type":"ping","t":1}', 'bad_frame'],
      ['{"type":"ping","t":"soon"}', 'bad_frame'],
      ['{"type":"auth","token":12}', 'bad_frame'],
      [JSON.stringify({ type: 'subscribe', id: 1, channels: Array.from({ length: 1000 }, (_, i) => `price:S${i}`) }), 'bad_frame'],
      [JSON.stringify({ type: 'subscribe', id: 1, channels: ['price:A'], junk: Array.from({ length: 3000 }, () => [[[[1]]]]) }), 'ack'],
    ];
    for (const [frame, code] of cases) {
      if (code === 'ack') {
        client.send(frame);
        await client.waitFor((m) => m.type === 'ack');
        continue;
      }
      const error = await errorFor(client, frame);
      assert.equal(error.code, code, `frame ${frame.slice(0, 80)}`);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    client.send({ type: 'ping', t: 1 });
    await client.waitFor((m) => m.type === 'pong');
    await client.close();
  });

  test('a binary frame closes with 1003', async () => {
    const client = await connect(relay.wsUrl);
    client.ws.send(Buffer.from([1, 2, 3]));
    assert.equal((await waitForClose(client)).code, 1003);
  });

  test('a text frame that is not valid UTF-8 closes with 1007', async () => {
    const client = await connect(relay.wsUrl);
    client.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    assert.equal((await waitForClose(client)).code, 1007);
  });

  test('a frame over maxPayload closes with 1009', async () => {
    const client = await connect(relay.wsUrl);
    client.send(JSON.stringify({ type: 'ping', t: 1, pad: 'x'.repeat(70 * 1024) }));
    assert.equal((await waitForClose(client)).code, 1009);
  });

  test('too many bad frames close with 4502 (protocol violation)', async () => {
    const strict = await startRelay({ limits: { maxBadFrames: 3 } });
    try {
      const client = await connect(strict.wsUrl);
      for (let i = 0; i < 5; i++) client.send('garbage');
      assert.equal((await waitForClose(client)).code, 4502);
    } finally {
      await strict.close();
    }
  });

  test('after all of that, the relay still serves other clients', async () => {
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:STILL'] });
    await client.waitFor((m) => m.type === 'snapshot');
    await relay.publish('price:STILL', tick('STILL', 1));
    await client.waitFor((m) => m.type === 'update');
    const health = (await (await fetch(`${relay.httpUrl}/healthz`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    await client.close();
  });
});
