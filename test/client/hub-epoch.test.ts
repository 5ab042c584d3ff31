/**
 * The relay's epoch across a change of hub (a restarted SharedWorker, a new leader tab): the tabs
 * keep it with their seqs and hand it to the new hub, so seqs of a relay's earlier run are never
 * continued by its new one. Real relays on 127.0.0.1, restarted on the same port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PORT_PROTOCOL_VERSION, type HubMessage, type PortUpdate } from '../../src/client/port-protocol.js';
import { isTabMessage } from '../../src/client/tab-message.js';
import { isEpoch, parseClientMessage, readServerMessage } from '../../src/protocol/index.js';
import { TabFeed, type LinkFactory } from '../../src/client/tab-feed.js';
import { createHub, localLink } from '../../src/client/transports/direct.js';
import type { FeedUpdate } from '../../src/client/types.js';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import type { Relay } from '../../src/server/relay.js';
import { Connection } from '../../src/client/core/connection.js';
import { Hub } from '../../src/client/hub.js';
import { health, instrumentedWebSocket, NodeWebSocket, startRelay, waitFor } from './support.js';

const CHANNEL = 'price:EPOCH';
const tick = (price: number) => ({ symbol: 'EPOCH', price, ts: price });

/** A tab with one listener on CHANNEL; `seen` lists what its elements were given, as [seq, price]. */
function openTab(url: string) {
  const feed = new TabFeed(url, { config: { url } });
  const seen: Array<[number, number]> = [];
  feed.subscribe(CHANNEL, (update: FeedUpdate) => seen.push([update.seq, update.data.price as number]));
  return { feed, seen };
}

const newHub = () => createHub('shared-worker', { WebSocket: NodeWebSocket });

/** `open`, with every update the hub posts to the tab logged in `log` (port messages, `reset` marks included). */
function logged(open: LinkFactory, log: PortUpdate[]): LinkFactory {
  return (receive) => open((message) => {
    if ((message as HubMessage).type === 'updates') log.push(...(message as Extract<HubMessage, { type: 'updates' }>).updates);
    receive(message);
  });
}

/** [seq, price] of each update of CHANNEL that a hub's connection applied (its ring: what `history()` answers first). */
const ringOf = (hub: ReturnType<typeof newHub>) => hub.core!.history(CHANNEL).map((update) => [update.seq, update.data.price]);

/**
 * Tabs fed by one hub up to `count` updates; then the relay stops and the hub dies with it (its
 * connection closed for good, as when the browser ends the worker).
 */
async function feedUntilHubAndRelayStop(relay: Relay, count: number, tabs: number) {
  const hub = newHub();
  const opened = Array.from({ length: tabs }, () => openTab(relay.wsUrl));
  for (const { feed } of opened) assert.ok(await feed.attach(localLink(hub), 'shared-worker'));
  await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
  for (let price = 1; price <= count; price++) await relay.publish(CHANNEL, tick(price));
  for (const { seen } of opened) await waitFor(`seq ${count} in every tab`, () => seen.at(-1)?.[0] === count);
  await relay.close();
  hub.core!.close();
  return opened;
}

test('a new hub meeting a relay that restarted past the tab\'s seq gives the tab the new run\'s value, not its updates passed off as the missed ones', async () => {
  let relay = await startRelay();
  const port = relay.port;
  const [tab] = await feedUntilHubAndRelayStop(relay, 3, 1);
  try {
    // A new relay process with a store of its own (a new run of seqs) that has published 5 already.
    const backend = createMemoryBackend();
    for (let price = 101; price <= 105; price++) await backend.publish(CHANNEL, tick(price));
    relay = await startRelay({ backend, port });
    const hub = newHub();
    const posted: PortUpdate[] = [];
    const before = tab!.seen.length;
    assert.ok(await tab!.feed.attach(logged(localLink(hub), posted), 'shared-worker'), 'the new hub welcomes the tab');
    await waitFor('the new run', () => tab!.seen.at(-1)?.[1] === 105);
    await relay.publish(CHANNEL, tick(106));
    await waitFor('live again', () => tab!.seen.at(-1)?.[1] === 106);
    assert.deepEqual(posted[0], { channel: CHANNEL, seq: 5, data: tick(105), reset: true }, 'the tab is told the channel started over');
    assert.deepEqual(ringOf(hub), [[5, 105], [6, 106]], 'the snapshot of the new run, not 4 and 5 as the updates after 3');
    assert.deepEqual(tab!.seen.slice(before), [[5, 105], [6, 106]]);
  } finally {
    tab!.feed.close();
    await relay.close();
  }
});

