/**
 * What the chart knows, independent of drawing: a line series bucketed to a bounded number of
 * points per window, and OHLC candles aggregated at `interval`. Both are trimmed to the window
 * measured back from the newest tick.
 */
import { ColumnRing } from './column-ring.js';

/** Line points kept per window: enough for a wide screen, bounded whatever the tick rate. */
export const LINE_POINTS = 1200;
/** Most candles kept. */
export const MAX_CANDLES = 2000;

// Column indexes.
const T = 0;
const V = 1;
const O = 1;
const H = 2;
const L = 3;
const C = 4;

/** Candle slots shown at least, so a few first candles are not drawn as wide as the chart. */
const MIN_CANDLES_SHOWN = 12;

/**
 * Start of the time axis. While the data covers less than the window (a fresh feed), the axis
 * starts at the first point instead of showing an empty left part; it never spans less than
 * `minSpan` (so two ticks a second apart are not stretched over the whole width), nor more than
 * the window. Once the data fills the window, the axis is the window, scrolling.
 */
export function visibleStart(firstTime: number, lastTime: number, windowMs: number, minSpan: number): number {
  const span = Math.min(windowMs, Math.max(minSpan, lastTime - firstTime));
  return lastTime - span;
}

/** The series a chart type draws. */
export type SeriesKind = 'line' | 'candles';

/** Time and value bounds of what is held. */
export interface Extent {
  tMin: number;
  tMax: number;
  vMin: number;
  vMax: number;
}

/** A candle. */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** Live series of one symbol. */
export class ChartModel {
  readonly line = new ColumnRing(LINE_POINTS + 1, 2);
  readonly candles = new ColumnRing(MAX_CANDLES, 5);
  /** Time of the newest tick, or NaN before the first. */
  lastTime = NaN;
  /** Price of the newest tick, or NaN before the first. */
  lastPrice = NaN;
  /**
   * Counts `clear()`s (a new symbol, window or interval): points of two generations are not the
   * same series, even at the same times.
   */
  generation = 0;
  #bucketMs: number;
  /** Whether the line has held more than a window (and dropped its oldest points). */
  #lineFilled = false;

  #windowMs: number;
  #intervalMs: number;

  constructor(windowMs: number, intervalMs: number) {
    this.#windowMs = windowMs;
    this.#intervalMs = intervalMs;
    this.#bucketMs = windowMs / LINE_POINTS;
  }

  /** The window in ms. */
  get window(): number {
    return this.#windowMs;
  }

  /** The candle interval in ms. */
  get interval(): number {
    return this.#intervalMs;
  }

  /** Changes window or interval; the series are rebuilt from the line points. */
  configure(windowMs: number, intervalMs: number): void {
    if (windowMs === this.#windowMs && intervalMs === this.#intervalMs) return;
    const points: [number, number][] = [];
    for (let i = 0; i < this.line.length; i++) points.push([this.line.get(i, T), this.line.get(i, V)]);
    this.#windowMs = windowMs;
    this.#intervalMs = intervalMs;
    this.#bucketMs = windowMs / LINE_POINTS;
    this.clear();
    for (const [t, v] of points) this.ingest(t, v);
  }

  /** Drops everything. */
  clear(): void {
    this.generation++;
    this.#lineFilled = false;
    this.line.clear();
    this.candles.clear();
    this.lastTime = this.lastPrice = NaN;
  }

  /** Adds a tick. Ticks older than the newest one are ignored (the feed delivers in order). */
  ingest(time: number, price: number): void {
    if (!Number.isFinite(time) || !Number.isFinite(price) || time < this.lastTime) return;
    this.lastTime = time;
    this.lastPrice = price;
    const lastIndex = this.line.length - 1;
    if (lastIndex >= 0 && Math.floor(this.line.get(lastIndex, T) / this.#bucketMs) === Math.floor(time / this.#bucketMs)) {
      this.line.set(lastIndex, T, time);
      this.line.set(lastIndex, V, price);
    } else {
      this.line.push(time, price);
    }
    const bucket = Math.floor(time / this.#intervalMs) * this.#intervalMs;
    const c = this.candles.length - 1;
    if (c >= 0 && this.candles.get(c, T) === bucket) {
      this.candles.set(c, H, Math.max(this.candles.get(c, H), price));
      this.candles.set(c, L, Math.min(this.candles.get(c, L), price));
      this.candles.set(c, C, price);
    } else {
      this.candles.push(bucket, price, price, price, price);
    }
    this.#trim();
  }

  #trim(): void {
    const from = this.lastTime - this.#windowMs;
    let drop = 0;
    while (drop < this.line.length && this.line.get(drop, T) < from) drop++;
    this.line.dropOldest(drop);
    if (drop > 0) this.#lineFilled = true;
    drop = 0;
    while (drop < this.candles.length && this.candles.get(drop, T) + this.#intervalMs <= from) drop++;
    this.candles.dropOldest(drop);
  }

  /** Number of points (line) or candles. */
  count(kind: SeriesKind): number {
    return kind === 'line' ? this.line.length : this.candles.length;
  }

  /** Time of point or candle `index`. */
  time(kind: SeriesKind, index: number): number {
    return kind === 'line' ? this.line.get(index, T) : this.candles.get(index, T);
  }

  /**
   * Calls `visit(time, value)` for every line point from point `from` (0: the oldest) to the
   * newest (cheaper than `time()`/`value()` per point).
   */
  forEachPoint(visit: (time: number, value: number) => void, from = 0): void {
    this.line.forEachRow(T, V, visit, from);
  }

  /** Value of line point `index`. */
  value(index: number): number {
    return this.line.get(index, V);
  }

  /** Candle `index`. */
  candle(index: number): Candle {
    const r = this.candles;
    return { time: r.get(index, T), open: r.get(index, O), high: r.get(index, H), low: r.get(index, L), close: r.get(index, C) };
  }

  /** Bounds to show: the low/high of the held data, and the time axis of `visibleStart`; `null` when empty. */
  extent(kind: SeriesKind): Extent | null {
    const n = this.count(kind);
    if (n === 0) return null;
    const [vMin, vMax] = kind === 'line' ? this.line.range(V) : [this.candles.range(L)[0], this.candles.range(H)[1]];
    const tMax = kind === 'line' ? this.lastTime : this.candles.get(n - 1, T) + this.#intervalMs;
    const minSpan = kind === 'line' ? this.#windowMs / 10 : this.#intervalMs * MIN_CANDLES_SHOWN;
    // A line that overflowed its window shows exactly the window (not first…last, which would
    // jitter by a fraction of a point each tick).
    const tMin = kind === 'line' && this.#lineFilled ? tMax - this.#windowMs : visibleStart(this.time(kind, 0), tMax, this.#windowMs, minSpan);
    return { tMin, tMax, vMin, vMax };
  }

  /** Index of the point or candle nearest to `time` (binary search), or -1 when empty. */
  nearest(kind: SeriesKind, time: number): number {
    const n = this.count(kind);
    if (n === 0) return -1;
    const offset = kind === 'candles' ? this.#intervalMs / 2 : 0;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.time(kind, mid) + offset < time) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && Math.abs(this.time(kind, lo - 1) + offset - time) < Math.abs(this.time(kind, lo) + offset - time)) lo--;
    return lo;
  }
}
