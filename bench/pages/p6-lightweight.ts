/**
 * P6, peer: six lightweight-charts line charts of 600 points, streaming with `series.update()`
 * per tick (the library coalesces its own redraws into animation frames).
 */
import { createChart, LineSeries, type UTCTimestamp } from 'lightweight-charts';
import { param, ready } from './probe.js';
import { startTicks, symbolsOf } from './tick-driver.js';

const POINTS = param('points', 600);
const symbols = symbolsOf(param('charts', 6));
const series = new Map(
  symbols.map((symbol) => {
    const container = document.createElement('div');
    document.body.append(container);
    const chart = createChart(container, { width: 600, height: 200, timeScale: { barSpacing: 1, minBarSpacing: 0.5, rightOffset: 0 } });
    const line = chart.addSeries(LineSeries, { lineWidth: 1, priceLineVisible: false, lastValueVisible: false });
    line.setData(Array.from({ length: POINTS }, (_, i) => ({ time: i as UTCTimestamp, value: 100 })));
    return [symbol, { line, next: POINTS }] as [string, { line: typeof line; next: number }];
  }),
);

startTicks(symbols, param('rate', 600), (tick) => {
  const entry = series.get(tick.symbol)!;
  entry.line.update({ time: entry.next++ as UTCTimestamp, value: tick.price });
});
requestAnimationFrame(() => requestAnimationFrame(ready));
