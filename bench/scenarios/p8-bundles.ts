/**
 * P8 — what a site downloads: min+gzip of our core (Lit + client + worker + feed + ticker + tape +
 * status) and of the chart, next to the realtime client libraries and chart libraries a site would
 * otherwise use. Everything goes through the same esbuild settings (lib/bundle.ts); peers are
 * imported the way an app imports them (named entry points, so tree shaking helps them too).
 * Deterministic, so one measurement per bundle.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFile, bundleSource, ROOT, sizeOf } from '../lib/bundle.js';
import type { Figure } from '../lib/figure.js';
import type { Scenario } from '../lib/scenario.js';

const KB = 1024;
const CORE_ELEMENTS = ['market-feed', 'price-ticker', 'ticker-tape', 'connection-status'];
const WORKER = 'src/worker/shared-worker.ts';
const defineFile = (name: string) => `src/elements/${name}/define.ts`;

const CLIENT_PEERS: Record<string, string> = {
  'socket.io-client': `export { io } from 'socket.io-client';`,
  'pusher-js': `export { default } from 'pusher-js';`,
  centrifuge: `export { Centrifuge } from 'centrifuge';`,
};
const CHART_PEERS: Record<string, string> = {
  uPlot: `export { default } from 'uplot';`,
  'lightweight-charts': `export { createChart, LineSeries } from 'lightweight-charts';`,
};

const missing = (paths: string[]) => paths.filter((p) => !existsSync(join(ROOT, p)));

async function gzipOfSource(source: string): Promise<number> {
  return sizeOf(await bundleSource(source, { platform: 'browser' })).gzip;
}

/** Our core: the element defines in one bundle plus the worker file it loads. */
async function oursCore(): Promise<number> {
  const main = await bundleSource(CORE_ELEMENTS.map((name) => `import './${defineFile(name)}';`).join('\n'));
  return sizeOf(main).gzip + sizeOf(await bundleFile(WORKER)).gzip;
}

async function figuresFor(
  label: string,
  paths: string[],
  measure: () => Promise<number>,
  peers: Record<string, string>,
  limitKb: number,
): Promise<Figure[]> {
  const absent = missing(paths);
  const names = Object.keys(peers);
  if (absent.length > 0) {
    return names.map((peer) => ({ id: 'P8', name: `${label} min+gzip vs ${peer}`, skipped: `missing ${absent.join(', ')}` }));
  }
  const ours = (await measure()) / KB;
  const figures: Figure[] = [];
  for (const peer of names) {
    const peerKb = (await gzipOfSource(peers[peer]!)) / KB;
    figures.push({
      id: 'P8',
      name: `${label} min+gzip vs ${peer}`,
      unit: 'kB',
      ours,
      peer: peerKb,
      peerName: peer,
      target: `≤ ${limitKb} kB`,
      met: ours <= limitKb,
    });
  }
  return figures;
}

export const p8Bundles: Scenario = {
  id: 'P8',
  title: 'bundle min+gzip',
  async run() {
    return [
      ...(await figuresFor('core', [...CORE_ELEMENTS.map(defineFile), WORKER], oursCore, CLIENT_PEERS, 12)),
      ...(await figuresFor('chart', [defineFile('realtime-chart')], async () => sizeOf(await bundleFile(defineFile('realtime-chart'))).gzip, CHART_PEERS, 20)),
    ];
  },
};
