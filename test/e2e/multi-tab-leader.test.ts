// Leader mode in Chromium: tabs elect one leader (Web Locks) that holds the only socket and feeds
// the others over a BroadcastChannel; when the leader goes, another tab takes over.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { eventually, openBrowser, openTab, received, relayDisconnects, serveTestSite, setHidden, statesOf, statusOf, type TestSite } from './multi-tab-harness.js';

let site: TestSite;
let browser: Browser;
let context: BrowserContext;
let relay: Relay;

const tick = (price: number) => ({ symbol: 'L', price, ts: Date.now() });

/** Connections the relay has seen close so far. */
const disconnects = () => relayDisconnects(relay.httpUrl);

async function connections(): Promise<number> {
  return ((await (await fetch(`${relay.httpUrl}/healthz`)).json()) as { connections: number }).connections;
}


/** Publishes `price` and waits until every tab shows it, with increasing seqs. */
async function allGet(tabs: Page[], price: number): Promise<void> {
  await relay.publish('price:LEAD', tick(price));
  for (const [i, tab] of tabs.entries()) {
    await eventually(`tab ${i} to get price ${price}`, async () => (await received(tab, 'price:LEAD')).at(-1)?.price === price);
    const seqs = (await received(tab, 'price:LEAD')).map((u) => u.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), `tab ${i}: increasing seqs, no repeats`);
  }
}

before(async () => {
  site = await serveTestSite();
  relay = await createRelay({ port: 0, host: '127.0.0.1', quiet: true });
  ({ browser, context } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await relay?.close();
  await site?.close();
});

test('leader mode: one socket for 4 tabs; when the leader closes, then crashes, another tab takes over', async () => {
  const open = (): Promise<Page> => openTab(context, site, relay.wsUrl, ['price:LEAD'], 'leader');
  const first = await open();
  first.on('console', (m) => console.log('P1', m.text())); // alone, so it wins the election
  await eventually('the first tab to be open', async () => (await statusOf(first)).state === 'open');
  const second = await open();
  const third = await open();
  const fourth = await open();
  for (const tab of [second, third, fourth]) await eventually('followers open', async () => (await statusOf(tab)).state === 'open');
  for (const tab of [first, second, third, fourth]) assert.equal((await statusOf(tab)).mode, 'leader');
  assert.equal(await connections(), 1);
  await allGet([first, second, third, fourth], 1);

  await first.close();
  await eventually('a new leader with one socket', async () => (await connections()) === 1 && (await statusOf(second)).state === 'open');
  await allGet([second, third, fourth], 2);

  // The second tab queued first, so it leads now; crash it: only the released lock can tell.
  const fourthStatesBefore = (await statesOf(fourth)).length;
  let didCrash = false;
  second.once('crash', () => (didCrash = true));
  await second.goto('chrome://crash').catch(() => {});
  await eventually('the leader to crash', () => didCrash, 5000);
  await eventually('the next tab to take over', async () => (await connections()) === 1 && (await statusOf(third)).state === 'open');
  await allGet([third, fourth], 3);
  // A follower learns of the dead leader from its lock, not from a successor's first words.
  assert.equal((await statesOf(fourth)).slice(fourthStatesBefore)[0], 'reconnecting');
  await second.close().catch(() => {});
  await Promise.all([third.close(), fourth.close()]);
});


test('leader mode: a visible tab takes the lead from a hidden leader, and nothing is lost', async () => {
  await relay.publish('price:LEAD', tick(100)); // a value before these tabs, so seqs start above 1
  const open = (): Promise<Page> => openTab(context, site, relay.wsUrl, ['price:LEAD'], 'leader');
  const first = await open();
  await eventually('the first tab to be open', async () => (await statusOf(first)).state === 'open');
  const second = await open();
  const third = await open();
  for (const tab of [second, third]) await eventually('followers open', async () => (await statusOf(tab)).state === 'open');
  await allGet([first, second, third], 101);
  // The third tab is in the background too: only the second may take over.
  await setHidden(third, true);
  const statesBefore = await Promise.all([first, second, third].map(async (tab) => (await statesOf(tab)).length));
  const closedBefore = await disconnects();
  await setHidden(first, true);
  // The hand-over closes the old leader's socket and opens one in the second tab.
  await eventually('the old leader to hang up', async () => (await disconnects()) === closedBefore + 1 && (await connections()) === 1);
  await allGet([first, second, third], 102);
  // A planned hand-over is quiet: no tab flashed `reconnecting` or `connecting` through it.
  for (const [i, tab] of [first, second, third].entries()) {
    assert.deepEqual((await statesOf(tab)).slice(statesBefore[i]), [], `tab ${i + 1} stayed open through the hand-over`);
  }

  // The hidden first tab no longer holds the socket: closing it interrupts nobody.
  const before = await Promise.all([second, third].map(async (tab) => (await statesOf(tab)).length));
  await first.close();
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await allGet([second, third], 103);
  for (const [i, tab] of [second, third].entries()) {
    assert.deepEqual((await statesOf(tab)).slice(before[i]), [], `tab ${i + 2} stayed open`);
  }
  assert.equal(await connections(), 1);
  // Every update reached every tab once, in order, with no gap across the hand-over.
  for (const tab of [second, third]) {
    const seqs = (await received(tab, 'price:LEAD')).map((u) => u.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i), 'contiguous seqs');
  }
  await Promise.all([second.close(), third.close()]);
});
