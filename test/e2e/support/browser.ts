/**
 * Headless Chromium for end-to-end tests (playwright-core with the system browser; no download),
 * and a page wrapper that records console errors and uncaught exceptions.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error — a plain .mjs helper shared with the test runner, without type declarations
import { CHROME_ARGS, findChrome } from '../../../scripts/find-chrome.mjs';

/** Starts Chromium, or returns null when none is installed (the caller fails with a hint). */
export async function launchChromium(): Promise<Browser | null> {
  const executablePath = findChrome() as string | null;
  if (!executablePath) return null;
  return chromium.launch({ executablePath, args: CHROME_ARGS as string[], timeout: 60_000 });
}

/** A page that collects every console error and page error. */
export interface WatchedPage {
  page: Page;
  /** Problems seen since the last `take()`, as readable lines. */
  take(): string[];
}

/** Opens a page whose console errors and uncaught exceptions are recorded. */
export async function watchedPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport });
  let problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('crash', () => problems.push('page crashed'));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  return {
    page,
    take() {
      const taken = problems;
      problems = [];
      return taken;
    },
  };
}
