import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, startRelay, waitForClose } from './helpers.js';

test('a peer that stops answering pings is closed with 4000; a peer that answers stays', async () => {
  const relay = await startRelay({ limits: { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 400 } });
  try {
    const silent = await connect(relay.wsUrl, { autoPong: false });
    const alive = await connect(relay.wsUrl);
    let pings = 0;
    silent.ws.on('ping', () => (pings += 1));
    assert.equal((await waitForClose(silent)).code, 4000);
    assert.ok(pings >= 1, 'the relay pinged');
    alive.send({ type: 'ping', t: 1 });
    await alive.waitFor((m) => m.type === 'pong');
    assert.equal(alive.ws.readyState, alive.ws.OPEN);
    await alive.close();
  } finally {
    await relay.close();
  }
});
