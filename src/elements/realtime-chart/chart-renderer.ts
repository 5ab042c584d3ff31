/**
 * Draws the main canvas of a chart: grid and labels, the series (line, area or candles) and a
 * marker of the last price. Pure drawing from a model and a scale, in bitmap coordinates.
 */
import { layoutPriceLabels, layoutTimeLabels, priceTickCount, type LabelBox } from './axis-layout.js';
import type { ChartModel, Extent } from './chart-model.js';
import { textWidths } from './chart-format.js';
import { AXIS_WIDTH, createScale, crisp, niceTicks, type ChartScale } from './chart-scale.js';
import type { ChartTheme } from './chart-theme.js';

/** Formats the labels need. */
export interface ChartFormatters {
  price(value: number): string;
  time(ms: number): string;
}

/** Series styles of the `type` attribute. */
export type SeriesStyle = 'line' | 'area' | 'candles';

/** Width of the line of line and area charts, in CSS pixels. */
export const SERIES_LINE_WIDTH = 2;
/** Size of axis labels, in CSS pixels. */
const LABEL_FONT_SIZE = 11;
/** Height of the last-price marker, in CSS pixels. */
const MARKER_HEIGHT = 16;

/** The series line width in bitmap pixels: a whole number, so the line is as crisp at 1.5× as at 2×. */
export function seriesLineWidth(ratio: number): number {
  return Math.max(1, Math.round(SERIES_LINE_WIDTH * ratio));
}

/** Sets the label font on `ctx`; returns the (memoized) width of a text in that font. */
function useLabelFont(ctx: CanvasRenderingContext2D, ratio: number, theme: ChartTheme): (text: string) => number {
  const font = `${Math.round(LABEL_FONT_SIZE * ratio)}px ${theme.font}`;
  ctx.font = font;
  return textWidths(font);
}

/** Height of a label box in bitmap pixels. */
function labelHeightOf(ratio: number): number {
  return Math.round(LABEL_FONT_SIZE * ratio * 1.2);
}

/** The price grid values of a scale (they do not depend on the axis width). */
function priceTicks(scale: ChartScale): number[] {
  const { extent, top, bottom, ratio } = scale;
  return niceTicks(extent.vMin, extent.vMax, priceTickCount(bottom - top, labelHeightOf(ratio)));
}

/**
 * The scale of a frame, with room on the right for the widest price label it shows (the default
 * 64 CSS px fits "97,062.15"; a price of seven digits widens the axis rather than being cut).
 * Measures the grid labels and the last price: round values whose text and width are memoized.
 * With `snap`, the time axis ends on a whole pixel (see `createScale`), for a series that scrolls.
 */
export function fitScale(
  ctx: CanvasRenderingContext2D, width: number, height: number, ratio: number, extent: Extent, lastPrice: number, theme: ChartTheme, format: ChartFormatters,
  snap = false,
): ChartScale {
  const measure = useLabelFont(ctx, ratio, theme);
  const scale = createScale(width, height, ratio, extent);
  let widest = Number.isFinite(lastPrice) ? measure(format.price(lastPrice)) : 0;
  for (const value of priceTicks(scale)) widest = Math.max(widest, measure(format.price(value)));
  const axisWidth = Math.min(Math.max(AXIS_WIDTH, Math.ceil(widest / ratio) + 12), width / ratio / 2);
  return axisWidth === AXIS_WIDTH && !snap ? scale : createScale(width, height, ratio, extent, axisWidth, snap);
}

/** What a frame put where (bitmap pixels): the axis labels drawn and the last-price marker. */
export interface ChartLayout {
  time: LabelBox[];
  price: LabelBox[];
  marker: LabelBox | null;
}

function markerBox(model: ChartModel, scale: ChartScale, format: ChartFormatters): LabelBox | null {
  if (!Number.isFinite(model.lastPrice)) return null;
  const y = Math.round(scale.y(model.lastPrice));
  const half = Math.round((MARKER_HEIGHT * scale.ratio) / 2);
  const text = format.price(model.lastPrice);
  return { text, value: model.lastPrice, left: scale.right, right: scale.width, top: y - half, bottom: y + half };
}

function boxesTouch(a: LabelBox, b: LabelBox): boolean {
  return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
}

