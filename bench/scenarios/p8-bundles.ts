/**
 * P8 — what a site downloads: min+gzip of our core (Lit + client + worker + feed + ticker + tape +
 * status) and of the chart, next to the realtime client libraries and chart libraries a site would
 * otherwise use. Everything goes through the same esbuild settings (lib/bundle.ts); peers are
 * imported the way an app imports them (named entry points, so tree shaking helps them too).
 * Ours is bundled with code splitting and counted as what loads at start (entry + static chunks;
 * for the core also the SharedWorker file); chunks behind dynamic import() (fallback transports,
 * the default feed) are reported in a note, with the single-file size (everything inlined, as the
 * one-file CDN bundle) next to it. Deterministic, so one measurement per bundle.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFile, bundleSource, ROOT, sizeOf, splitSize } from '../lib/bundle.js';
import type { Figure } from '../lib/figure.js';
import type { Scenario, ScenarioContext } from '../lib/scenario.js';

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

/** Our core at start (entry + static chunks + worker file); notes the lazy and single-file sizes. */
async function oursCore(context: ScenarioContext): Promise<number> {
  const imports = CORE_ELEMENTS.map(defineFile);
  const split = await splitSize(imports);
  const worker = sizeOf(await bundleFile(WORKER)).gzip;
  const single = sizeOf(await bundleSource(imports.map((path) => `import './${path}';`).join('\n'))).gzip;
  context.note(`core: ${kb(split.initialGzip)} page at start + ${kb(worker)} worker; ${kb(split.lazyGzip)} more only on fallback (leader/direct); single file without splitting ${kb(single)} + worker`);
  return split.initialGzip + worker;
}

/** The chart and Lit at start; the client it loads lazily for a default feed is noted. */
async function oursChart(context: ScenarioContext): Promise<number> {
  const imports = [defineFile('realtime-chart')];
  const split = await splitSize(imports);
  const single = sizeOf(await bundleFile(imports[0]!)).gzip;
  context.note(`chart: ${kb(split.initialGzip)} at start; ${kb(split.lazyGzip)} more when it loads its own default feed (none under <market-feed>); single file ${kb(single)}`);
  return split.initialGzip;
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} kB`;

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
  async run(context) {
    return [
      ...(await figuresFor('core', [...CORE_ELEMENTS.map(defineFile), WORKER], () => oursCore(context), CLIENT_PEERS, 12)),
      ...(await figuresFor('chart', [defineFile('realtime-chart')], () => oursChart(context), CHART_PEERS, 20)),
    ];
  },
};
