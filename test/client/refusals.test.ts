// Channels the relay refuses for good on a connection (`forbidden`: the token does not allow
// them; `too_many_subscriptions`) reach the tabs that use them, through the real relay and hub,
// so that an element can say so instead of waiting forever; allowed channels are fed as usual.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '../../src/client/core/connection.js';
import { createHub } from '../../src/client/transports/direct.js';
import { PORT_PROTOCOL_VERSION, type HubMessage } from '../../src/client/port-protocol.js';
import { signToken } from '../server/helpers.js';
import { health, NodeWebSocket, startRelay, waitFor } from './support.js';

const SECRET = 'refusal-test-secret-long-enough-for-hs256';
type Refused = Extract<HubMessage, { type: 'refused' }>;

function tab(hub: ReturnType<typeof createHub>, url: string, channels: string[], token?: string) {
  const inbox: HubMessage[] = [];
  const port = hub.connect((message) => {
    inbox.push(message);
    if (message.type === 'token-request') port.receive({ type: 'token', id: message.id, token: token ?? null });
  });
  port.receive({ type: 'hello', v: PORT_PROTOCOL_VERSION, tab: `t${Math.random()}`, config: { url }, hidden: false, hasToken: token !== undefined, channels, since: {} });
  const refused = () => inbox.filter((m): m is Refused => m.type === 'refused');
  const prices = (channel: string) => inbox.flatMap((m) => (m.type === 'updates' ? m.updates : [])).filter((u) => u.channel === channel).map((u) => u.data.price);
  return { port, inbox, refused, prices };
}

test('a channel the token does not allow is reported to the tabs that use it, now and later; the allowed one is fed', async () => {
  const relay = await startRelay({ jwtSecret: SECRET });
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  const token = await signToken(SECRET, ['price:OK']);
  try {
    await relay.publish('price:OK', { symbol: 'OK', price: 1, ts: 1 });
    await relay.publish('price:SECRET', { symbol: 'SECRET', price: 99, ts: 1 });
    const first = tab(hub, relay.wsUrl, ['price:OK', 'price:SECRET'], token);
    await waitFor('the refusal', () => first.refused().length === 1);
    assert.equal(first.refused()[0]!.channel, 'price:SECRET');
    assert.equal(first.refused()[0]!.error.code, 'forbidden');
    await waitFor('the allowed channel fed', () => first.prices('price:OK').includes(1));
    assert.deepEqual(first.prices('price:SECRET'), [], 'no data of the refused channel');

    // A tab that joins later learns it at once, from the hub; a tab without the channel never does.
    const second = tab(hub, relay.wsUrl, ['price:SECRET'], token);
    assert.equal(second.refused().length, 1, 'told in the same turn as its hello');
    const third = tab(hub, relay.wsUrl, ['price:OK'], token);
    await relay.publish('price:OK', { symbol: 'OK', price: 2, ts: 2 });
    await waitFor('the third tab fed', () => third.prices('price:OK').includes(2));
    assert.equal(third.refused().length, 0);
    for (const each of [first, second, third]) each.port.disconnect();
  } finally {
    await relay.close();
  }
});

test('channels beyond the relay\'s subscription cap are reported as too_many_subscriptions', async () => {
  const relay = await startRelay({ limits: { maxSubscriptionsPerConnection: 2 } });
  const hub = createHub('direct', { WebSocket: NodeWebSocket });
  try {
    const only = tab(hub, relay.wsUrl, ['price:C1', 'price:C2', 'price:C3']);
    await waitFor('the refusal', () => only.refused().length === 1);
    assert.equal(only.refused()[0]!.error.code, 'too_many_subscriptions');
    assert.equal(only.refused()[0]!.channel, 'price:C3');
    only.port.disconnect();
  } finally {
    await relay.close();
  }
});

test('a refused channel is asked for again with the next token, which may allow it', async () => {
  const relay = await startRelay({ jwtSecret: SECRET });
  const narrow = await signToken(SECRET, ['price:OK'], 2); // refreshed at ~80 % of its 2 s
  const wide = await signToken(SECRET, ['price:*'], 60);
  let calls = 0;
  const connection = new Connection({ url: relay.wsUrl, WebSocket: NodeWebSocket, fetch: null, token: async () => (++calls === 1 ? narrow : wide) });
  const refused: string[] = [];
  const prices: number[] = [];
  connection.onRefused((channel) => refused.push(channel));
  connection.onUpdate((update) => update.channel === 'price:LATER' && prices.push(update.data.price as number));
  try {
    connection.start();
    connection.retain('price:OK');
    connection.retain('price:LATER');
    await waitFor('refused with the first token', () => refused.includes('price:LATER'));
    await waitFor('the refreshed token sent', () => calls >= 2, 5_000);
    await waitFor('subscribed with the new token', async () => (await health(relay)).subscriptions === 2, 5_000);
    await relay.publish('price:LATER', { symbol: 'LATER', price: 7, ts: 1 });
    await waitFor('fed once allowed', () => prices.includes(7));
    assert.equal(connection.status.state, 'open', 'no reconnect was needed');
  } finally {
    connection.close();
    await relay.close();
  }
});
