/**
 * P2 — tick → next animation frame latency at 100 ticks/s with 3 tabs open. The relay process
 * stamps each tick with its fractional-ms wall clock; each tab aligns its clock to Node's (GET
 * /clock, min-RTT round trip) and measures at the first requestAnimationFrame callback after the
 * tick reached page code. Ours: connectFeed() in shared-worker mode (socket in the worker, one
 * MessagePort hop, per-frame batching). Peer: each tab with its own WebSocket to the same relay.
 */
import type { Browser } from 'playwright-core';
import { median, quantile } from '../lib/stats.js';
import type { Figure } from '../lib/figure.js';
import { browserMissing, withBrowser } from '../lib/browser-rig.js';
import { onRig, relayMissing, withRelays, type RelayRig } from '../lib/relay-arms.js';
import { alternate, sleep, type Scenario } from '../lib/scenario.js';
import { openTabs, serveFeedPages } from '../lib/tabs.js';

const TABS = 3;
const SOURCES = ['src/client/connect-feed.ts', 'src/worker/shared-worker.ts'];

interface LatencySample {
  p50: number;
  p99: number;
  count: number;
  rtt: number;
  /** Largest |offset| measured between a tab's clock and Node's, and largest applied. */
  measuredOffset: number;
  appliedOffset: number;
  /** Median rAF interval over the tabs during the window (the frame cadence bounds the latency). */
  frameMs: number;
}

async function measure(browser: Browser, rig: RelayRig, url: string, windowMs: number): Promise<LatencySample> {
  return onRig(rig, async () => {
    await rig.server.call('rate', { ticksPerSecond: 100, symbols: 1 });
    const tabs = await openTabs(browser, `${url}?ws=${encodeURIComponent(rig.wsUrl)}`, TABS);
    try {
      await sleep(1000);
      await Promise.all(tabs.pages.map((page) => page.evaluate(() => (window.__latency!.start(), window.__benchProbe!.start()))));
      await sleep(windowMs);
      const results = await Promise.all(tabs.pages.map((page) => page.evaluate(() => ({ ...window.__latency!.stop(), frames: window.__benchProbe!.stop().frameIntervals }))));
      const all = results.flatMap((r) => r.samples);
      return {
        p50: quantile(all, 0.5),
        p99: quantile(all, 0.99),
        count: all.length,
        rtt: Math.max(...results.map((r) => r.rtt)),
        measuredOffset: Math.max(...results.map((r) => Math.abs(r.measuredOffset))),
        appliedOffset: Math.max(...results.map((r) => Math.abs(r.offset))),
        frameMs: median(results.flatMap((r) => r.frames)),
      };
    } finally {
      await tabs.context.close();
    }
  });
}

export const p2Latency: Scenario = {
  id: 'P2',
  title: 'tick → next animation frame latency, 100 Hz, 3 tabs',
  async run(context) {
    const names = ['p50 tick→frame latency vs own WebSocket', 'p99 tick→frame latency vs own WebSocket'];
    const missing = (await browserMissing(SOURCES)) ?? relayMissing('ours');
    if (missing) return names.map((name) => ({ id: 'P2', name, skipped: missing }));
    const { quick, tiny, reps } = context.options;
    const windowMs = tiny ? 1000 : quick ? 1200 : 4000;
    const samples = await withBrowser(async ({ browser, server }) => {
      const urls = await serveFeedPages(server, true);
      // Both arms talk to the same relay process: the only difference is the worker hop.
      return withRelays(['ours'], ({ ours: rig }) =>
        alternate<LatencySample>(reps, {
          ours: () => measure(browser, rig!, urls.ours!, windowMs),
          websocket: () => measure(browser, rig!, urls.websocket!, windowMs),
        }),
      );
    });
    const med = (arm: string, key: keyof LatencySample) => median(samples[arm]!.map((s) => s[key]));
    context.note(`median frame interval: ours ${med('ours', 'frameMs').toFixed(1)} ms, own socket ${med('websocket', 'frameMs').toFixed(1)} ms`);
    context.note(`samples per run: ours ${med('ours', 'count')}, own socket ${med('websocket', 'count')}; clock check: best RTT ≤ ${Math.max(med('ours', 'rtt'), med('websocket', 'rtt')).toFixed(2)} ms, |offset| measured ≤ ${Math.max(med('ours', 'measuredOffset'), med('websocket', 'measuredOffset')).toFixed(2)} ms, applied ${Math.max(med('ours', 'appliedOffset'), med('websocket', 'appliedOffset')).toFixed(2)} ms`);
    const p50 = med('ours', 'p50');
    const hop = p50 - med('websocket', 'p50');
    const figures: Figure[] = [
      {
        id: 'P2', name: names[0]!, unit: 'ms', ours: p50, peer: med('websocket', 'p50'), peerName: 'own WebSocket',
        target: `≤ 12 ms and worker hop ≤ +1 ms (hop ${hop >= 0 ? '+' : ''}${hop.toFixed(2)} ms)`, met: p50 <= 12 && hop <= 1,
        detail: { samples },
      },
      {
        id: 'P2', name: names[1]!, unit: 'ms', ours: med('ours', 'p99'), peer: med('websocket', 'p99'), peerName: 'own WebSocket',
        target: '≤ 25 ms', met: med('ours', 'p99') <= 25,
      },
    ];
    return figures;
  },
};
