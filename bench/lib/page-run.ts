/**
 * Serves benchmark pages (bench/pages/*.ts bundled by esbuild) and measures them in Chromium:
 * CDP main-thread time (Performance.getMetrics: TaskDuration, ScriptDuration) and the in-page
 * probe's frame intervals and long tasks over one window.
 */
import type { Browser } from 'playwright-core';
import { bundleFile } from './bundle.js';
import { enableMetrics, metricsDeltaMs, readMetrics } from './chrome.js';
import type { StaticServer } from './static-server.js';
import { quantile } from './stats.js';
import { sleep } from './scenario.js';

/** Bundles `bench/pages/<name>.ts` and serves it as `/<name>.html`; returns the page URL. */
export async function servePage(server: StaticServer, name: string, extra: Record<string, string> = {}): Promise<string> {
  const code = await bundleFile(`bench/pages/${name}.ts`, { loader: { '.css': 'text' } });
  server.put(`/${name}.js`, code);
  server.put(`/${name}.html`, `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title>
<style>body{margin:0;font:14px system-ui,sans-serif}</style></head>
<body><script type="module" src="/${name}.js"></script></body></html>`);
  for (const [path, body] of Object.entries(extra)) server.put(path, body);
  return `${server.origin}/${name}.html`;
}

export interface PageMeasurement {
  frames: number;
  /** Main-thread busy time (all tasks) per frame, ms. */
  taskMsPerFrame: number;
  /** Script time per frame, ms. */
  scriptMsPerFrame: number;
  /** Style recalculation + layout per frame, ms (the rest of the main thread is mostly paint). */
  styleLayoutMsPerFrame: number;
  /** Main-thread and script time per second of wall clock (comparable when frame rates differ). */
  taskMsPerSecond: number;
  scriptMsPerSecond: number;
  p95FrameMs: number;
  p50FrameMs: number;
  longTasks: number;
  extra: Record<string, unknown>;
}

/** Opens `url` in a fresh context, waits until the page is ready, warms up, then measures one window. */
export async function measurePage(browser: Browser, url: string, warmupMs: number, windowMs: number): Promise<PageMeasurement> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(url);
    await page.waitForFunction(() => window.__benchReady === true, undefined, { timeout: 30_000 }).catch(() => {
      throw new Error(`page not ready: ${errors[0] ?? 'timeout'}`);
    });
    const cdp = await enableMetrics(page, context);
    await sleep(warmupMs);
    const m0 = await readMetrics(cdp);
    await page.evaluate(() => window.__benchProbe!.start());
    await sleep(windowMs);
    const probe = await page.evaluate(() => window.__benchProbe!.stop());
    const m1 = await readMetrics(cdp);
    const delta = metricsDeltaMs(m0, m1);
    const frames = Math.max(1, probe.frames);
    return {
      frames: probe.frames,
      taskMsPerFrame: delta.taskDuration / frames,
      scriptMsPerFrame: delta.scriptDuration / frames,
      styleLayoutMsPerFrame: (delta.recalcStyleDuration + delta.layoutDuration) / frames,
      taskMsPerSecond: delta.taskDuration / (probe.elapsedMs / 1000),
      scriptMsPerSecond: delta.scriptDuration / (probe.elapsedMs / 1000),
      p95FrameMs: quantile(probe.frameIntervals, 0.95),
      p50FrameMs: quantile(probe.frameIntervals, 0.5),
      longTasks: probe.longTasks,
      extra: { ...probe.extra, errors },
    };
  } finally {
    await context.close();
  }
}
