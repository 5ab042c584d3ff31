/**
 * Story smoke test: builds Storybook (or reuses a build newer than every source), serves it on
 * 127.0.0.1, and loads EVERY story of index.json in headless Chromium. A story fails when it logs a
 * console error, throws, shows Storybook's error screen, or does not render its element.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, watchedPage } from './support/browser.js';
import { newestMtime } from './support/demo-site.js';
import { serveStatic, type StaticServer } from './support/static-server.js';

const TAGS = ['price-ticker', 'ticker-tape', 'realtime-chart', 'connection-status', 'market-feed'];
/** How long a story may take to show its element, and how long we watch it for late errors. */
const RENDER_TIMEOUT_MS = 15_000;
const SETTLE_MS = 250;

/**
 * Runs in the page: 'ok' once the expected element (or any market-pulse element but the provider)
 * is defined and has rendered its shadow root; a message on Storybook's error screen. Source text,
 * not a function, because tsx would wrap a compiled function in helpers the page does not have.
 */
const renderedCheck = (args: { tags: string[]; expected: string | null }) => `(({ tags, expected }) => {
  if (document.body.classList.contains('sb-show-errordisplay')) return 'storybook error display';
  const root = document.querySelector('#storybook-root');
  if (!root) return false;
  const found = tags.flatMap((tag) => [...root.querySelectorAll(tag)])
    .filter((el) => customElements.get(el.localName) !== undefined && (el.shadowRoot?.childNodes.length ?? 0) > 0);
  if (expected) return found.some((el) => el.localName === expected) ? 'ok' : false;
  return found.some((el) => el.localName !== 'market-feed') ? 'ok' : false;
})(${JSON.stringify(args)})`;

interface IndexEntry {
  id: string;
  title: string;
  name: string;
  type: 'story' | 'docs';
}

/** `storybook-static/` when it is newer than everything it is built from, else a fresh temp build. */
function storybookDir(): { dir: string; temporary: boolean } {
  const reused = 'storybook-static';
  const built = newestMtime(join(reused, 'index.json'));
  const sources = Math.max(...['src', 'stories', '.storybook', 'vite.config.ts', 'package.json'].map(newestMtime));
  if (built > sources) return { dir: reused, temporary: false };
  const dir = mkdtempSync(join(tmpdir(), 'market-pulse-storybook-'));
  const bin = (name: string) => join('node_modules', '.bin', name);
  for (const [command, args] of [
    [bin('cem'), ['analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet']],
    [bin('storybook'), ['build', '--quiet', '--disable-telemetry', '-o', dir]],
  ] as const) {
    const result = spawnSync(command, [...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, CI: 'true' } });
    assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return { dir, temporary: true };
}

const hasStories = existsSync('stories') && readdirSync('stories').some((name) => name.endsWith('.stories.ts'));

let browser: Browser | null = null;
let server: StaticServer | undefined;
let built: { dir: string; temporary: boolean } | undefined;
let stories: IndexEntry[] = [];

before(async () => {
  if (!hasStories) return;
  built = storybookDir();
  const index = JSON.parse(readFileSync(join(built.dir, 'index.json'), 'utf8')) as { entries: Record<string, IndexEntry> };
  stories = Object.values(index.entries).filter((entry) => entry.type === 'story');
  server = await serveStatic(built.dir);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (built?.temporary) rmSync(built.dir, { recursive: true, force: true });
});

test('every story renders its element without console errors', { skip: hasStories ? false : 'no stories written yet', timeout: 240_000 }, async () => {
  assert.ok(browser, 'no Chromium found: install one (apt-get install -y chromium) or set CHROME_PATH');
  assert.ok(stories.length > 0, 'index.json lists no stories');
  const { page, take } = await watchedPage(browser);
  const failures: string[] = [];
  for (const story of stories) {
    const titleTag = story.title.split('/').pop()?.trim() ?? '';
    const expected = TAGS.includes(titleTag) ? titleTag : null;
    await page.goto(`${server!.url}/iframe.html?id=${encodeURIComponent(story.id)}&viewMode=story`, { waitUntil: 'load' });
    const outcome = await page
      .waitForFunction(renderedCheck({ tags: TAGS, expected }), undefined, { timeout: RENDER_TIMEOUT_MS, polling: 50 })
      .then((handle) => handle.jsonValue())
      .catch(() => `no rendered <${expected ?? 'market-pulse element'}> after ${RENDER_TIMEOUT_MS} ms`);
    // Let timers (simulated ticks, flashes, stale checks) run for a moment: late errors count too.
    await page.waitForTimeout(SETTLE_MS);
    const problems = take();
    if (outcome !== 'ok') problems.unshift(String(outcome));
    if (problems.length > 0) failures.push(`${story.id}:\n    ${problems.slice(0, 5).join('\n    ')}`);
  }
  assert.deepEqual(failures, [], `${failures.length} of ${stories.length} stories failed:\n  ${failures.join('\n  ')}`);
});
