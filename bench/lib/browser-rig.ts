/** Chromium + a static page server for the browser scenarios; always torn down. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT } from './bundle.js';
import { chromePath, launchChromium } from './chrome.js';
import { startStaticServer, type StaticServer } from './static-server.js';

export interface BrowserRig {
  browser: Browser;
  server: StaticServer;
}

export async function withBrowser<T>(body: (rig: BrowserRig) => Promise<T>): Promise<T> {
  const server = await startStaticServer();
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    return await body({ browser, server });
  } finally {
    await browser?.close().catch(() => undefined);
    await server.close();
  }
}

/** Why a browser scenario cannot run now (no Chromium, or source files not written yet), or null. */
export async function browserMissing(sources: string[]): Promise<string | null> {
  if (!(await chromePath())) return 'no Chromium (set CHROME_PATH)';
  const absent = sources.filter((path) => !existsSync(join(ROOT, path)));
  return absent.length > 0 ? `missing ${absent.join(', ')}` : null;
}
