import { expect } from '@open-wc/testing';
import { layoutPriceLabels, layoutTimeLabels, type LabelBox } from '../../src/elements/realtime-chart/axis-layout.js';
import { ChartModel, visibleStart } from '../../src/elements/realtime-chart/chart-model.js';
import { fitScale, renderChart, seriesLineWidth, type ChartFormatters, type SeriesStyle } from '../../src/elements/realtime-chart/chart-renderer.js';
import { AXIS_WIDTH, createScale } from '../../src/elements/realtime-chart/chart-scale.js';
import type { ChartTheme } from '../../src/elements/realtime-chart/chart-theme.js';
import { formatPrice } from '../../src/elements/shared/format.js';

const FONT = '11px system-ui, sans-serif';
const LOCALES = ['en-US', 'de-DE', 'ja-JP', 'ar-EG', 'hi-IN'];
const WINDOWS = [10_000, 30_000, 60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 86_400_000];
const THEME: ChartTheme = {
  line: '#ff00ff', area: '#ff00ff', up: '#00aa00', down: '#aa0000', grid: '#dddddd', text: '#555555',
  crosshair: '#555555', background: '#ffffff', markerText: '#ffffff', font: 'system-ui, sans-serif',
};

function measurer(): (text: string) => number {
  const ctx = document.createElement('canvas').getContext('2d')!;
  ctx.font = FONT;
  return (text) => ctx.measureText(text).width;
}

function formatters(locale: string): ChartFormatters {
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return { time: (t) => time.format(t), price: (v) => formatPrice(v, { locale }) };
}

/** Fails with the offending pair when two labels come closer than `gap` or leave [left, right]. */
function expectSpaced(labels: LabelBox[], left: number, right: number, gap: number, context: string): void {
  labels.forEach((label, i) => {
    expect(label.left, `${context}: "${label.text}" cut at the left`).to.be.at.least(left);
    expect(label.right, `${context}: "${label.text}" cut at the right`).to.be.at.most(right);
    if (i > 0) expect(labels[i - 1].right + gap, `${context}: "${labels[i - 1].text}" overlaps "${label.text}"`).to.be.at.most(label.left);
  });
}

/** Boxes that share any pixel. */
const overlaps = (a: LabelBox, b: { top: number; bottom: number }) => a.top < b.bottom && a.bottom > b.top;

