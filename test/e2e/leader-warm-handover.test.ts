// Leader mode in Chromium: the pause a visible tab sees in its updates while it takes the lead
// from a hidden leader. The relay sits behind a proxy that delays every byte by LATENCY_MS each
// way, as a distant relay would, so that one connection set-up costs what it costs on the web.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { delayingProxy, eventually, openBrowser, openTab, relayDisconnects, serveTestSite, setHidden, statusOf, type DelayingProxy, type TestSite } from './multi-tab-harness.js';

/** One-way delay of the proxy: a connection set-up (upgrade, then subscribe) is 4 of them. */
const LATENCY_MS = 300;
const TICK_MS = 50;
const CHANNEL = 'price:WARM';

let site: TestSite;
let browser: Browser;
let context: BrowserContext;
let relay: Relay;
let proxy: DelayingProxy;
let proxyUrl: string;

async function health(): Promise<{ connections: number }> {
  return (await (await fetch(`${relay.httpUrl}/healthz`)).json()) as { connections: number };
}

/** Connections the relay has seen close so far. */
const disconnects = () => relayDisconnects(relay.httpUrl);

/** Arrival time (the page's Date.now()) and seq of every update a tab's listener got, from now on. */
async function recordArrivals(page: Page): Promise<void> {
  await page.evaluate(`
    window.arrivals = [];
    feed.subscribe(${JSON.stringify(CHANNEL)}, (update) => window.arrivals.push({ at: Date.now(), seq: update.seq, price: update.data.price }));
  `);
}

function arrivals(page: Page): Promise<Array<{ at: number; seq: number; price: number }>> {
  return page.evaluate('window.arrivals.slice()') as Promise<Array<{ at: number; seq: number; price: number }>>;
}

before(async () => {
  site = await serveTestSite();
  relay = await createRelay({ port: 0, host: '127.0.0.1', quiet: true });
  proxy = await delayingProxy(relay.port, LATENCY_MS);
  proxyUrl = proxy.url;
  ({ browser, context } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await relay?.close();
  await site?.close();
});

test('leader mode: a visible tab taking the lead from a hidden one sees no pause of a connection set-up in its updates', async () => {
  const open = (): Promise<Page> => openTab(context, site, proxyUrl, [CHANNEL], 'leader');
  const leader = await open();
  await eventually('the first tab to be open', async () => (await statusOf(leader)).state === 'open');
  const visible = await open();
  const hidden = await open();
  for (const tab of [visible, hidden]) await eventually('followers open', async () => (await statusOf(tab)).state === 'open');
  await setHidden(hidden, true); // only `visible` may take over
  for (const tab of [leader, visible, hidden]) await recordArrivals(tab);
  let price = 0;
  const ticker = setInterval(() => void relay.publish(CHANNEL, { symbol: 'WARM', price: ++price, ts: Date.now() }), TICK_MS);
  try {
    await eventually('updates flowing', async () => (await arrivals(visible)).length >= 10);
    const closedBefore = await disconnects();
    await setHidden(leader, true);
    // The old leader hangs up once the visible tab has the lead: one socket again.
    await eventually('the old leader to hang up', async () => (await disconnects()) === closedBefore + 1 && (await health()).connections === 1);
    const handedOverAt = Date.now();
    await eventually('updates after the hand-over', async () => (await arrivals(visible)).some((a) => a.at > handedOverAt + 1_000));
  } finally {
    clearInterval(ticker);
  }
  for (const [i, tab] of [leader, visible, hidden].entries()) {
    const seqs = (await arrivals(tab)).map((a) => a.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), `tab ${i + 1}: increasing seqs, none twice`);
    await eventually(`tab ${i + 1} to get the last update`, async () => (await arrivals(tab)).at(-1)?.price === price);
  }
  const seen = await arrivals(visible);
  let pause = 0;
  for (let i = 1; i < seen.length; i++) pause = Math.max(pause, seen[i]!.at - seen[i - 1]!.at);
  // A cold hand-over cannot pause less than one set-up: 4 × LATENCY_MS = 1.2 s. Warm, the pause is
  // about a tick (50 ms); the bound leaves a busy machine room for 550 ms of scheduling delays.
  assert.ok(pause < 2 * LATENCY_MS, `the longest pause between updates was ${pause} ms (tick ${TICK_MS} ms, one set-up ≥ ${4 * LATENCY_MS} ms)`);
  assert.equal((await health()).connections, 1, 'one socket in steady state');
  await Promise.all([leader.close(), visible.close(), hidden.close()]);
});

test('leader mode: a takeover given up while warming up (the leader came back) closes only the warm socket', async () => {
  const open = (): Promise<Page> => openTab(context, site, proxyUrl, [CHANNEL], 'leader');
  const leader = await open();
  await eventually('the first tab to be open', async () => (await statusOf(leader)).state === 'open');
  const visible = await open();
  await eventually('the follower open', async () => (await statusOf(visible)).state === 'open');
  const closedBefore = await disconnects();
  proxy.stallNewConnections = true; // the visible tab's warm-up cannot finish
  try {
    await setHidden(leader, true);
    await eventually('the visible tab to warm up a socket of its own', async () => (await health()).connections === 2);
    await setHidden(leader, false);
    await eventually('the warm socket to close', async () => (await health()).connections === 1 && (await disconnects()) === closedBefore + 1);
  } finally {
    proxy.stallNewConnections = false;
  }
  // Past the warm-up's time limit: nobody took the lead, the leader's socket still feeds both tabs.
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  assert.equal(await disconnects(), closedBefore + 1);
  await relay.publish(CHANNEL, { symbol: 'WARM', price: 424242, ts: Date.now() });
  for (const tab of [leader, visible]) await eventually('fed by the leader', async () => (await tab.evaluate(`seen[${JSON.stringify(CHANNEL)}].at(-1)?.price`)) === 424242);
  for (const tab of [leader, visible]) assert.equal((await statusOf(tab)).state, 'open');
  await Promise.all([leader.close(), visible.close()]);
});
