import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/realtime-chart/define.js';
import type { RealtimeChart } from '../../src/elements/realtime-chart/realtime-chart.js';
import { ChartModel } from '../../src/elements/realtime-chart/chart-model.js';
import { fitScale, renderChart, type ChartFormatters, type SeriesStyle } from '../../src/elements/realtime-chart/chart-renderer.js';
import { ChartScroller } from '../../src/elements/realtime-chart/chart-scroll.js';
import type { ChartTheme } from '../../src/elements/realtime-chart/chart-theme.js';
import { frames, shadow, until, useDefaultMemoryFeed } from './helpers.js';

const THEME: ChartTheme = {
  line: '#1f5fbf', area: '#1f5fbf', up: '#00aa00', down: '#aa0000', grid: '#dddddd', text: '#555555',
  crosshair: '#555555', background: '#ffffff', markerText: '#ffffff', font: 'system-ui, sans-serif',
};
const FORMAT: ChartFormatters = { time: (t) => new Date(t).toISOString().slice(11, 19), price: (v) => v.toFixed(2) };
const WINDOW = 6_000;
const START = 1_700_000_000_000;

/**
 * Pixels that look different on a white page: a colour channel off by more than `tolerance` after
 * compositing. A line moved or missing is off by ~200 along its edges; the antialiasing of one
 * edge pixel where the strip meets the scrolled part may differ by ~30 (no one sees it), and a
 * dithered, nearly transparent gradient by a few. Columns left of `skipLeft` are ignored.
 */
function differingPixels(a: HTMLCanvasElement, b: HTMLCanvasElement, skipLeft = 0, tolerance = 64): number {
  const da = a.getContext('2d')!.getImageData(0, 0, a.width, a.height).data;
  const db = b.getContext('2d')!.getImageData(0, 0, b.width, b.height).data;
  const onWhite = (d: Uint8ClampedArray, pixel: number, channel: number) => (d[pixel + channel] * d[pixel + 3] + 255 * (255 - d[pixel + 3])) / 255;
  let count = 0;
  for (let i = 0; i < da.length; i += 4) {
    if ((i / 4) % a.width < skipLeft) continue;
    if ([0, 1, 2].some((c) => Math.abs(onWhite(da, i, c) - onWhite(db, i, c)) > tolerance)) count++;
  }
  return count;
}

function canvas(width: number, height: number): HTMLCanvasElement {
  const element = Object.assign(document.createElement('canvas'), { width, height });
  element.getContext('2d', { willReadFrequently: true });
  return element;
}

/** A wandering price with flat stretches and, now and then, a jump to a new high (a new price scale). */
function priceAt(i: number): number {
  if (i % 90 < 12) return 100 + Math.floor(i / 90);
  return Math.round((100 + Math.floor(i / 90) + Math.sin(i / 9) * 2 + (i % 150 === 149 ? 6 : 0)) * 100) / 100;
}

