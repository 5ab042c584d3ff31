/**
 * Geometry of a chart frame in bitmap pixels: the plot rectangle, and the mappings from time and
 * value to pixels. Renderers draw in bitmap coordinates so lines stay crisp at any devicePixelRatio.
 */
import type { Extent } from './chart-model.js';

/** Space for the price labels on the right and the time labels below, in CSS pixels. */
export const AXIS_WIDTH = 64;
export const AXIS_HEIGHT = 18;
const PAD_TOP = 8;

/** A frame's geometry. */
export interface ChartScale {
  /** Bitmap size of the canvas. */
  width: number;
  height: number;
  /** Bitmap pixels per CSS pixel. */
  ratio: number;
  /** Plot rectangle, in bitmap pixels. */
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** Bounds shown (values padded so the series does not touch the edges). */
  extent: Extent;
  /**
   * Time 0 in plot columns, counted back from the plot's left edge: `x(t)` is
   * `left + t / msPerPixel - columnOffset`. A whole number on a snapped scale.
   */
  columnOffset: number;
  x(time: number): number;
  y(value: number): number;
  /** Inverse of `x`, for the crosshair. */
  timeAt(x: number): number;
}

/**
 * The geometry of a canvas of `width`×`height` bitmap pixels showing `extent`, with `axisWidth`
 * CSS pixels on the right for the price labels. With `snap`, the time axis moves later by less
 * than a pixel so that it ends on a whole column counted from time 0: as a chart streams, each
 * point keeps its exact pixel position relative to the others and the picture moves by whole
 * pixels (chart-scroll.ts). Positions are then computed as `t / msPerPixel` minus a whole number,
 * so a point lands on the same fraction of a pixel in every frame, even at a rounding tie.
 */
export function createScale(width: number, height: number, ratio: number, data: Extent, axisWidth = AXIS_WIDTH, snap = false): ChartScale {
  const left = 0;
  const top = Math.round(PAD_TOP * ratio);
  const right = Math.max(left + 1, width - Math.round(axisWidth * ratio));
  const bottom = Math.max(top + 1, height - Math.round(AXIS_HEIGHT * ratio));
  let { vMin, vMax } = data;
  if (vMax - vMin < Math.abs(vMax) * 1e-9 || vMax === vMin) {
    const pad = Math.abs(vMax) * 0.001 || 1;
    vMin -= pad;
    vMax += pad;
  }
  const pad = (vMax - vMin) * 0.08;
  const tSpan = data.tMax - data.tMin || 1;
  const msPerPixel = tSpan / (right - left);
  let columnOffset = data.tMin / msPerPixel;
  const extent = { tMin: data.tMin, tMax: data.tMax, vMin: vMin - pad, vMax: vMax + pad };
  if (snap && Number.isFinite(columnOffset)) {
    columnOffset = Math.ceil(data.tMax / msPerPixel) - (right - left);
    extent.tMin = columnOffset * msPerPixel;
    extent.tMax = extent.tMin + tSpan;
  }
  const vSpan = extent.vMax - extent.vMin;
  return {
    width, height, ratio, left, top, right, bottom, extent, columnOffset,
    x: (time) => left + (time / msPerPixel - columnOffset),
    y: (value) => bottom - ((value - extent.vMin) / vSpan) * (bottom - top),
    timeAt: (x) => extent.tMin + ((x - left) / (right - left)) * tSpan,
  };
}

/** Round steps (1, 2, 5 × 10^n) between `min` and `max`, about `count` of them. */
export function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return [];
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max && ticks.length < 50; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Snaps a coordinate to the centre of a bitmap pixel, so a 1-px line covers exactly one row. */
export function crisp(value: number, lineWidth: number): number {
  return lineWidth % 2 === 1 ? Math.round(value) + 0.5 : Math.round(value);
}
