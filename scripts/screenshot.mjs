// Screenshots of the demo (served by a real relay with the simulated market) and of a few stories,
// in headless Chromium, to look at what a visitor sees.
//
//   node scripts/screenshot.mjs [--out .tmp/screenshots] [--only demo|stories] [--demo-settle ms]
//                               [--storybook storybook-static] [--stories id,id] [--settle ms]
//
// The demo needs a CDN bundle: the working tree's dist/cdn when it is current, else one is built
// into a temporary folder. Stories are shot only when a Storybook build exists (npm run build-storybook).
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, findChrome, NO_CHROME_HINT } from './find-chrome.mjs';

register(); // lets this script import the TypeScript relay and test helpers directly

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join('.tmp', 'screenshots') },
    storybook: { type: 'string', default: 'storybook-static' },
    stories: { type: 'string', default: '' },
    settle: { type: 'string', default: '4000' },
    'demo-settle': { type: 'string', default: '30000' },
    only: { type: 'string', default: '' },
  },
});
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
const executablePath = findChrome();
if (!executablePath) {
  console.error(NO_CHROME_HINT);
  process.exit(1);
}

const { createRelay } = await import('../src/server/relay.ts');
const { prepareDemoSite } = await import('../test/e2e/support/demo-site.ts');
const { serveStatic } = await import('../test/e2e/support/static-server.ts');

const browser = await chromium.launch({ executablePath, args: CHROME_ARGS });
const problems = [];

/** Opens `url`, waits until every ticker shows a digit and `settle` ms more, saves a PNG. */
async function shoot(name, url, { viewport, colorScheme = 'light', fullPage = true, ready, settle = Number(values.settle) }) {
  const page = await browser.newPage({ viewport, colorScheme, deviceScaleFactor: 1 });
  page.on('console', (m) => m.type() === 'error' && problems.push(`${name}: console.error ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`${name}: page error ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  if (ready) await page.waitForFunction(ready, undefined, { timeout: 20_000 }).catch(() => problems.push(`${name}: not ready after 20 s`));
  await page.waitForTimeout(settle);
  const path = join(out, `${name}.png`);
  await page.screenshot({ path, fullPage });
  await page.close();
  console.log(`saved ${path}`);
}

const TICKERS_READY = `[...document.querySelectorAll('price-ticker')].length > 0 &&
  [...document.querySelectorAll('price-ticker')].every((el) => /\\d/.test(el.shadowRoot?.querySelector('[part~="price"]')?.textContent ?? ''))`;

/** The demo, served by a relay with the simulated market: desktop light and dark, and a phone. */
async function shootDemo() {
  const site = prepareDemoSite();
  const relay = await createRelay({ port: 0, simulate: true, quiet: true, staticRoot: site.root });
  try {
    const demo = `${relay.httpUrl}/`;
    // The relay just started: give the charts time to fill part of their window.
    const settle = Number(values['demo-settle']);
    await shoot('demo-light', demo, { viewport: { width: 1440, height: 900 }, ready: TICKERS_READY, settle });
    await shoot('demo-dark', demo, { viewport: { width: 1440, height: 900 }, colorScheme: 'dark', ready: TICKERS_READY });
    await shoot('demo-mobile', demo, { viewport: { width: 390, height: 844 }, ready: TICKERS_READY });
  } finally {
    await relay.close();
    site.dispose();
  }
}

/** A few stories (or the ones given with --stories) from a Storybook build. */
async function shootStories() {
  if (!existsSync(join(values.storybook, 'index.json'))) {
    console.log(`no Storybook build in ${values.storybook}: run npm run build-storybook to shoot stories`);
    return;
  }
  const index = JSON.parse(readFileSync(join(values.storybook, 'index.json'), 'utf8'));
  const stories = Object.values(index.entries).filter((entry) => entry.type === 'story');
  const wanted = values.stories
    ? values.stories.split(',')
    : stories.filter((s) => /default|dark|rtl|flood|calm|overview|reconnect/i.test(s.id)).map((s) => s.id);
  const server = await serveStatic(values.storybook);
  try {
    for (const id of wanted) {
      await shoot(`story-${id}`, `${server.url}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`, {
        viewport: { width: 900, height: 600 },
      });
    }
  } finally {
    await server.close();
  }
}

if (values.only !== 'stories') await shootDemo();
if (values.only !== 'demo') await shootStories();

await browser.close();
if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
}