describe('<realtime-chart> scrolling', () => {
  for (const style of ['line', 'area'] as SeriesStyle[]) {
    for (const ratio of [1, 2]) {
      it(`a streamed ${style} chart at ${ratio}× looks the same as the same data drawn afresh, frame after frame`, () => {
        const width = 500 * ratio;
        const height = 160 * ratio;
        const streamed = canvas(width, height);
        const fresh = canvas(width, height);
        const model = new ChartModel(WINDOW, 1_000);
        // A full window first (10 ms apart, like 100 ticks/s), then frames of 1–3 ticks, some in the newest point's bucket.
        for (let i = 0; i < 600; i++) model.ingest(START + i * 10, priceAt(i));
        const scroller = new ChartScroller();
        let scrolled = 0;
        let time = START + 6_000;
        for (let frame = 0; frame < 120; frame++) {
          const ticks = 1 + (frame % 3);
          for (let k = 0; k < ticks; k++) {
            time += frame % 5 === 0 && k === 0 ? 2 : 10; // +2 ms: the same 5-ms bucket, replacing the newest point
            model.ingest(time, priceAt(600 + frame * 3 + k));
          }
          const ctx = streamed.getContext('2d')!;
          const scale = fitScale(ctx, width, height, ratio, model.extent('line')!, model.lastPrice, THEME, FORMAT, true);
          const repaint = scroller.scroll(ctx, model, style, scale, THEME, FORMAT);
          if (repaint) scrolled++;
          renderChart(ctx, model, style, scale, THEME, FORMAT, repaint);
          if (frame % 10 !== 9) continue;
          const freshCtx = fresh.getContext('2d')!;
          renderChart(freshCtx, model, style, fitScale(freshCtx, width, height, ratio, model.extent('line')!, model.lastPrice, THEME, FORMAT, true), THEME, FORMAT);
          // The leftmost pixels may keep a bit of the segment to a point that just left the window.
          const differing = differingPixels(streamed, fresh, 4 * ratio);
          expect(differing, `frame ${frame}: pixels that differ from a fresh drawing`).to.equal(0);
        }
        // Most frames moved the picture instead of drawing it all (new highs redraw it all).
        expect(scrolled, 'frames drawn by scrolling').to.be.within(80, 119);
      });
    }
  }

  it('draws in full what it cannot scroll: a new price scale, a cleared series, candles', () => {
    const model = new ChartModel(WINDOW, 1_000);
    for (let i = 0; i < 600; i++) model.ingest(START + i * 10, 100 + (i % 7) / 10);
    const ctx = canvas(400, 160).getContext('2d')!;
    const scroller = new ChartScroller();
    model.ingest(START + 6_000, 100.2); // overflows the window: from now on the time axis is the window
    const frame = (style: SeriesStyle = 'line') => {
      const scale = fitScale(ctx, 400, 160, 1, model.extent(style === 'candles' ? 'candles' : 'line')!, model.lastPrice, THEME, FORMAT, style !== 'candles');
      const repaint = scroller.scroll(ctx, model, style, scale, THEME, FORMAT);
      renderChart(ctx, model, style, scale, THEME, FORMAT, repaint);
      return repaint;
    };
    expect(frame(), 'the first frame').to.equal(null);
    model.ingest(START + 6_010, 100.3);
    expect(frame(), 'a tick inside the price range').to.have.property('seam').within(300, 336);
    model.ingest(START + 6_020, 120);
    expect(frame(), 'a new high').to.equal(null);
    model.clear();
    for (let i = 0; i < 600; i++) model.ingest(START + 6_000 + i * 10, 120 - (i % 7) / 10);
    model.ingest(START + 6_000 + 6_000, 119.7);
    expect(frame(), 'a series cleared and refilled').to.equal(null);
    expect(frame('candles'), 'candles').to.equal(null);
  });

  it('in the element: what the user sees after streaming is what a full redraw draws', async () => {
    const feed = useDefaultMemoryFeed();
    const channel = 'price:SCR-USD';
    const now = Date.now();
    // The low and the high of the window stay in it while the test streams (a new one redraws all).
    const price = (i: number) => (i === 100 ? 99 : i === 101 ? 101 : 100 + Math.sin(i / 20) / 2);
    for (let i = 600; i > 0; i--) feed.push(channel, { symbol: 'SCR-USD', price: price(i), ts: now - i * 10 });
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="SCR-USD" window="6s" style="width:480px;--mp-chart-height:160px"></realtime-chart>`);
    await until(() => el.drawCount > 0, 'first draw');
    const main = shadow(el).querySelector<HTMLCanvasElement>('canvas.main')!;
    const blits: unknown[] = [];
    const ctx = main.getContext('2d')!;
    const drawImage = ctx.drawImage;
    ctx.drawImage = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
      if (args[0] === main) blits.push(args);
      return (drawImage as (...a: unknown[]) => void).apply(this, args);
    } as typeof ctx.drawImage;
    let i = 0;
    let lastFrameScrolled = false;
    for (let frame = 0; frame < 40; frame++) {
      const before = blits.length;
      feed.push(channel, { symbol: 'SCR-USD', price: price(i++), ts: Date.now() });
      feed.push(channel, { symbol: 'SCR-USD', price: price(i++), ts: Date.now() + 5 });
      await frames(1);
      lastFrameScrolled = blits.length > before;
    }
    delete (ctx as { drawImage?: unknown }).drawImage;
    expect(blits.length, 'frames that scrolled the plot').to.be.greaterThan(20);
    expect(lastFrameScrolled, 'the last frame scrolled').to.equal(true);
    const seen = canvas(main.width, main.height);
    seen.getContext('2d')!.drawImage(main, 0, 0);
    // A new theme object draws the next frame in full, from the same data.
    const draws = el.drawCount;
    el.refreshTheme();
    await until(() => el.drawCount > draws, 'a redraw');
    expect(differingPixels(seen, main, 4 * (main.width / 480))).to.equal(0);
  });

  it('draws in full again after its canvas was lost and restored (blank)', async () => {
    const feed = useDefaultMemoryFeed();
    const channel = 'price:RST-USD';
    const now = Date.now();
    for (let i = 600; i > 0; i--) feed.push(channel, { symbol: 'RST-USD', price: i === 100 ? 99 : i === 101 ? 101 : 100, ts: now - i * 10 });
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="RST-USD" window="6s" style="width:480px;--mp-chart-height:160px"></realtime-chart>`);
    await until(() => el.drawCount > 0, 'first draw');
    const main = shadow(el).querySelector<HTMLCanvasElement>('canvas.main')!;
    const before = canvas(main.width, main.height);
    before.getContext('2d')!.drawImage(main, 0, 0);
    // What a lost context leaves: a blank bitmap, then the event.
    main.getContext('2d')!.clearRect(0, 0, main.width, main.height);
    const draws = el.drawCount;
    main.dispatchEvent(new Event('contextrestored'));
    await until(() => el.drawCount > draws, 'a redraw');
    expect(differingPixels(before, main)).to.equal(0);
  });
});
