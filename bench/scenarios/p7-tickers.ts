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
    const windowMs = tiny ? 1000 : quick ? 1200 : 5000;
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
    context.note(`main-thread ms/frame: ours ${med('ours', 'taskMsPerFrame').toFixed(2)}, vanilla ${med('vanilla', 'taskMsPerFrame').toFixed(2)}; frames: ours ${med('ours', 'frames')}, vanilla ${med('vanilla', 'frames')}`);
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
