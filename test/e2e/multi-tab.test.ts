// Several tabs of one origin in Chromium share one relay connection through the SharedWorker.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import type { ChannelBackend } from '../../src/server/backend/types.js';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { eventually, historySeqs, openBrowser, openTab, received, serveTestSite, statusOf, type TestSite } from './multi-tab-harness.js';

let site: TestSite;
let browser: Browser;
let context: BrowserContext;
let relay: Relay;
let backend: ChannelBackend;

const tick = (price: number) => ({ symbol: 'X', price, ts: Date.now() });

async function healthz(): Promise<{ connections: number; subscriptions: number; channels: number }> {
  return (await (await fetch(`${relay.httpUrl}/healthz`)).json()) as { connections: number; subscriptions: number; channels: number };
}


before(async () => {
  site = await serveTestSite();
  // The backend outlives relay restarts, as Redis would in production: resumption can be exact.
  backend = createMemoryBackend({ historySize: 500 });
  relay = await createRelay({ port: 0, host: '127.0.0.1', backend, quiet: true });
  ({ browser, context } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await relay?.close();
  await backend?.close();
  await site?.close();
});

let tabs: Page[] = [];

test('4 tabs on one feed: the relay sees 1 connection, and every tab gets the updates', async () => {
  for (let i = 0; i < 4; i++) tabs.push(await openTab(context, site, relay.wsUrl, ['price:ALL', `price:T${i}`]));
  await eventually('5 subscriptions (1 shared + 4 per tab)', async () => (await healthz()).subscriptions === 5);
  assert.equal((await healthz()).connections, 1);
  for (const tab of tabs) assert.deepEqual(await statusOf(tab), { state: 'open', mode: 'shared-worker' });
  for (let price = 1; price <= 5; price++) await relay.publish('price:ALL', tick(price));
  for (const [i, tab] of tabs.entries()) {
    await eventually(`tab ${i} to get price 5`, async () => (await received(tab, 'price:ALL')).at(-1)?.price === 5);
    const seqs = (await received(tab, 'price:ALL')).map((u) => u.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), `tab ${i}: increasing seqs, no repeats`);
  }
  await relay.publish('price:T2', tick(42));
  await eventually('tab 2 to get its own channel', async () => (await received(tabs[2]!, 'price:T2')).at(-1)?.price === 42);
  assert.equal((await received(tabs[1]!, 'price:T2')).length, 0, 'other tabs do not get it');
});

test('closing or crashing tabs releases their subscriptions at the relay', async () => {
  await tabs[3]!.close();
  await eventually('the closed tab’s channel released', async () => (await healthz()).subscriptions === 4, 5000);
  // A crashed renderer cannot say goodbye: its Web Lock is what tells the worker.
  const crashed = tabs[2]!;
  let didCrash = false;
  crashed.once('crash', () => (didCrash = true));
  await crashed.goto('chrome://crash').catch(() => {});
  await eventually('the renderer to crash', () => didCrash, 5000);
  const crashedAt = Date.now();
  await eventually('the crashed tab’s channel released', async () => (await healthz()).subscriptions === 3, 5000);
  assert.ok(Date.now() - crashedAt < 4000, `released ${Date.now() - crashedAt} ms after the crash`);
  await crashed.close().catch(() => {});
  tabs = tabs.slice(0, 2);
  assert.equal((await healthz()).connections, 1, 'the shared connection stays for the other tabs');
  await relay.publish('price:ALL', tick(6));
  for (const tab of tabs) await eventually('live tabs still fed', async () => (await received(tab, 'price:ALL')).at(-1)?.price === 6);
});

test('the relay is killed and started again on the same port: every tab resumes with no gap', async () => {
  const port = relay.port;
  const before = (await received(tabs[0]!, 'price:ALL')).at(-1)!.seq;
  await relay.close();
  for (const tab of tabs) await eventually('tabs to see the drop', async () => (await statusOf(tab)).state !== 'open', 5000);
  for (let price = 7; price <= 12; price++) await backend.publish('price:ALL', tick(price)); // while the relay is down
  relay = await createRelay({ port, host: '127.0.0.1', backend, quiet: true });
  for (const tab of tabs) await eventually('tabs open again', async () => (await statusOf(tab)).state === 'open', 20_000);
  await eventually('one connection again', async () => (await healthz()).connections === 1);
  await relay.publish('price:ALL', tick(13));
  for (const [i, tab] of tabs.entries()) {
    await eventually(`tab ${i} to reach price 13`, async () => (await received(tab, 'price:ALL')).at(-1)?.price === 13);
    const seqs = (await received(tab, 'price:ALL')).map((u) => u.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), `tab ${i}: increasing seqs, no repeats`);
  }
  // The worker's history holds every update, including those published while the relay was down.
  const history = await historySeqs(tabs[0]!, 'price:ALL');
  const last = history.at(-1)!;
  assert.deepEqual(history.filter((seq) => seq > before), Array.from({ length: last - before }, (_, i) => before + 1 + i));
});

test('the browser kills the SharedWorker: tabs notice through its lock and start a new one', async () => {
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string }> };
  const worker = targetInfos.find((target) => target.type === 'shared_worker');
  assert.ok(worker, 'a shared_worker target exists');
  await cdp.send('Target.closeTarget', { targetId: worker.targetId });
  await eventually('a new worker with one connection', async () => {
    const { targetInfos: now } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string }> };
    return now.some((target) => target.type === 'shared_worker' && target.targetId !== worker.targetId) && (await healthz()).connections === 1;
  });
  for (const tab of tabs) await eventually('tabs open again', async () => (await statusOf(tab)).state === 'open');
  const last = (await received(tabs[0]!, 'price:ALL')).at(-1)!.price as number;
  await relay.publish('price:ALL', tick(last + 1));
  for (const tab of tabs) await eventually('tabs fed by the new worker', async () => (await received(tab, 'price:ALL')).at(-1)?.price === last + 1);
  for (const tab of tabs) assert.equal((await statusOf(tab)).mode, 'shared-worker');
});
