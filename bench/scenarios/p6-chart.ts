/**
 * P6 — six charts of 600 points streaming 100 points/s each (in-page tick source): main-thread
 * busy ms per frame (CDP TaskDuration / frames) and long tasks (> 50 ms) during the window, for
 * <realtime-chart>, uPlot and lightweight-charts.
 */
import { median } from '../lib/stats.js';
import type { Figure } from '../lib/figure.js';
import { measurePage, servePage, type PageMeasurement } from '../lib/page-run.js';
import { browserMissing, withBrowser } from '../lib/browser-rig.js';
import { alternate, type Scenario } from '../lib/scenario.js';

const SOURCES = ['src/elements/market-feed/define.ts', 'src/elements/realtime-chart/define.ts'];
const QUERY = '?charts=6&points=600&rate=600';

export const p6Chart: Scenario = {
  id: 'P6',
  title: '<realtime-chart> 6×600 points streaming',
  async run(context) {
    const { quick, tiny, reps } = context.options;
    const windowMs = tiny ? 1000 : quick ? 1200 : 4000;
    const warmupMs = quick ? 500 : 1000;
    const oursMissing = await browserMissing(SOURCES);
    const samples = await withBrowser(async ({ browser, server }) => {
      const arms: Record<string, () => Promise<PageMeasurement>> = {};
      if (!oursMissing) {
        const url = (await servePage(server, 'p6-ours')) + QUERY;
        arms.ours = () => measurePage(browser, url, warmupMs, windowMs);
      }
      const uplot = (await servePage(server, 'p6-uplot')) + QUERY;
      const lightweight = (await servePage(server, 'p6-lightweight')) + QUERY;
      arms.uPlot = () => measurePage(browser, uplot, warmupMs, windowMs);
      arms['lightweight-charts'] = () => measurePage(browser, lightweight, warmupMs, windowMs);
      return alternate<PageMeasurement>(reps, arms);
    });
    const med = (arm: string, key: keyof PageMeasurement) => median((samples[arm] ?? []).map((s) => Number(s[key])));
    for (const arm of Object.keys(samples)) {
      context.note(`${arm}: ${med(arm, 'taskMsPerFrame').toFixed(2)} main-thread ms/frame (${med(arm, 'taskMsPerSecond').toFixed(0)} ms/s), ${med(arm, 'scriptMsPerFrame').toFixed(2)} script + ${med(arm, 'styleLayoutMsPerFrame').toFixed(2)} style/layout ms/frame, ${med(arm, 'frames')} frames, p95 frame ${med(arm, 'p95FrameMs').toFixed(1)} ms, long tasks ${med(arm, 'longTasks')}`);
    }
    const figures: Figure[] = [];
    for (const peer of ['uPlot', 'lightweight-charts']) {
      const name = `main-thread ms/frame vs ${peer}`;
      if (oursMissing) {
        figures.push({ id: 'P6', name, skipped: `${oursMissing}; ${peer} ${med(peer, 'taskMsPerFrame').toFixed(2)} ms/frame` });
        continue;
      }
      figures.push({
        id: 'P6', name, unit: 'ms', ours: med('ours', 'taskMsPerFrame'), peer: med(peer, 'taskMsPerFrame'), peerName: peer,
        target: peer === 'uPlot' ? '≤ 1.0×' : '≤ 1.0× uPlot (informative)',
        met: med('ours', 'taskMsPerFrame') <= med('uPlot', 'taskMsPerFrame'),
      });
    }
    if (oursMissing) figures.push({ id: 'P6', name: 'long tasks during window vs uPlot', skipped: oursMissing });
    else {
      figures.push({
        id: 'P6', name: 'long tasks during window vs uPlot', unit: '', ours: med('ours', 'longTasks'), peer: med('uPlot', 'longTasks'),
        peerName: 'uPlot', target: '0', met: med('ours', 'longTasks') === 0,
      });
    }
    return figures;
  },
};