test('a tab fed only by polling learns the relay\'s epoch too: a new hub meeting a relay that restarted past the tab\'s seq gives it the new run\'s value', async () => {
  let relay = await startRelay();
  const port = relay.port;
  const firstEpoch = relay.backend.epoch;
  // The first hub's core never gets a socket through (a proxy that blocks them): it polls.
  const control = instrumentedWebSocket();
  control.blocked = true;
  const pollingHub = new Hub({
    createConnection: (config, token) => new Connection({
      url: config.url, token, mode: 'shared-worker', WebSocket: control.WebSocket, pollAfterFailures: 1, pollingInterval: 100, backoff: { minMs: 5000, maxMs: 5000 },
    }),
  });
  const tab = openTab(relay.wsUrl);
  try {
    assert.ok(await tab.feed.attach(localLink(pollingHub), 'shared-worker'));
    await waitFor('polling', () => pollingHub.core?.status.state === 'polling');
    for (let price = 1; price <= 3; price++) {
      await relay.publish(CHANNEL, tick(price));
      await waitFor(`seq ${price} in the tab, by polling`, () => tab.seen.at(-1)?.[0] === price);
    }
    assert.equal(tab.feed.hello().epoch, firstEpoch, 'the tab holds the run its seqs come from');
    await relay.close();
    pollingHub.core!.close();

    // A new relay process (a new run of seqs, already at 5) and a new hub whose socket gets through.
    const backend = createMemoryBackend();
    for (let price = 101; price <= 105; price++) await backend.publish(CHANNEL, tick(price));
    relay = await startRelay({ backend, port });
    const hub = newHub();
    const posted: PortUpdate[] = [];
    const before = tab.seen.length;
    assert.ok(await tab.feed.attach(logged(localLink(hub), posted), 'shared-worker'));
    await waitFor('the new run', () => tab.seen.at(-1)?.[1] === 105);
    await relay.publish(CHANNEL, tick(106));
    await waitFor('live again', () => tab.seen.at(-1)?.[1] === 106);
    assert.deepEqual(posted[0], { channel: CHANNEL, seq: 5, data: tick(105), reset: true }, 'the tab is told the channel started over');
    assert.deepEqual(ringOf(hub), [[5, 105], [6, 106]], 'the snapshot of the new run, not 4 and 5 as the updates after 3');
    assert.deepEqual(tab.seen.slice(before), [[5, 105], [6, 106]]);
  } finally {
    tab.feed.close();
    await relay.close();
  }
});

test('a tab that meets a hub already on the relay\'s new run, with seqs of the old run past the new ones, takes the new values instead of dropping them as repeats', async () => {
  let relay = await startRelay();
  const port = relay.port;
  const [first, late] = await feedUntilHubAndRelayStop(relay, 10, 2);
  try {
    const backend = createMemoryBackend();
    for (let price = 101; price <= 103; price++) await backend.publish(CHANNEL, tick(price));
    relay = await startRelay({ backend, port });
    const hub = newHub();
    const before = [first!.seen.length, late!.seen.length];
    assert.ok(await first!.feed.attach(localLink(hub), 'shared-worker'));
    await waitFor('the first tab on the new run', () => first!.seen.at(-1)?.[1] === 103);
    await relay.publish(CHANNEL, tick(104)); // the hub's last value is a plain update of the new run now
    await waitFor('the first tab fed', () => first!.seen.at(-1)?.[1] === 104);
    assert.ok(await late!.feed.attach(localLink(hub), 'shared-worker'), 'the late tab joins the live hub');
    await waitFor('the late tab on the new run', () => late!.seen.at(-1)?.[1] === 104);
    await relay.publish(CHANNEL, tick(105));
    for (const tab of [first!, late!]) await waitFor('live again', () => tab.seen.at(-1)?.[1] === 105);
    assert.deepEqual(first!.seen.slice(before[0]), [[3, 103], [4, 104], [5, 105]]);
    assert.deepEqual(late!.seen.slice(before[1]), [[4, 104], [5, 105]], 'not stuck at seq 10 of the old run');
  } finally {
    first!.feed.close();
    late!.feed.close();
    await relay.close();
  }
});

