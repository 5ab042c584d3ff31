/**
 * Draws the crosshair on the overlay canvas, so moving the pointer never redraws the series.
 */
import { crisp, type ChartScale } from './chart-scale.js';
import type { ChartTheme } from './chart-theme.js';

/** Where the crosshair is, in bitmap pixels of the overlay (null: hidden). */
export interface CrosshairPoint {
  x: number;
  y: number;
}

/** Clears the overlay and draws the crosshair through `point`. */
export function renderCrosshair(ctx: CanvasRenderingContext2D, scale: ChartScale | null, point: CrosshairPoint | null, theme: ChartTheme): void {
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  if (!scale || !point) return;
  const lineWidth = Math.max(1, Math.floor(scale.ratio));
  const x = crisp(point.x, lineWidth);
  const y = crisp(point.y, lineWidth);
  ctx.lineWidth = lineWidth;
  ctx.strokeStyle = theme.crosshair;
  ctx.setLineDash([4 * scale.ratio, 4 * scale.ratio]);
  ctx.beginPath();
  ctx.moveTo(x, scale.top);
  ctx.lineTo(x, scale.bottom);
  ctx.moveTo(scale.left, y);
  ctx.lineTo(scale.right, y);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = theme.line;
  ctx.beginPath();
  ctx.arc(point.x, point.y, 3.5 * scale.ratio, 0, Math.PI * 2);
  ctx.fill();
}