describe('<realtime-chart> layout', () => {
  it('never overlaps or cuts time labels, at widths 200…1200 px, in several locales and windows', () => {
    const measure = measurer();
    const tMax = Date.UTC(2026, 10, 22, 3, 11, 7, 250);
    let checked = 0;
    for (const locale of LOCALES) {
      const format = formatters(locale).time;
      for (let width = 200; width <= 1200; width += 50) {
        for (const span of WINDOWS) {
          const right = width - AXIS_WIDTH;
          const tMin = tMax - span;
          const x = (t: number) => ((t - tMin) / span) * right;
          const labels = layoutTimeLabels({ tMin, tMax, left: 0, right, top: 0, height: 13, gap: 12, x, format, measure });
          const context = `${locale} ${width}px ${span / 1000}s`;
          expectSpaced(labels, 0, right, 12, context);
          labels.forEach((label) => expect(Math.abs((label.left + label.right) / 2 - x(label.value)), `${context}: centred`).to.be.below(0.01));
          if (width >= 400) expect(labels.length, `${context}: labels shown`).to.be.at.least(2);
          checked++;
        }
      }
    }
    expect(checked).to.equal(LOCALES.length * 21 * WINDOWS.length);
  });

  it('keeps price labels apart and hides those the last-price marker covers', () => {
    const measure = measurer();
    const ticks = [100, 101, 102, 103, 104];
    const y = (v: number) => 220 - (v - 99) * 40; // 40 px apart
    const base = { ticks, left: 300, top: 0, bottom: 240, height: 13, gap: 2, y, format: String, measure };
    expect(layoutPriceLabels(base).map((l) => l.value)).to.deep.equal(ticks);
    const marker = { top: y(102) - 3, bottom: y(102) + 13 }; // the marker sits just below the 102 tick
    const labels = layoutPriceLabels({ ...base, marker });
    expect(labels.map((l) => l.value)).to.deep.equal([100, 101, 103, 104]);
    labels.forEach((label) => expect(overlaps(label, { top: marker.top - 2, bottom: marker.bottom + 2 })).to.equal(false));
    // Crowded ticks (a short chart): every other label goes, none overlap.
    const crowded = layoutPriceLabels({ ...base, y: (v) => 220 - (v - 99) * 10 });
    expect(crowded.length).to.be.within(2, 3);
    crowded.forEach((label, i) => i > 0 && expect(overlaps(label, crowded[i - 1])).to.equal(false));
  });

  for (const style of ['line', 'area', 'candles'] as SeriesStyle[]) {
    it(`draws a 330-px ${style} chart without overlapping labels or a covered marker`, () => {
      const model = new ChartModel(60_000, 5_000);
      const start = Date.UTC(2026, 10, 22, 3, 10, 0);
      for (let i = 0; i <= 600; i++) model.ingest(start + i * 100, 3500 + 10 * Math.sin(i / 40));
      model.ingest(start + 60_050, 3490); // the last price at the bottom, next to the time labels
      for (const height of [200, 70]) {
        const canvas = Object.assign(document.createElement('canvas'), { width: 330, height });
        const scale = createScale(330, height, 1, model.extent(style === 'candles' ? 'candles' : 'line')!);
        for (const locale of LOCALES) {
          const layout = renderChart(canvas.getContext('2d')!, model, style, scale, THEME, formatters(locale));
          const context = `${style} ${height}px ${locale}`;
          expect(layout.time.length, context).to.be.at.least(height > 100 ? 2 : 1);
          expectSpaced(layout.time, scale.left, scale.width, 0, context);
          expect(layout.price.length, context).to.be.at.least(1);
          for (const label of [...layout.price, ...layout.time]) {
            const touches = overlaps(label, layout.marker!) && label.left < layout.marker!.right && label.right > layout.marker!.left;
            expect(touches, `${context}: "${label.text}" under the marker`).to.equal(false);
          }
        }
      }
    });
  }

  it('widens the price axis for long prices instead of cutting them', () => {
    const model = new ChartModel(60_000, 5_000);
    for (let i = 0; i <= 60; i++) model.ingest(1_000_000 + i * 1000, 1_234_000 + i * 100);
    for (const ratio of [1, 2]) {
      const canvas = Object.assign(document.createElement('canvas'), { width: 330 * ratio, height: 200 * ratio });
      const ctx = canvas.getContext('2d')!;
      for (const locale of LOCALES) {
        const format = formatters(locale);
        const scale = fitScale(ctx, canvas.width, canvas.height, ratio, model.extent('line')!, model.lastPrice, THEME, format);
        const layout = renderChart(ctx, model, 'line', scale, THEME, format);
        const context = `${locale} at ${ratio}×`;
        expect(layout.price.length, context).to.be.at.least(2);
        layout.price.forEach((label) => expect(label.right, `${context}: "${label.text}"`).to.be.at.most(scale.width));
        expect(scale.right + 6 * ratio + ctx.measureText(layout.marker!.text).width, `${context}: marker text`).to.be.at.most(scale.width);
      }
    }
    // Short prices keep the default axis.
    const small = new ChartModel(60_000, 5_000);
    small.ingest(1_000_000, 1.2345);
    const ctx = document.createElement('canvas').getContext('2d')!;
    expect(fitScale(ctx, 330, 200, 1, small.extent('line')!, small.lastPrice, THEME, formatters('en-US')).right).to.equal(330 - AXIS_WIDTH);
  });

  it('draws line and area charts with the same line width, in whole bitmap pixels, at any devicePixelRatio', () => {
    const model = new ChartModel(60_000, 5_000);
    for (let i = 0; i <= 60; i++) model.ingest(1_000_000 + i * 1000, 42); // flat: a horizontal line
    for (const ratio of [1, 1.5, 2, 3]) {
      const widths = (['line', 'area'] as SeriesStyle[]).map((style) => {
        const canvas = Object.assign(document.createElement('canvas'), { width: 400 * ratio, height: 200 * ratio });
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        const scale = createScale(canvas.width, canvas.height, ratio, model.extent('line')!);
        renderChart(ctx, model, style, scale, THEME, formatters('en-US'));
        // Rows of exactly the line colour in one column: the line's thickness.
        const { data } = ctx.getImageData(Math.round(scale.right / 2), 0, 1, canvas.height);
        let rows = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] === 255 && data[i + 1] === 0 && data[i + 2] === 255 && data[i + 3] === 255) rows++;
        return rows;
      });
      expect(widths, `at ${ratio}×`).to.deep.equal([seriesLineWidth(ratio), seriesLineWidth(ratio)]);
      expect(seriesLineWidth(ratio) / ratio, `CSS width at ${ratio}×`).to.be.closeTo(2, 0.34);
    }
  });

  it('starts the time axis at the first point until the data fills the window', () => {
    expect(visibleStart(10_000, 25_000, 60_000, 6_000)).to.equal(10_000); // 15 s of a 1-minute window
    expect(visibleStart(24_000, 25_000, 60_000, 6_000)).to.equal(19_000); // never less than the minimum span
    expect(visibleStart(0, 125_000, 60_000, 6_000)).to.equal(65_000); // a full window scrolls
    const model = new ChartModel(60_000, 5_000);
    model.ingest(1_000_000, 1);
    model.ingest(1_015_000, 2);
    expect(model.extent('line')).to.include({ tMin: 1_000_000, tMax: 1_015_000 });
    // The first candles get room for 12 slots (here 12 × 5 s: the whole window), so one candle is not drawn chart-wide.
    expect(model.extent('candles')).to.include({ tMin: 1_020_000 - 60_000, tMax: 1_020_000 });
    const fresh = new ChartModel(60_000, 1_000);
    fresh.ingest(1_000_000, 1);
    expect(fresh.extent('candles')).to.include({ tMin: 1_001_000 - 12_000, tMax: 1_001_000 });
    expect(fresh.extent('line')).to.include({ tMin: 1_000_000 - 6_000, tMax: 1_000_000 });
  });
});