function drawGrid(
  ctx: CanvasRenderingContext2D, scale: ChartScale, theme: ChartTheme, format: ChartFormatters, marker: LabelBox | null, measure: (text: string) => number,
): ChartLayout {
  const { ratio, left, right, bottom, extent } = scale;
  const lineWidth = Math.max(1, Math.floor(ratio));
  const labelHeight = labelHeightOf(ratio);
  ctx.lineWidth = lineWidth;
  ctx.strokeStyle = theme.grid;
  ctx.fillStyle = theme.text;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  const ticks = priceTicks(scale);
  ctx.beginPath();
  for (const value of ticks) {
    const y = crisp(scale.y(value), lineWidth);
    ctx.moveTo(left, y);
    ctx.lineTo(right, y);
  }
  ctx.moveTo(left, crisp(bottom, lineWidth));
  ctx.lineTo(right, crisp(bottom, lineWidth));
  ctx.stroke();
  const price = layoutPriceLabels({
    ticks, left: right + Math.round(6 * ratio), top: 0, bottom: scale.height, height: labelHeight, gap: Math.round(2 * ratio),
    y: scale.y, format: format.price, measure, marker,
  });
  for (const label of price) ctx.fillText(label.text, label.left, (label.top + label.bottom) / 2);
  const time = layoutTimeLabels({
    // The newest label may reach under the price axis: that corner is free (the marker stays above it).
    tMin: extent.tMin, tMax: extent.tMax, left, right: scale.width - Math.round(2 * ratio), top: bottom + Math.round(4 * ratio), height: labelHeight,
    gap: Math.round(12 * ratio), x: scale.x, format: format.time, measure,
  });
  // On a very short chart the marker can reach the time row: it wins there too.
  const shown = time.filter((label) => !marker || !boxesTouch(label, marker));
  ctx.textBaseline = 'top';
  for (const label of shown) ctx.fillText(label.text, label.left, label.top);
  return { time: shown, price, marker };
}

/**
 * Bitmap columns per `stroke()` of the series line. Without a GPU, Skia rasterizes a wide stroke
 * by scanning its whole bounding box: one path across the plot costs ~2.5× what the same line
 * costs in narrow pieces. Pieces meet at a shared point with round caps, which is exactly the
 * round join the single path would have had. They break at columns counted from time 0, not
 * from the first point: a scrolled plot (chart-scroll.ts) has its joints where a full drawing has.
 */
const PIECE_COLUMNS = 64;

/**
 * Traces the series through crisp pixel positions (flat stretches stay sharp). Points that land
 * in one pixel column become one vertical stroke over their low…high (what the eye sees anyway),
 * so the path has a few segments per column at most, however dense the data. With `pieces`,
 * strokes (and starts a new path) every `PIECE_COLUMNS` columns. Starts at point `from`.
 */
function traceLine(ctx: CanvasRenderingContext2D, model: ChartModel, scale: ChartScale, lineWidth: number, from: number, pieces = false): void {
  const n = model.count('line');
  // Columns counted from time 0: whole on a snapped time axis.
  const origin = Math.round(scale.columnOffset) - scale.left;
  const pieceOf = (x: number) => (pieces ? Math.floor((x + origin) / PIECE_COLUMNS) : 0);
  let piece = NaN;
  const lineTo = (x: number, y: number) => {
    ctx.lineTo(x, y);
    const next = pieceOf(x);
    if (next === piece) return;
    if (!Number.isNaN(piece)) {
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(x, y);
    }
    piece = next;
  };
  // From the first point of a column (where the path is) over its low and high, ending at its last.
  const finishColumn = (x: number, first: number, low: number, high: number, last: number) => {
    if (low === high) return;
    const lowFirst = first - low <= high - first;
    const near = lowFirst ? low : high;
    const far = lowFirst ? high : low;
    if (near !== first) lineTo(x, near);
    lineTo(x, far);
    if (last !== far) lineTo(x, last);
  };
  ctx.beginPath();
  let started = false;
  let column = NaN;
  let first = 0;
  let low = 0;
  let high = 0;
  let last = 0;
  model.forEachPoint((time, value) => {
    const x = crisp(scale.x(time), lineWidth);
    const y = crisp(scale.y(value), lineWidth);
    if (x === column) {
      if (y < low) low = y;
      if (y > high) high = y;
      last = y;
      return;
    }
    if (!started) {
      ctx.moveTo(x, y);
      piece = pieceOf(x);
    } else {
      finishColumn(column, first, low, high, last);
      lineTo(x, y);
    }
    started = true;
    column = x;
    first = low = high = last = y;
  }, from);
  if (started) finishColumn(column, first, low, high, last);
  if (n === 1) lineTo(scale.right, crisp(scale.y(model.value(0)), lineWidth));
}

