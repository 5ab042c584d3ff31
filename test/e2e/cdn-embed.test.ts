/**
 * The kit loaded from a CDN, as docs/embedding.md describes: the page on one origin, the bundle
 * and its worker file on another (with CORS, like a public CDN), the relay on a third.
 * Without help a SharedWorker cannot start from another origin, so the kit must fall back to
 * leader mode by itself; with the one-line worker file hosted on the page's origin
 * (`<market-feed worker="/market-pulse-worker.js">`) it must get shared-worker mode back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { launchChromium, watchedPage } from './support/browser.js';
import { prepareDemoSite, type DemoSite } from './support/demo-site.js';
import { serveStatic, type StaticServer } from './support/static-server.js';

let site: DemoSite | undefined;
let relay: Relay | undefined;
let cdn: StaticServer | undefined;
let page: StaticServer | undefined;
let pageRoot: string | undefined;
let browser: Browser | null = null;

before(async () => {
  site = prepareDemoSite();
  relay = await createRelay({ port: 0, simulate: true, quiet: true });
  cdn = await serveStatic(join(site.root, 'dist', 'cdn'), { cors: true });
  pageRoot = mkdtempSync(join(tmpdir(), 'market-pulse-site-'));
  const body = (feedAttributes: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Embed</title>
    <link rel="icon" href="data:,">
    <script type="module" src="${cdn!.url}/market-pulse.js"></script></head>
    <body><market-feed src="${relay!.wsUrl}" ${feedAttributes}>
      <price-ticker symbol="BTC-USD"></price-ticker><connection-status></connection-status>
    </market-feed></body></html>`;
  writeFileSync(join(pageRoot, 'index.html'), body(''));
  writeFileSync(join(pageRoot, 'own-worker.html'), body('worker="/market-pulse-worker.js"'));
  writeFileSync(join(pageRoot, 'missing-worker.html'), body('worker="/no-such-worker.js"'));
  // The one-line worker file of docs/embedding.md, on the page's origin.
  writeFileSync(join(pageRoot, 'market-pulse-worker.js'), `import '${cdn.url}/market-pulse-worker.js';\n`);
  page = await serveStatic(pageRoot);
  browser = await launchChromium();
  assert.ok(browser, 'no Chromium found: install one (apt-get install -y chromium) or set CHROME_PATH');
});

after(async () => {
  await browser?.close();
  await page?.close();
  await cdn?.close();
  await relay?.close();
  site?.dispose();
  if (pageRoot) rmSync(pageRoot, { recursive: true, force: true });
});

/** Opens `path` of the site; resolves with the status text once a price is shown. */
async function openAndWait(path: string): Promise<{ status: string; problems: string[] }> {
  const watched = await watchedPage(browser!);
  try {
    await watched.page.goto(`${page!.url}${path}`, { waitUntil: 'load' });
    await watched.page.waitForFunction(
      `/\\d/.test(document.querySelector('price-ticker')?.shadowRoot?.querySelector('[part~="price"]')?.textContent ?? '')
        && /live/i.test(document.querySelector('connection-status')?.shadowRoot?.textContent ?? '')`,
      undefined,
      { timeout: 20_000 },
    );
    const status = (await watched.page.evaluate(`document.querySelector('connection-status').shadowRoot.textContent`)) as string;
    return { status: status.replace(/\s+/g, ' ').trim(), problems: watched.take() };
  } finally {
    await watched.page.close();
  }
}

test('from another origin, the kit connects in leader mode by itself', { timeout: 60_000 }, async () => {
  const { status, problems } = await openAndWait('/');
  assert.match(status, /leader tab/);
  assert.deepEqual(problems, []);
});

test('with the one-line worker file on the page origin, it uses a SharedWorker', { timeout: 60_000 }, async () => {
  const { status, problems } = await openAndWait('/own-worker.html');
  assert.match(status, /shared worker/);
  assert.deepEqual(problems, []);
});

test('a worker file that does not load: the kit still connects, in leader mode', { timeout: 60_000 }, async () => {
  const { status, problems } = await openAndWait('/missing-worker.html');
  assert.match(status, /leader tab/);
  // The browser itself reports the failed worker fetch; nothing else may go wrong.
  assert.deepEqual(problems.filter((line) => !/no-such-worker\.js|404/.test(line)), []);
});
