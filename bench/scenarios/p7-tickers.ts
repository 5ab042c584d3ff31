/**
 * P7 — 100 <price-ticker> + a 200-symbol <ticker-tape> at 1k ticks/s (in-page tick source, in-memory
 * feed) against the same page built from hand-written custom elements. Figures: p95 frame interval
 * (rAF timestamps) and script ms per frame (CDP ScriptDuration / frames).
 */
import { median } from '../lib/stats.js';
import type { Figure } from '../lib/figure.js';
import { measurePage, servePage, type PageMeasurement } from '../lib/page-run.js';
import { browserMissing, withBrowser } from '../lib/browser-rig.js';
import { alternate, type Scenario } from '../lib/scenario.js';

const SOURCES = ['market-feed', 'price-ticker', 'ticker-tape'].map((name) => `src/elements/${name}/define.ts`);

export const p7Tickers: Scenario = {
  id: 'P7',
  title: '100 tickers + 200-symbol tape at 1k ticks/s',
  async run(context) {
    const names = ['p95 frame interval', 'script ms/frame'];
    const missing = await browserMissing(SOURCES);
    if (missing) return names.map((name) => ({ id: 'P7', name: `${name} vs vanilla custom element`, skipped: missing }));
    const { quick, tiny, reps } = context.options;
    const windowMs = tiny ? 1000 : quick ? 1200 : 4000;
    const warmupMs = quick ? 500 : 1000;
    const samples = await withBrowser(async ({ browser, server }) => {
      const query = '?tickers=100&symbols=200&rate=1000';
      const ours = (await servePage(server, 'p7-ours')) + query;
      const vanilla = (await servePage(server, 'p7-vanilla')) + query;
      return alternate<PageMeasurement>(reps, {
        ours: () => measurePage(browser, ours, warmupMs, windowMs),
        vanilla: () => measurePage(browser, vanilla, warmupMs, windowMs),
      });
    });
    const med = (arm: string, key: keyof PageMeasurement) => median(samples[arm]!.map((s) => Number(s[key])));
    for (const arm of ['ours', 'vanilla']) {
      context.note(`${arm}: ${med(arm, 'frames')} frames, main thread ${med(arm, 'taskMsPerFrame').toFixed(2)} ms/frame (${med(arm, 'taskMsPerSecond').toFixed(0)} ms/s), script ${med(arm, 'scriptMsPerSecond').toFixed(0)} ms/s, style/layout ${med(arm, 'styleLayoutMsPerFrame').toFixed(2)} ms/frame, p50 frame ${med(arm, 'p50FrameMs').toFixed(1)} ms, long tasks ${med(arm, 'longTasks')}`);
    }
    const detail = { samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map(({ extra: _extra, ...rest }) => rest)])) };
    const figures: Figure[] = [
      {
        id: 'P7', name: 'p95 frame interval vs vanilla custom element', unit: 'ms',
        ours: med('ours', 'p95FrameMs'), peer: med('vanilla', 'p95FrameMs'), peerName: 'vanilla',
        target: '≤ 17 ms', met: med('ours', 'p95FrameMs') <= 17, detail,
      },
      {
        id: 'P7', name: 'script ms/frame vs vanilla custom element', unit: 'ms',
        ours: med('ours', 'scriptMsPerFrame'), peer: med('vanilla', 'scriptMsPerFrame'), peerName: 'vanilla',
        target: '≤ 1.2×', met: med('ours', 'scriptMsPerFrame') <= 1.2 * med('vanilla', 'scriptMsPerFrame'),
      },
    ];
    return figures;
  },
};