/** Draws the line (and the area below it) through the points from point `from` on. */
function drawLine(ctx: CanvasRenderingContext2D, model: ChartModel, scale: ChartScale, theme: ChartTheme, area: boolean, from: number): void {
  const n = model.count('line');
  if (n <= from) return;
  const lineWidth = seriesLineWidth(scale.ratio);
  if (area) {
    // The fill goes below the line, so the line looks the same in line and area charts.
    traceLine(ctx, model, scale, lineWidth, from);
    ctx.lineTo(n === 1 ? scale.right : scale.x(model.time('line', n - 1)), scale.bottom);
    ctx.lineTo(scale.x(model.time('line', from)), scale.bottom);
    ctx.closePath();
    const gradient = ctx.createLinearGradient(0, scale.top, 0, scale.bottom);
    gradient.addColorStop(0, theme.area);
    gradient.addColorStop(1, 'transparent');
    ctx.globalAlpha = 0.25;
    ctx.fillStyle = gradient;
    ctx.fill();
    ctx.globalAlpha = 1;
  }
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  ctx.lineWidth = lineWidth;
  ctx.strokeStyle = theme.line;
  traceLine(ctx, model, scale, lineWidth, from, true);
  ctx.stroke();
}

function drawCandles(ctx: CanvasRenderingContext2D, model: ChartModel, scale: ChartScale, theme: ChartTheme): void {
  const n = model.count('candles');
  const slot = Math.abs(scale.x(model.interval) - scale.x(0));
  const body = Math.max(1, Math.floor(slot * 0.7));
  const wick = Math.max(1, Math.floor(scale.ratio));
  for (let i = 0; i < n; i++) {
    const c = model.candle(i);
    const center = Math.round(scale.x(c.time + model.interval / 2));
    const color = c.close >= c.open ? theme.up : theme.down;
    ctx.fillStyle = color;
    const high = Math.round(scale.y(c.high));
    const low = Math.round(scale.y(c.low));
    ctx.fillRect(center - Math.floor(wick / 2), high, wick, Math.max(1, low - high));
    const top = Math.round(scale.y(Math.max(c.open, c.close)));
    const bottom = Math.round(scale.y(Math.min(c.open, c.close)));
    ctx.fillRect(center - Math.floor(body / 2), top, body, Math.max(wick, bottom - top));
  }
}

function drawMarker(ctx: CanvasRenderingContext2D, marker: LabelBox, scale: ChartScale, theme: ChartTheme): void {
  ctx.fillStyle = theme.line;
  ctx.fillRect(marker.left, marker.top, marker.right - marker.left, marker.bottom - marker.top);
  ctx.fillStyle = theme.markerText;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText(marker.text, scale.right + Math.round(6 * scale.ratio), (marker.top + marker.bottom) / 2);
}

/**
 * The part of a frame to draw when the rest is already on the canvas (chart-scroll.ts): the plot
 * from bitmap column `seam` rightwards, whose series starts at point `from`, and both axes.
 */
export interface Repaint {
  seam: number;
  from: number;
}

/**
 * Draws one frame of the main canvas, or with `repaint` only that part of it; returns where its
 * labels went (empty without a scale).
 */
export function renderChart(
  ctx: CanvasRenderingContext2D,
  model: ChartModel,
  style: SeriesStyle,
  scale: ChartScale | null,
  theme: ChartTheme,
  format: ChartFormatters,
  repaint: Repaint | null = null,
): ChartLayout {
  if (!scale) {
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    return { time: [], price: [], marker: null };
  }
  ctx.save();
  if (repaint) {
    ctx.beginPath();
    ctx.rect(repaint.seam, 0, scale.width - repaint.seam, scale.bottom);
    ctx.rect(0, scale.bottom, scale.width, scale.height - scale.bottom);
    ctx.clip();
  }
  ctx.clearRect(0, 0, scale.width, scale.height);
  const measure = useLabelFont(ctx, scale.ratio, theme);
  const marker = markerBox(model, scale, format);
  const layout = drawGrid(ctx, scale, theme, format, marker, measure);
  ctx.save();
  ctx.beginPath();
  ctx.rect(scale.left, 0, scale.right - scale.left, scale.bottom);
  ctx.clip();
  if (style === 'candles') drawCandles(ctx, model, scale, theme);
  else drawLine(ctx, model, scale, theme, style === 'area', repaint?.from ?? 0);
  ctx.restore();
  if (marker) drawMarker(ctx, marker, scale, theme);
  ctx.restore();
  return layout;
}
