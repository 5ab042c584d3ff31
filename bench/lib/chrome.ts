/** Chromium for the browser figures: playwright-core driving the machine's Chromium. */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';

interface FindChromeModule {
  findChrome(): string | null;
  CHROME_ARGS: string[];
}

const FIND_CHROME = '../../scripts/find-chrome.mjs';

async function findChromeModule(): Promise<FindChromeModule> {
  return (await import(FIND_CHROME as string)) as FindChromeModule;
}

/** Path of the Chromium binary, or null when none is installed. */
export async function chromePath(): Promise<string | null> {
  return (await findChromeModule()).findChrome();
}

/** Launches Chromium headless with the project's CI flags. */
export async function launchChromium(): Promise<Browser> {
  const { findChrome, CHROME_ARGS } = await findChromeModule();
  const executablePath = findChrome();
  if (!executablePath) throw new Error('no Chromium found (set CHROME_PATH)');
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, args: CHROME_ARGS, headless: true, timeout: 60_000 });
}

/** Main-thread time counters of a page, from the CDP Performance domain (seconds, cumulative). */
export interface MainThreadMetrics {
  taskDuration: number;
  scriptDuration: number;
  layoutDuration: number;
  recalcStyleDuration: number;
}

export async function enableMetrics(page: Page, context: BrowserContext): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  return cdp;
}

export async function readMetrics(cdp: CDPSession): Promise<MainThreadMetrics> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return {
    taskDuration: get('TaskDuration'),
    scriptDuration: get('ScriptDuration'),
    layoutDuration: get('LayoutDuration'),
    recalcStyleDuration: get('RecalcStyleDuration'),
  };
}

/** Difference of two metric readings, in ms. */
export function metricsDeltaMs(from: MainThreadMetrics, to: MainThreadMetrics): MainThreadMetrics {
  return {
    taskDuration: (to.taskDuration - from.taskDuration) * 1000,
    scriptDuration: (to.scriptDuration - from.scriptDuration) * 1000,
    layoutDuration: (to.layoutDuration - from.layoutDuration) * 1000,
    recalcStyleDuration: (to.recalcStyleDuration - from.recalcStyleDuration) * 1000,
  };
}
