// The hub against generated tab messages (fast-check): near-valid hellos, subscriptions, frame
// reports, history and token answers with hostile fields, and arbitrary values, from tabs that come
// and go while a well-behaved tab watches one channel over the real relay. The hub never throws,
// never sends the relay an invalid frame, keeps feeding the good tab, and once the hostile tabs are
// gone holds exactly the good tab's subscription: its refcounts survive any order of messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHub } from '../../src/client/transports/direct.js';
import { PORT_PROTOCOL_VERSION, type HubMessage } from '../../src/client/port-protocol.js';
import { channelName, fieldValue, hostileString, maybe } from '../server/hostile-values.js';
import { health, metric, NodeWebSocket, startRelay, waitFor } from './support.js';

const GOOD = 'price:G';
const pool = fc.constantFrom(GOOD, 'price:J1', 'price:J2', 'price:J3');
const channels = fc.array(fc.oneof({ weight: 4, arbitrary: pool }, { weight: 1, arbitrary: channelName }), { maxLength: 6 });

function tabMessage(url: string) {
  return fc.oneof(
    fc.record({
      type: fc.constant('hello'),
      v: maybe(fc.constant(PORT_PROTOCOL_VERSION)),
      tab: maybe(fc.string({ maxLength: 8 })),
      config: maybe(fc.record({ url: fc.constant(url), pollingInterval: maybe(fc.integer({ min: -1, max: 10_000 })) }, { requiredKeys: ['url'] })),
      lock: maybe(hostileString),
      hidden: maybe(fc.boolean()),
      hasToken: maybe(fc.constant(false)),
      channels: maybe(channels),
      since: maybe(fc.dictionary(fc.oneof(pool, channelName), fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER), fieldValue), { maxKeys: 4 })),
      epoch: maybe(fc.stringMatching(/^[a-z0-9-]{1,12}$/)),
    }),
    fc.record({ type: fc.constantFrom('subscribe', 'unsubscribe'), channels: maybe(channels) }),
    fc.record({ type: fc.constant('visibility'), hidden: maybe(fc.boolean()) }),
    fc.record({ type: fc.constant('frames'), at: maybe(fc.double()), interval: maybe(fc.double({ min: -10, max: 200 })) }),
    fc.record({ type: fc.constant('history'), id: maybe(fc.nat()), channel: maybe(fc.oneof(pool, channelName)), limit: maybe(fc.integer({ min: -5, max: 5000 })) }),
    fc.record({ type: fc.constant('token'), id: maybe(fc.nat()), token: maybe(fc.oneof(fc.constant(null), hostileString)), error: maybe(hostileString) }),
    fc.record({ type: fc.constantFrom('bye', '__proto__', 'welcome', 'updates') }),
    fieldValue,
  );
}

test('generated tab messages never break the hub, the relay or another tab\'s feed', async () => {
  const relay = await startRelay();
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  const goodInbox: HubMessage[] = [];
  const good = hub.connect((message) => goodInbox.push(message));
  const lastGoodPrice = () => goodInbox.flatMap((m) => (m.type === 'updates' ? m.updates : [])).filter((u) => u.channel === GOOD).at(-1)?.data.price;
  try {
    good.receive({ type: 'hello', v: PORT_PROTOCOL_VERSION, tab: 'good', config: { url: relay.wsUrl }, hidden: false, hasToken: false, channels: [GOOD], since: {} });
    await relay.publish(GOOD, { symbol: 'G', price: 1, ts: 1 });
    await waitFor('the good tab fed', () => lastGoodPrice() === 1);

    let price = 1;
    await fc.assert(
      fc.asyncProperty(fc.array(tabMessage(relay.wsUrl), { minLength: 1, maxLength: 12 }), fc.boolean(), async (messages, leaveSilently) => {
        const junk = hub.connect(() => {});
        for (const message of messages) assert.doesNotThrow(() => junk.receive(message));
        // Let the hub act on them (subscribe, resume, answer history) before the next tab comes.
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (leaveSilently) junk.disconnect();
        else {
          junk.receive({ type: 'bye' });
          junk.disconnect();
        }
        await relay.publish(GOOD, { symbol: 'G', price: ++price, ts: price });
        const expected = price;
        await waitFor(`the good tab gets price ${expected}`, () => lastGoodPrice() === expected, 5_000);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150), seed: Number(process.env.FUZZ_SEED ?? 20261202) },
    );

    await waitFor('only the good tab\'s subscription is left', async () => (await health(relay)).subscriptions === 1);
    assert.equal(await metric(relay, 'market_pulse_messages_in_total{type="invalid"}'), 0, 'the hub sent the relay no invalid frame');
    assert.equal((await health(relay)).connections, 1, 'one socket all along');
  } finally {
    good.disconnect();
    await relay.close();
  }
});
