/**
 * Scrolling instead of redrawing. Between two frames of a streaming line or area chart, usually
 * only a few points arrived and the time axis moved on; the price scale, the size and the plot
 * rectangle stayed. Then the plot drawn last is moved left by whole bitmap pixels (its time axis
 * ends on a whole pixel: `fitScale` with `snap`), and only a strip on the right, from a little
 * before the newest settled point, is drawn again, with both axes. Without a GPU, stroking the
 * whole series is most of a chart's frame; the strip is a few dozen pixels of it.
 *
 * Anything else (another price scale, size, style, theme, locale, a cleared series, candles)
 * draws the frame in full.
 */
import type { ChartModel } from './chart-model.js';
import { seriesLineWidth, type ChartFormatters, type Repaint, type SeriesStyle } from './chart-renderer.js';
import type { ChartScale } from './chart-scale.js';
import type { ChartTheme } from './chart-theme.js';

/** What a frame was drawn from: the next frame may reuse its picture when these agree. */
interface DrawnFrame {
  scale: ChartScale;
  style: SeriesStyle;
  theme: ChartTheme;
  format: ChartFormatters;
  generation: number;
  /**
   * Time of the newest point no later tick can change (the one before the newest: a tick in
   * the newest point's bucket replaces it). NaN with fewer than two points.
   */
  settledTime: number;
}

/** A strip narrower than this share of the plot is drawn again; a wider one, the whole frame. */
const MAX_STRIP_SHARE = 0.75;

function sameGeometry(a: ChartScale, b: ChartScale): boolean {
  const spanA = a.extent.tMax - a.extent.tMin;
  const spanB = b.extent.tMax - b.extent.tMin;
  return a.width === b.width && a.height === b.height && a.ratio === b.ratio && a.left === b.left && a.right === b.right
    && a.top === b.top && a.bottom === b.bottom && a.extent.vMin === b.extent.vMin && a.extent.vMax === b.extent.vMax
    && Math.abs(spanA - spanB) <= spanA * 1e-9;
}

/** Remembers the last frame of one canvas and moves its plot for the next one. */
export class ChartScroller {
  #drawn: DrawnFrame | null = null;

  /** Forgets the last frame (its canvas was cleared or resized): the next is drawn in full. */
  reset(): void {
    this.#drawn = null;
  }

  /**
   * Before drawing a frame of `scale`: when the last frame's plot can be reused, moves it to
   * where this frame has it and returns what is left to draw; otherwise `null` (draw it all).
   * Either way the frame is remembered as drawn.
   */
  scroll(ctx: CanvasRenderingContext2D, model: ChartModel, style: SeriesStyle, scale: ChartScale, theme: ChartTheme, format: ChartFormatters): Repaint | null {
    const repaint = this.#plan(model, style, scale, theme, format);
    const n = model.count('line');
    this.#drawn = { scale, style, theme, format, generation: model.generation, settledTime: n >= 2 ? model.time('line', n - 2) : NaN };
    if (repaint && repaint.shift > 0) {
      const { shift } = repaint;
      const { left, right, bottom } = scale;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, 0, right - left - shift, bottom);
      ctx.clip();
      ctx.globalCompositeOperation = 'copy';
      ctx.drawImage(ctx.canvas, left + shift, 0, right - left - shift, bottom, left, 0, right - left - shift, bottom);
      ctx.restore();
    }
    return repaint;
  }

  #plan(model: ChartModel, style: SeriesStyle, scale: ChartScale, theme: ChartTheme, format: ChartFormatters): (Repaint & { shift: number }) | null {
    const drawn = this.#drawn;
    if (!drawn || style === 'candles' || drawn.style !== style || drawn.theme !== theme || drawn.format !== format) return null;
    if (drawn.generation !== model.generation || !Number.isFinite(drawn.settledTime) || !sameGeometry(drawn.scale, scale)) return null;
    const { left, right } = scale;
    // Both time axes end on a whole pixel (snapped scales): the shift is a whole number.
    const shift = scale.columnOffset - drawn.scale.columnOffset;
    if (!(shift >= 0) || shift !== Math.round(shift)) return null;
    // The settled point must still be held (the oldest ones leave the window).
    const n = model.count('line');
    if (n < 2 || model.time('line', 0) > drawn.settledTime) return null;
    // A round cap and its antialiasing reach this far from a point.
    const reach = seriesLineWidth(scale.ratio) + 2;
    const seam = Math.min(Math.floor(scale.x(drawn.settledTime)), right - shift) - reach;
    if (seam < left + (right - left) * (1 - MAX_STRIP_SHARE)) return null;
    // Trace from a point whose pixel column is wholly left of the seam: the segment leaving it
    // then enters the strip exactly as in a full drawing.
    let from = model.nearest('line', scale.timeAt(seam - reach));
    while (from > 0 && scale.x(model.time('line', from)) > seam - reach) from--;
    return { seam, from, shift };
  }
}
