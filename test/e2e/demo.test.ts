/**
 * The demo as a visitor sees it: a relay with the simulated market serves demo/index.html and the
 * CDN bundle; Chromium opens it. Prices must appear in every ticker, move, the tape and the charts
 * must fill, the status must say live, and the console must stay clean.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { launchChromium, watchedPage, type WatchedPage } from './support/browser.js';
import { prepareDemoSite, type DemoSite } from './support/demo-site.js';

let site: DemoSite | undefined;
let relay: Relay | undefined;
let browser: Browser | null = null;
let watched: WatchedPage | undefined;

before(async () => {
  site = prepareDemoSite();
  relay = await createRelay({ port: 0, simulate: true, quiet: true, staticRoot: site.root });
  browser = await launchChromium();
  assert.ok(browser, 'no Chromium found: install one (apt-get install -y chromium) or set CHROME_PATH');
  watched = await watchedPage(browser, { width: 1440, height: 900 });
  await watched.page.goto(`${relay.httpUrl}/`, { waitUntil: 'load' });
});

after(async () => {
  await browser?.close();
  await relay?.close();
  site?.dispose();
});

/** Text of a part inside each element matching `selector` (page-side; source text for tsx). */
const partTexts = (page: Page, selector: string, part: string) =>
  page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((el) =>
    (el.shadowRoot?.querySelector('[part~=${JSON.stringify(part)}]')?.textContent ?? '').trim())`) as Promise<string[]>;

/** Waits until `check()` holds, polling; fails with `message` after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, message: () => Promise<string> | string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(await message());
}

const hasDigit = (text: string) => /\d/.test(text);

test('every ticker shows a price', { timeout: 60_000 }, async () => {
  const page = watched!.page;
  const count = await page.locator('price-ticker').count();
  assert.ok(count >= 10, `the demo shows ${count} tickers`);
  await eventually(
    async () => (await partTexts(page, 'price-ticker', 'price')).every(hasDigit),
    async () => `tickers without a price: ${JSON.stringify(await partTexts(page, 'price-ticker', 'price'))}`,
  );
});

test('prices move', { timeout: 60_000 }, async () => {
  const page = watched!.page;
  const first = await partTexts(page, 'price-ticker', 'price');
  await eventually(
    async () => {
      const now = await partTexts(page, 'price-ticker', 'price');
      return now.filter((text, i) => text !== first[i]).length >= 3;
    },
    async () => `prices did not change: ${JSON.stringify(first)} → ${JSON.stringify(await partTexts(page, 'price-ticker', 'price'))}`,
  );
});

test('the tape lists its symbols with prices', { timeout: 60_000 }, async () => {
  const page = watched!.page;
  await eventually(
    async () => (await partTexts(page, 'ticker-tape', 'item')).every((text) => hasDigit(text)),
    async () => `tape items: ${JSON.stringify(await partTexts(page, 'ticker-tape', 'item'))}`,
  );
});

test('the charts draw on a sized canvas', { timeout: 60_000 }, async () => {
  const page = watched!.page;
  const sizes = () =>
    page.evaluate(`[...document.querySelectorAll('realtime-chart')].map((el) => {
      const canvas = el.shadowRoot?.querySelector('canvas');
      return canvas ? canvas.width * canvas.height : 0;
    })`) as Promise<number[]>;
  await eventually(
    async () => {
      const all = await sizes();
      return all.length >= 3 && all.every((area) => area > 10_000);
    },
    async () => `chart canvas areas: ${JSON.stringify(await sizes())}`,
  );
});

test('the status says the feed is live, over a SharedWorker', { timeout: 60_000 }, async () => {
  const page = watched!.page;
  const text = () => page.evaluate(`document.querySelector('connection-status')?.shadowRoot?.textContent ?? ''`) as Promise<string>;
  await eventually(async () => /live/i.test(await text()), async () => `connection-status reads: ${JSON.stringify((await text()).replace(/\s+/g, ' '))}`);
  // The bundle is served by the page's own origin, so its worker file can run as a SharedWorker.
  assert.match(await text(), /shared worker/);
});

test('no console errors and no uncaught exceptions', () => {
  assert.deepEqual(watched!.take(), []);
});
