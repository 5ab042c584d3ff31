import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SnapshotMessage, UpdateMessage } from '../../src/protocol/index.js';
import { priceTickProblem } from '../../src/server/http/publish-validation.js';
import { SYMBOLS } from '../../src/server/simulator/symbols.js';
import { connect, startRelay } from './helpers.js';

test('the simulated market covers ~50 crypto, stock, FX and index symbols', () => {
  assert.ok(SYMBOLS.length >= 45, `${SYMBOLS.length} symbols`);
  for (const kind of ['crypto', 'stock', 'fx', 'index']) assert.ok(SYMBOLS.some((s) => s.kind === kind), kind);
  for (const symbol of ['BTC-USD', 'ETH-USD', 'AAPL', 'MSFT', 'EUR-USD']) assert.ok(SYMBOLS.some((s) => s.symbol === symbol), symbol);
});

test('simulated ticks are valid, plausible, and keep coming with seq + 1', async () => {
  const relay = await startRelay({ simulate: { ticksPerSecond: 20 } });
  try {
    const client = await connect(relay.wsUrl);
    const channels = ['price:BTC-USD', 'price:AAPL', 'price:EUR-USD', 'price:SPX'];
    client.send({ type: 'subscribe', id: 1, channels });
    for (const channel of channels) await client.waitFor((m) => m.type === 'update' && m.channel === channel && m.seq >= 4, 15_000);
    for (const channel of channels) {
      const messages = client.received.filter((m): m is SnapshotMessage | UpdateMessage => 'channel' in m && m.channel === channel);
      const seqs = messages.map((m) => m.seq);
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => (seqs[0] as number) + i), `${channel} seqs`);
      for (const { data } of messages) {
        assert.ok(data);
        const symbol = channel.slice('price:'.length);
        assert.equal(priceTickProblem(data, symbol), null);
        const tick = data as { price: number; open: number; bid: number; ask: number; change: number; changePct: number; volume: number };
        assert.ok(tick.bid < tick.ask && tick.bid <= tick.price && tick.price <= tick.ask, `${symbol} bid/ask around price`);
        assert.ok(Math.abs(tick.price / tick.open - 1) < 0.2, `${symbol} stays near its open`);
        assert.ok(Math.abs(tick.change - (tick.price - tick.open)) < tick.price * 1e-3);
        assert.ok(tick.volume > 0);
      }
    }
    const btc = client.received.find((m): m is UpdateMessage => m.type === 'update' && m.channel === 'price:BTC-USD');
    assert.ok(btc && (btc.data.price as number) > 10_000, 'BTC priced like BTC');
    await client.close();
  } finally {
    await relay.close();
  }
});
