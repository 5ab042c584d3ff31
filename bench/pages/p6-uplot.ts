/** P6, peer: six uPlot line charts of 600 points, streaming; one setData per dirty chart per frame. */
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css';
import { param, ready } from './probe.js';
import { startTicks, symbolsOf } from './tick-driver.js';

const style = document.createElement('style');
style.textContent = uPlotCss;
document.head.append(style);

const POINTS = param('points', 600);
const symbols = symbolsOf(param('charts', 6));
const charts = symbols.map((symbol) => {
  const xs = Array.from({ length: POINTS }, (_, i) => i);
  const ys = Array.from({ length: POINTS }, () => 100);
  const container = document.createElement('div');
  document.body.append(container);
  const plot = new uPlot(
    {
      width: 600,
      height: 200,
      title: symbol,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false } },
      series: [{}, { stroke: '#1f5fbf', width: 1.5 }],
    },
    [xs, ys],
    container,
  );
  return { symbol, xs, ys, plot, next: POINTS, dirty: false };
});
const bySymbol = new Map(charts.map((c) => [c.symbol, c]));

let scheduled = false;
function flush() {
  scheduled = false;
  for (const chart of charts) {
    if (!chart.dirty) continue;
    chart.dirty = false;
    chart.plot.setData([chart.xs, chart.ys]);
  }
}

startTicks(symbols, param('rate', 600), (tick) => {
  const chart = bySymbol.get(tick.symbol)!;
  chart.xs.shift();
  chart.ys.shift();
  chart.xs.push(chart.next++);
  chart.ys.push(tick.price);
  chart.dirty = true;
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(flush);
  }
});
requestAnimationFrame(() => requestAnimationFrame(ready));
