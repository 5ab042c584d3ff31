/** Several tabs of one browser profile (so they share a SharedWorker), for P1 and P2. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bundleFile } from './bundle.js';
import { servePage } from './page-run.js';
import type { StaticServer } from './static-server.js';

/** Serves the feed pages and our worker (bundled from src/worker/shared-worker.ts) once. */
export async function serveFeedPages(server: StaticServer, withOurs: boolean): Promise<Record<string, string>> {
  const urls: Record<string, string> = {
    websocket: await servePage(server, 'feed-websocket'),
    socketio: await servePage(server, 'feed-socketio'),
  };
  if (withOurs) {
    server.put('/shared-worker.js', await bundleFile('src/worker/shared-worker.ts'));
    urls.ours = await servePage(server, 'feed-ours');
  }
  return urls;
}

export interface Tabs {
  context: BrowserContext;
  pages: Page[];
  /** `feed.status.mode` (ours) or `own socket` per tab, once ready. */
  modes: string[];
}

/** Opens `count` tabs of `url` one after the other, each ready (first update received) before the next. */
export async function openTabs(browser: Browser, url: string, count: number): Promise<Tabs> {
  const context = await browser.newContext();
  const pages: Page[] = [];
  const modes: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(url);
      await page.waitForFunction(() => window.__benchReady === true, undefined, { timeout: 30_000 }).catch(() => {
        throw new Error(`tab ${i + 1} got no update: ${errors[0] ?? 'timeout'}`);
      });
      modes.push(String(await page.evaluate(() => window.__benchProbe?.extra.mode)));
      pages.push(page);
    }
  } catch (error) {
    await context.close();
    throw error;
  }
  return { context, pages, modes };
}
