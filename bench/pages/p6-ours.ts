/**
 * P6, ours: six <realtime-chart> line charts (600 × 200 px) fed by an in-memory feed; a 6 s window
 * at 100 ticks/s per chart holds 600 points, like the peers' 600-point series.
 */
import '../../src/elements/market-feed/define.js';
import '../../src/elements/realtime-chart/define.js';
import { createMemoryFeed } from '../../src/client/memory-feed.js';
import type { MarketFeed } from '../../src/elements/market-feed/market-feed.js';
import { param, ready } from './probe.js';
import { startTicks, symbolsOf } from './tick-driver.js';

const symbols = symbolsOf(param('charts', 6));
const rate = param('rate', 600);
const points = param('points', 600);
const windowSeconds = points / (rate / symbols.length);
const feed = createMemoryFeed();
// Start full, like the peers' 600 flat points: a window of history the chart backfills from.
const spacingMs = (windowSeconds * 1000) / points;
for (const symbol of symbols) {
  for (let i = points; i > 0; i--) feed.push(`price:${symbol}`, { symbol, price: 100, ts: Date.now() - i * spacingMs });
}
const host = document.createElement('market-feed') as MarketFeed;
host.feed = feed;
for (const symbol of symbols) {
  const chart = document.createElement('realtime-chart');
  chart.setAttribute('symbol', symbol);
  chart.setAttribute('window', `${windowSeconds}s`);
  chart.style.cssText = 'display:block;width:600px;--mp-chart-height:200px';
  host.append(chart);
}
document.body.append(host);
startTicks(symbols, rate, (tick) => void feed.push(`price:${tick.symbol}`, { ...tick }));
requestAnimationFrame(() => requestAnimationFrame(ready));
