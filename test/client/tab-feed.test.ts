/**
 * The tab feed through a planned change of hub (leader mode's hand-over from a hidden leader):
 * it keeps showing `open` while the new hub connects, but not past the grace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TabFeed } from '../../src/client/tab-feed.js';
import { Hub } from '../../src/client/hub.js';
import { Connection } from '../../src/client/core/connection.js';
import { createHub, localLink } from '../../src/client/transports/direct.js';
import { quietHandover } from '../../src/client/transports/quiet-handover.js';
import { NodeWebSocket, sleep, startRelay, waitFor } from './support.js';

test('a quiet hand-over to a hub that cannot connect shows its state once the grace is over', async () => {
  const relay = await startRelay();
  const feed = new TabFeed(relay.wsUrl, { config: { url: relay.wsUrl } });
  try {
    feed.subscribe('price:QUIET', () => {});
    assert.ok(await feed.attach(localLink(createHub('direct', { WebSocket: NodeWebSocket })), 'direct'));
    await waitFor('open', () => feed.status.state === 'open');
    quietHandover(feed, 600);
    await relay.close(); // the new hub will find no relay
    assert.ok(await feed.attach(localLink(createHub('direct', { WebSocket: NodeWebSocket })), 'direct'), 'the new hub welcomes the tab');
    await sleep(300);
    assert.equal(feed.status.state, 'open', 'within the grace the switch does not show');
    await waitFor('the real state after the grace', () => feed.status.state !== 'open', 3_000);
    assert.ok(['connecting', 'reconnecting'].includes(feed.status.state), feed.status.state);
  } finally {
    feed.close();
    await relay.close().catch(() => {});
  }
});

test('a token provider slower than the hub waits is called once, and its late answer connects', async () => {
  const relay = await startRelay();
  // The hub waits 200 ms for a tab's token (30 s in production); this provider takes 700 ms (a
  // sign-in form, a cold token endpoint). Each retry used to call it again, and none was ever in time.
  const hub = new Hub({
    createConnection: (config, token) => new Connection({ url: config.url, token, mode: 'direct', WebSocket: NodeWebSocket, backoff: { minMs: 50, maxMs: 200 }, fetch: null }),
    tokenTimeoutMs: 200,
  });
  let calls = 0;
  const provider = () => (calls++, sleep(700).then(() => 'late-token'));
  const feed = new TabFeed(relay.wsUrl, { config: { url: relay.wsUrl }, token: provider });
  try {
    feed.subscribe('price:SLOW', () => {});
    assert.ok(await feed.attach(localLink(hub), 'direct'));
    await waitFor('open with the late token', () => feed.status.state === 'open', 3_000);
    assert.equal(calls, 1, 'the provider was not called again while its call was pending');
  } finally {
    feed.close();
    await relay.close();
  }
});
