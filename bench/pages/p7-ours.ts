/** P7, ours: 100 <price-ticker> + one 200-symbol <ticker-tape> fed by an in-memory feed at 1k ticks/s. */
import '../../src/elements/market-feed/define.js';
import '../../src/elements/price-ticker/define.js';
import '../../src/elements/ticker-tape/define.js';
import { createMemoryFeed } from '../../src/client/memory-feed.js';
import type { MarketFeed } from '../../src/elements/market-feed/market-feed.js';
import { param, ready } from './probe.js';
import { startTicks, symbolsOf } from './tick-driver.js';

const symbols = symbolsOf(param('symbols', 200));
const feed = createMemoryFeed();
const host = document.createElement('market-feed') as MarketFeed;
host.feed = feed;
const tape = document.createElement('ticker-tape');
tape.setAttribute('symbols', symbols.join(' '));
host.append(tape);
const grid = document.createElement('div');
grid.style.cssText = 'display:grid;grid-template-columns:repeat(5,1fr);gap:4px';
for (const symbol of symbols.slice(0, param('tickers', 100))) {
  const ticker = document.createElement('price-ticker');
  ticker.setAttribute('symbol', symbol);
  ticker.setAttribute('compact', '');
  grid.append(ticker);
}
host.append(grid);
document.body.append(host);
startTicks(symbols, param('rate', 1000), (tick) => void feed.push(`price:${tick.symbol}`, { ...tick }));
requestAnimationFrame(() => requestAnimationFrame(ready));
