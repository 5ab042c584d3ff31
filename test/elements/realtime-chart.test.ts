import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { resetMouse, sendMouse, setViewport } from '@web/test-runner-commands';
import '../../src/elements/realtime-chart/define.js';
import type { RealtimeChart } from '../../src/elements/realtime-chart/realtime-chart.js';
import { ChartModel } from '../../src/elements/realtime-chart/chart-model.js';
import { parseDuration } from '../../src/elements/realtime-chart/duration.js';
import type { MemoryFeed } from '../../src/client/memory-feed.js';
import { frames, shadow, until, useDefaultMemoryFeed, XSS } from './helpers.js';

const CHANNEL = 'price:BTC-USD';
const summary = (el: RealtimeChart) => shadow(el).querySelector('[part=summary]')!.textContent!.trim();
const mainCanvas = (el: RealtimeChart) => shadow(el).querySelector<HTMLCanvasElement>('canvas.main')!;

/** Counts non-background pixels of a canvas region: proof that something was drawn there. */
function inkedPixels(canvas: HTMLCanvasElement): number {
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let count = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
  return count;
}

describe('<realtime-chart>', () => {
  let feed: MemoryFeed;
  beforeEach(() => {
    feed = useDefaultMemoryFeed();
  });
  afterEach(() => resetMouse());

  describe('model', () => {
    it('parses durations', () => {
      expect(parseDuration('5m', 1)).to.equal(300_000);
      expect(parseDuration('30s', 1)).to.equal(30_000);
      expect(parseDuration('1h', 1)).to.equal(3_600_000);
      expect(parseDuration('250ms', 1)).to.equal(250);
      expect(parseDuration('banana', 7)).to.equal(7);
      expect(parseDuration('999d', 7)).to.equal(7);
    });

    it('keeps a bounded, windowed line and OHLC candles', () => {
      const model = new ChartModel(60_000, 10_000);
      const start = 1_700_000_000_000;
      for (let i = 0; i < 100_000; i++) model.ingest(start + i * 10, 100 + Math.sin(i / 100));
      expect(model.count('line')).to.be.at.most(1201);
      expect(model.time('line', 0)).to.be.at.least(model.lastTime - 60_000);
      expect(model.count('candles')).to.be.at.most(7);
      const c = model.candle(model.count('candles') - 1);
      expect(c.high).to.be.at.least(c.close).and.at.least(c.open);
      expect(c.low).to.be.at.most(c.close).and.at.most(c.open);
      model.ingest(start, 5); // out of order: ignored
      expect(model.lastPrice).to.not.equal(5);
    });

    it('aggregates ticks into candles at the interval', () => {
      const model = new ChartModel(60_000, 1_000);
      [[0, 10], [200, 12], [500, 8], [900, 11], [1000, 20]].forEach(([t, p]) => model.ingest(1_000_000 + t, p));
      expect(model.count('candles')).to.equal(2);
      expect(model.candle(0)).to.deep.equal({ time: 1_000_000, open: 10, high: 12, low: 8, close: 11 });
      expect(model.nearest('candles', 1_001_400)).to.equal(1);
    });
  });

  it('backfills history on subscribe, then follows live ticks', async () => {
    const now = Date.now();
    for (let i = 0; i < 50; i++) feed.push(CHANNEL, { symbol: 'BTC-USD', price: 100 + i, ts: now - 50_000 + i * 1000 });
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" locale="en-US" style="width:400px"></realtime-chart>`);
    await until(() => summary(el).startsWith('Last'), 'summary');
    expect(summary(el)).to.equal('Last 149.00, high 149.00, low 100.00.');
    await until(() => el.drawCount > 0, 'first draw');
    expect(inkedPixels(mainCanvas(el))).to.be.greaterThan(100);
    await expect(el).to.be.accessible();

    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 90, ts: now + 1000 });
    await until(() => summary(el).includes('low 90.00'), 'live tick in summary', 3000);
  });

  it('formats its summary per locale', async () => {
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 64012.5, ts: Date.now() });
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" locale="de-DE"></realtime-chart>`);
    await until(() => summary(el).startsWith('Last'), 'summary');
    expect(summary(el)).to.equal('Last 64.012,50, high 64.012,50, low 64.012,50.');
  });

  it('says when the relay refuses its channel, and draws again once it is accepted', async () => {
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="SOL-USD" window="1m"></realtime-chart>`);
    feed.refuse('price:SOL-USD', { code: 'forbidden', message: 'the token does not allow this channel' });
    await el.updateComplete;
    expect(summary(el)).to.equal('the token does not allow this channel');
    expect(shadow(el).querySelector('.empty')?.textContent).to.equal('the token does not allow this channel');
    await expect(el).to.be.accessible();
    feed.push('price:SOL-USD', { symbol: 'SOL-USD', price: 150, ts: Date.now() });
    await until(() => shadow(el).querySelector('.empty') === null, 'the message gone at the first tick');
  });

  it('says "No data" when the open feed has neither history nor a tick of its symbol (a misspelt symbol)', async () => {
    feed.setStatus({ state: 'reconnecting' });
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTCUSD"></realtime-chart>`);
    const empty = () => shadow(el).querySelector('.empty')?.textContent;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(empty(), 'not while the feed is not open: the history may be missing for that reason').to.equal('Waiting for data');
    feed.setStatus({ state: 'open' });
    await until(() => empty() === 'No data for BTCUSD: is the symbol right?', 'no data');
    expect(summary(el)).to.equal('No data for BTCUSD: is the symbol right?');
    await expect(el).to.be.accessible();
    feed.push('price:BTCUSD', { symbol: 'BTCUSD', price: 7, ts: Date.now() }); // it does publish after all
    await until(() => summary(el).startsWith('Last'), 'its first tick');
    expect(empty()).to.equal(undefined);

    el.symbol = 'ETHUSD'; // another symbol without data: waits for its backfill, then says so
    await until(() => empty() === 'No data for ETHUSD: is the symbol right?', 'no data again');
    el.symbol = 'BTC-USD'; // corrected
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 100, ts: Date.now() });
    await until(() => summary(el).startsWith('Last'), 'summary');
    expect(empty()).to.equal(undefined);

    // A price in history: no "No data", even before a live tick.
    feed.push('price:ETH-USD', { symbol: 'ETH-USD', price: 3000, ts: Date.now() - 60_000 });
    const quiet = await fixture<RealtimeChart>(html`<realtime-chart symbol="ETH-USD" window="5m"></realtime-chart>`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(shadow(quiet).querySelector('.empty')?.textContent ?? '').to.not.contain('No data');
  });

  it('has an accessible name and a text summary, in every state', async () => {
    feed.setStatus({ state: 'connecting' }); // waiting: the first value may still come
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="ETH-USD"></realtime-chart>`);
    const base = shadow(el).querySelector('[part=base]')!;
    expect(base.getAttribute('role')).to.equal('img');
    expect(base.getAttribute('aria-label')).to.equal('ETH-USD price chart');
    expect(summary(el)).to.equal('Waiting for data');
    await expect(el).to.be.accessible();
    el.symbol = XSS;
    await el.updateComplete;
    expect(summary(el)).to.equal('Unknown symbol');
    expect(base.getAttribute('aria-label')).to.equal(`${XSS} price chart`);
    expect(shadow(el).querySelector('img')).to.equal(null);
    await expect(el).to.be.accessible();
    el.theme = 'dark';
    el.symbol = 'ETH-USD';
    feed.push('price:ETH-USD', { symbol: XSS, price: 3000, ts: Date.now() });
    await until(() => summary(el).startsWith('Last'), 'summary');
    await expect(el).to.be.accessible();
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
  });

  it('draws at most once per animation frame under a flood of ticks', async () => {
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" style="width:400px"></realtime-chart>`);
    await until(() => el.drawCount > 0, 'first draw');
    let frameCount = 0;
    let counting = true;
    const countFrames = () => {
      frameCount++;
      if (counting) requestAnimationFrame(countFrames);
    };
    requestAnimationFrame(countFrames);
    const drawsBefore = el.drawCount;
    // Colours are read once per theme change, never per frame.
    const originalStyle = window.getComputedStyle;
    let styleReads = 0;
    window.getComputedStyle = (element, pseudo) => (element === el && styleReads++, originalStyle.call(window, element, pseudo));
    const started = performance.now();
    let price = 100;
    // ~1,000 ticks per 100 ms burst, for half a second, in separate tasks (as a socket would deliver).
    while (performance.now() - started < 500) {
      for (let i = 0; i < 1000; i++) feed.push(CHANNEL, { symbol: 'BTC-USD', price: (price += Math.random() - 0.5), ts: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await frames(2);
    counting = false;
    window.getComputedStyle = originalStyle;
    expect(styleReads, 'style reads during the flood').to.equal(0);
    const draws = el.drawCount - drawsBefore;
    expect(draws).to.be.greaterThan(0);
    expect(draws).to.be.at.most(frameCount);
  });

  it('rewrites its text summary at most once a second under a flood, and it is right once the flood settles', async () => {
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" locale="en-US" style="width:400px"></realtime-chart>`);
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 100, ts: Date.now() });
    await until(() => summary(el).startsWith('Last 100.00'), 'first summary');
    const summaryEl = shadow(el).querySelector('[part=summary]')!;
    let rewrites = 0;
    const observer = new MutationObserver((records) => (rewrites += records.length));
    observer.observe(summaryEl, { subtree: true, childList: true, characterData: true });
    const started = performance.now();
    let step = 0;
    // ~60 ticks per frame-sized slice for 1.5 s, every one a new last price.
    while (performance.now() - started < 1500) {
      for (let i = 0; i < 60; i++) feed.push(CHANNEL, { symbol: 'BTC-USD', price: 200 + (++step % 50), ts: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 16));
    }
    const last = 200 + (step % 50);
    observer.disconnect();
    // The flood spans at most two refreshes (plus the one booked before it): not one per frame.
    expect(rewrites, 'summary rewrites during 1.5 s of flood').to.be.at.most(3);
    await until(() => summary(el) === `Last ${last.toFixed(2)}, high 249.00, low 100.00.`, `settled summary (is "${summary(el)}")`, 3000);
  });

  it('leaves the crosshair canvas alone while there is no crosshair', async () => {
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" style="width:400px"></realtime-chart>`);
    await until(() => el.drawCount > 0, 'first draw');
    const overlay = shadow(el).querySelector<HTMLCanvasElement>('canvas.overlay')!.getContext('2d')!;
    let overlayDraws = 0;
    const clearRect = overlay.clearRect;
    overlay.clearRect = function (...args: Parameters<CanvasRenderingContext2D['clearRect']>) {
      overlayDraws++;
      return clearRect.apply(this, args);
    };
    try {
      const drawsBefore = el.drawCount;
      for (let i = 0; i < 20; i++) {
        feed.push(CHANNEL, { symbol: 'BTC-USD', price: 100 + i, ts: Date.now() + i });
        await frames(1);
      }
      expect(el.drawCount - drawsBefore, 'series redrawn').to.be.greaterThan(5);
      expect(overlayDraws, 'overlay redraws').to.equal(0);
    } finally {
      overlay.clearRect = clearRect;
    }
  });

  it('draws crisp: canvas bitmap = CSS size × devicePixelRatio, following resizes', async () => {
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" style="width:300px;height:150px"></realtime-chart>`);
    const canvas = mainCanvas(el);
    await until(() => canvas.width === Math.round(300 * devicePixelRatio), 'sized canvas');
    expect(canvas.height).to.equal(Math.round(150 * devicePixelRatio));
    el.style.width = '420px';
    await until(() => canvas.width === Math.round(420 * devicePixelRatio), 'resized canvas');
    expect(shadow(el).querySelector<HTMLCanvasElement>('canvas.overlay')!.width).to.equal(canvas.width);
  });

  it('follows a devicePixelRatio change (crisp at 2×)', async () => {
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" style="width:300px;height:150px"></realtime-chart>`);
    const canvas = mainCanvas(el);
    // puppeteer's setViewport takes deviceScaleFactor; the command passes it through.
    const viewport = (scale: number) => setViewport({ width: 800, height: 600, deviceScaleFactor: scale } as Parameters<typeof setViewport>[0]);
    try {
      await viewport(2);
      await until(() => devicePixelRatio === 2, `devicePixelRatio 2 (is ${devicePixelRatio})`, 5000);
      // Emulated ratios fire neither ResizeObserver nor media-query events: the next frame notices.
      let price = 1;
      await until(() => (feed.push(CHANNEL, { symbol: 'BTC-USD', price: price++, ts: Date.now() }), canvas.width === 600), 'bitmap at 2×', 5000);
      expect(canvas.height).to.equal(300);
    } finally {
      await viewport(1);
    }
    await until(() => (feed.push(CHANNEL, { symbol: 'BTC-USD', price: 1, ts: Date.now() }), canvas.width === 300), 'bitmap back at 1×', 5000);
  });

  it('draws candles', async () => {
    const now = Date.now();
    for (let i = 0; i < 60; i++) feed.push(CHANNEL, { symbol: 'BTC-USD', price: 100 + (i % 7), ts: now - 60_000 + i * 1000 });
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" type="candles" interval="10s" window="1m"></realtime-chart>`);
    await until(() => el.drawCount > 0 && summary(el).startsWith('Last'), 'drawn');
    await frames(2);
    const ctx = mainCanvas(el).getContext('2d')!;
    // Some pixel has the rising-candle colour.
    const { data } = ctx.getImageData(0, 0, mainCanvas(el).width, mainCanvas(el).height);
    let up = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === 10 && data[i + 1] === 122 && data[i + 2] === 53) up++;
    expect(up).to.be.greaterThan(10);
  });

  it('shows a crosshair and tooltip on hover, pauses while hovered and fires mp-pause-change', async () => {
    const now = Date.now();
    for (let i = 0; i < 30; i++) feed.push(CHANNEL, { symbol: 'BTC-USD', price: 100 + i, ts: now - 30_000 + i * 1000 });
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" locale="en-US" style="width:400px;height:200px"></realtime-chart>`);
    await until(() => summary(el).startsWith('Last'), 'summary');
    const box = el.getBoundingClientRect();
    const events: boolean[] = [];
    el.addEventListener('mp-pause-change', (e) => events.push(e.detail.paused));
    await sendMouse({ type: 'move', position: [Math.round(box.left + 200), Math.round(box.top + 100)] });
    const tooltip = shadow(el).querySelector<HTMLElement>('[part=tooltip]')!;
    await until(() => !tooltip.hidden, 'tooltip');
    expect(tooltip.textContent).to.match(/^\d\d:\d\d:\d\d.*\s1\d\d\.00$/);
    expect(el.frozen).to.equal(true);
    expect(inkedPixels(shadow(el).querySelector<HTMLCanvasElement>('canvas.overlay')!)).to.be.greaterThan(50);

    const drawsBefore = el.drawCount;
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 500, ts: Date.now() });
    await frames(3);
    expect(el.drawCount, 'no redraw while hovered').to.equal(drawsBefore);

    await sendMouse({ type: 'move', position: [Math.round(box.left + 200), Math.round(box.bottom + 100)] });
    await until(() => !el.frozen, 'resumed');
    await until(() => summary(el).startsWith('Last 500.00'), 'held tick applied', 3000);
    expect(tooltip.hidden).to.equal(true);
    expect(events).to.deep.equal([true, false]);
  });

  it('pauses by property without firing events', async () => {
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" locale="en-US"></realtime-chart>`);
    let fired = 0;
    el.addEventListener('mp-pause-change', () => fired++);
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 1, ts: Date.now() });
    await until(() => summary(el).startsWith('Last 1.00'), 'first');
    el.paused = true;
    await el.updateComplete;
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 2, ts: Date.now() + 1 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(summary(el)).to.match(/^Last 1\.00/);
    el.paused = false;
    await el.updateComplete;
    await until(() => summary(el).startsWith('Last 2.00'), 'resumed', 3000);
    expect(fired).to.equal(0);
  });

  it('reads its colours from CSS custom properties', async () => {
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 1, ts: Date.now() - 1000 });
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 2, ts: Date.now() });
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" style="--mp-chart-line: rgb(255, 0, 255)"></realtime-chart>`);
    await until(() => el.drawCount > 0, 'drawn');
    await frames(2);
    const { data } = mainCanvas(el).getContext('2d')!.getImageData(0, 0, mainCanvas(el).width, mainCanvas(el).height);
    let magenta = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === 255 && data[i + 1] === 0 && data[i + 2] === 255) magenta++;
    expect(magenta).to.be.greaterThan(20);
  });

  it('keeps the last-price label readable over a see-through background', async () => {
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 1, ts: Date.now() - 1000 });
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 2, ts: Date.now() });
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD" style="--mp-chart-line: rgb(255, 0, 255); --mp-color-bg: transparent"></realtime-chart>`);
    await until(() => el.drawCount > 0, 'drawn');
    await frames(2);
    const canvas = mainCanvas(el);
    const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const at = (x: number, y: number) => Array.from(data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4));
    const isMagenta = ([r, g, b, a]: number[]) => r === 255 && g === 0 && b === 255 && a === 255;
    // The marker: the magenta box from the plot's right edge to the canvas's.
    const rows = Array.from({ length: height }, (_, y) => y).filter((y) => isMagenta(at(width - 1, y)));
    expect(rows.length, 'a marker box').to.be.greaterThan(5);
    const [top, bottom] = [rows[0], rows.at(-1)!];
    let left = width - 1;
    while (left > 0 && isMagenta(at(left - 1, top))) left--;
    expect(width - left, 'a marker box').to.be.greaterThan(20);
    let light = 0;
    for (let y = top; y <= bottom; y++) {
      for (let x = left; x < width; x++) {
        const [r, g, b, a] = at(x, y);
        if (a === 255 && r > 200 && g > 200 && b > 200) light++;
      }
    }
    expect(light, 'white label text on the magenta box').to.be.greaterThan(20);
  });

  it('fires no event when properties are set from script', async () => {
    const el = await fixture<RealtimeChart>(html`<realtime-chart symbol="BTC-USD"></realtime-chart>`);
    setTimeout(() => {
      el.paused = true;
      el.type = 'area';
      el.window = '1m';
    });
    const timeout = new Promise((resolve) => setTimeout(() => resolve('none'), 300));
    expect(await Promise.race([oneEvent(el, 'mp-pause-change').then(() => 'fired'), timeout])).to.equal('none');
  });
});