test('after the relay started over under a running hub, a tab that joins later is not told of a reset, and one that comes back with the value is not given it twice', async () => {
  let relay = await startRelay();
  const port = relay.port;
  const hub = newHub();
  const first = openTab(relay.wsUrl);
  const late = openTab(relay.wsUrl);
  try {
    assert.ok(await first.feed.attach(localLink(hub), 'shared-worker'));
    await waitFor('subscribed', async () => (await health(relay)).subscriptions === 1);
    for (let price = 1; price <= 10; price++) await relay.publish(CHANNEL, tick(price));
    await waitFor('seq 10', () => first.seen.at(-1)?.[0] === 10);
    // The relay restarts on its port with a new run of seqs; the hub's core reconnects to it.
    await relay.close();
    const backend = createMemoryBackend();
    for (let price = 101; price <= 103; price++) await backend.publish(CHANNEL, tick(price));
    relay = await startRelay({ backend, port });
    await waitFor('the new run in the first tab', () => first.seen.at(-1)?.[1] === 103);

    const posted: PortUpdate[] = [];
    assert.ok(await late.feed.attach(logged(localLink(hub), posted), 'shared-worker'), 'a tab opened later');
    await waitFor('the cached value in the late tab', () => late.seen.at(-1)?.[1] === 103);
    assert.deepEqual(posted, [{ channel: CHANNEL, seq: 3, data: tick(103) }], 'the cached value, not marked reset: no reset happened for this tab');

    // The first tab says hello to the hub again, holding seq 3 (as every tab does with a new
    // leader's hub after a hand-over): the value it has is no news to its elements.
    const before = first.seen.length;
    assert.ok(await first.feed.attach(localLink(hub), 'shared-worker'));
    await relay.publish(CHANNEL, tick(104));
    for (const tab of [first, late]) await waitFor('live again', () => tab.seen.at(-1)?.[1] === 104);
    assert.deepEqual(first.seen.slice(before), [[4, 104]], 'seq 3 is not delivered a second time');
  } finally {
    first.feed.close();
    late.feed.close();
    await relay.close();
  }
});

test('a new hub on the same relay run resumes the tab with since: every missed update once, in order', async () => {
  const backend = createMemoryBackend();
  const relay = await startRelay({ backend });
  const [tab] = await feedUntilHubAndRelayStop(relay, 3, 1);
  // The relay comes back with the same store (the same run of seqs) on its port.
  const again = await startRelay({ backend, port: relay.port });
  try {
    for (let price = 4; price <= 6; price++) await again.publish(CHANNEL, tick(price)); // while no hub listens
    const hub = newHub();
    const posted: PortUpdate[] = [];
    assert.ok(await tab!.feed.attach(logged(localLink(hub), posted), 'shared-worker'));
    await waitFor('the missed updates', () => tab!.seen.at(-1)?.[0] === 6);
    await again.publish(CHANNEL, tick(7));
    await waitFor('live again', () => tab!.seen.at(-1)?.[0] === 7);
    assert.deepEqual(ringOf(hub), [[4, 4], [5, 5], [6, 6], [7, 7]], 'the missed updates, each once, in order');
    assert.ok(posted.every((update) => !update.reset), 'no reset: the same run');
    // The hub conflates a burst to its latest value per frame: seqs only grow, and each is its own price.
    const seqs = tab!.seen.map(([seq]) => seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b));
    assert.ok(tab!.seen.every(([seq, price]) => seq === price));
  } finally {
    tab!.feed.close();
    await again.close();
    await backend.close();
  }
});

test('a hello whose epoch is not an epoch name is refused', () => {
  const hello = { type: 'hello', v: PORT_PROTOCOL_VERSION, tab: 't', config: { url: 'ws://x/ws' }, hidden: false, hasToken: false, channels: [], since: {} };
  assert.ok(isTabMessage(hello));
  assert.ok(isTabMessage({ ...hello, epoch: '3f9c1a2b' }));
  for (const epoch of ['', 'a'.repeat(65), '<img src=x onerror=alert(1)>', '../x', 42, null, {}]) {
    assert.equal(isTabMessage({ ...hello, epoch }), false, JSON.stringify(epoch));
  }
});

test('hubs take in hello exactly the epochs that the relay takes in subscribe and the client in ack: the protocol\'s one grammar', () => {
  const hello = { type: 'hello', v: PORT_PROTOCOL_VERSION, tab: 't', config: { url: 'ws://x/ws' }, hidden: false, hasToken: false, channels: [], since: {} };
  const subscribe = (epoch: unknown) => JSON.stringify({ type: 'subscribe', id: 1, channels: [CHANNEL], since: { [CHANNEL]: 3 }, epoch });
  const ack = (epoch: unknown) => JSON.stringify({ type: 'ack', id: 1, epoch });
  const names = ['3f9c1a2b', 'a', 'a'.repeat(64), 'run_2-b', 'A-Z_0', '', 'a'.repeat(65), 'é', 'a b', 'a.b', '../x', '<b>', 'a\n', 42, null, true, {}, []];
  for (const epoch of names) {
    const expected = typeof epoch === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(epoch); // docs/protocol.md
    assert.equal(isEpoch(epoch), expected, `isEpoch(${JSON.stringify(epoch)})`);
    assert.equal(isTabMessage({ ...hello, epoch }), expected, `hello ${JSON.stringify(epoch)}`);
    assert.equal(parseClientMessage(subscribe(epoch)).ok, expected, `subscribe ${JSON.stringify(epoch)}`);
    assert.equal(readServerMessage(ack(epoch))?.type === 'ack' && 'epoch' in readServerMessage(ack(epoch))!, expected, `ack ${JSON.stringify(epoch)}`);
  }
});
