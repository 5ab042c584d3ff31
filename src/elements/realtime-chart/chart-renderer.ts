/**
 * Draws the main canvas of a chart: grid and labels, the series (line, area or candles) and a
 * marker of the last price. Pure drawing from a model and a scale, in bitmap coordinates.
 */
import type { ChartModel, SeriesKind } from './chart-model.js';
import { crisp, niceTicks, type ChartScale } from './chart-scale.js';
import type { ChartTheme } from './chart-theme.js';

/** Formats the labels need. */
export interface ChartFormatters {
  price(value: number): string;
  time(ms: number): string;
}

/** Series styles of the `type` attribute. */
export type SeriesStyle = 'line' | 'area' | 'candles';

function drawGrid(ctx: CanvasRenderingContext2D, scale: ChartScale, theme: ChartTheme, format: ChartFormatters, lastPriceY: number): void {
  const { ratio, left, right, bottom, extent } = scale;
  const lineWidth = Math.max(1, Math.floor(ratio));
  ctx.lineWidth = lineWidth;
  ctx.strokeStyle = theme.grid;
  ctx.fillStyle = theme.text;
  ctx.font = `${Math.round(11 * ratio)}px ${theme.font}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.beginPath();
  for (const value of niceTicks(extent.vMin, extent.vMax, 4)) {
    const y = crisp(scale.y(value), lineWidth);
    ctx.moveTo(left, y);
    ctx.lineTo(right, y);
    // The last-price marker covers labels near it.
    if (Math.abs(y - lastPriceY) > 14 * ratio) ctx.fillText(format.price(value), right + Math.round(6 * ratio), y);
  }
  ctx.stroke();
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  const step = niceTimeStep((extent.tMax - extent.tMin) / 4);
  for (let t = Math.ceil(extent.tMin / step) * step; t <= extent.tMax; t += step) {
    const x = scale.x(t);
    const label = format.time(t);
    const half = ctx.measureText(label).width / 2;
    if (x - half < left || x + half > right) continue; // never cut at the edges
    ctx.fillText(label, x, bottom + Math.round(4 * ratio));
  }
  ctx.beginPath();
  ctx.moveTo(left, crisp(bottom, lineWidth));
  ctx.lineTo(right, crisp(bottom, lineWidth));
  ctx.stroke();
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400].map((s) => s * 1000);

function niceTimeStep(raw: number): number {
  return TIME_STEPS.find((step) => step >= raw) ?? TIME_STEPS[TIME_STEPS.length - 1];
}

function drawLine(ctx: CanvasRenderingContext2D, model: ChartModel, scale: ChartScale, theme: ChartTheme, area: boolean): void {
  const n = model.count('line');
  if (n === 0) return;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    const x = scale.x(model.time('line', i));
    const y = scale.y(model.value(i));
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  if (n === 1) ctx.lineTo(scale.right, scale.y(model.value(0)));
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(1, Math.round(1.5 * scale.ratio));
  ctx.strokeStyle = theme.line;
  ctx.stroke();
  if (!area) return;
  const lastX = n === 1 ? scale.right : scale.x(model.time('line', n - 1));
  ctx.lineTo(lastX, scale.bottom);
  ctx.lineTo(scale.x(model.time('line', 0)), scale.bottom);
  ctx.closePath();
  const gradient = ctx.createLinearGradient(0, scale.top, 0, scale.bottom);
  gradient.addColorStop(0, theme.area);
  gradient.addColorStop(1, 'transparent');
  ctx.globalAlpha = 0.25;
  ctx.fillStyle = gradient;
  ctx.fill();
  ctx.globalAlpha = 1;
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

function drawLastPrice(ctx: CanvasRenderingContext2D, model: ChartModel, scale: ChartScale, theme: ChartTheme, format: ChartFormatters): void {
  if (!Number.isFinite(model.lastPrice)) return;
  const y = Math.round(scale.y(model.lastPrice));
  const height = Math.round(16 * scale.ratio);
  ctx.fillStyle = theme.line;
  ctx.fillRect(scale.right, y - height / 2, scale.width - scale.right, height);
  ctx.fillStyle = theme.background;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText(format.price(model.lastPrice), scale.right + Math.round(6 * scale.ratio), y);
}

/** Draws one frame of the main canvas. */
export function renderChart(
  ctx: CanvasRenderingContext2D,
  model: ChartModel,
  style: SeriesStyle,
  scale: ChartScale | null,
  theme: ChartTheme,
  format: ChartFormatters,
): void {
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  if (!scale) return;
  const kind: SeriesKind = style === 'candles' ? 'candles' : 'line';
  drawGrid(ctx, scale, theme, format, Number.isFinite(model.lastPrice) ? scale.y(model.lastPrice) : -Infinity);
  ctx.save();
  ctx.beginPath();
  ctx.rect(scale.left, 0, scale.right - scale.left, scale.bottom);
  ctx.clip();
  if (kind === 'candles') drawCandles(ctx, model, scale, theme);
  else drawLine(ctx, model, scale, theme, style === 'area');
  ctx.restore();
  drawLastPrice(ctx, model, scale, theme, format);
}
