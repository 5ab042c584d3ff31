/**
 * Where the axis labels of a chart go. Pure: the caller passes a `measure` function (the canvas's
 * `measureText`), so the same code lays out a frame and runs in tests at any width and locale.
 * All lengths are bitmap pixels.
 */

/** A label and the box it covers. */
export interface LabelBox {
  text: string;
  /** The value the label names: a time in ms or a price. */
  value: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Time steps between labels, in ms: round numbers of seconds, minutes, hours, days. */
export const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map(
  (s) => s * 1000,
);

/** What the time axis needs to know. */
export interface TimeAxisInput {
  tMin: number;
  tMax: number;
  /** Horizontal extent labels may cover; a label that would cross it is dropped, not clipped. */
  left: number;
  right: number;
  /** Top of the label row and the label height. */
  top: number;
  height: number;
  /** Least space between two labels. */
  gap: number;
  x(time: number): number;
  format(time: number): string;
  measure(text: string): number;
}

/** Labels of one step, centred on their times, dropping those that would be cut at the edges. */
function timeLabelsAt(input: TimeAxisInput, step: number): LabelBox[] {
  const { tMin, tMax, left, right, top, height } = input;
  // Align ticks to the local clock, so hourly labels read "14:00" in every time zone.
  const offset = -new Date(tMin).getTimezoneOffset() * 60_000;
  const labels: LabelBox[] = [];
  for (let t = Math.ceil((tMin + offset) / step) * step - offset; t <= tMax && labels.length < 200; t += step) {
    const text = input.format(t);
    const x = input.x(t);
    const half = input.measure(text) / 2;
    if (x - half < left || x + half > right) continue;
    labels.push({ text, value: t, left: x - half, right: x + half, top, bottom: top + height });
  }
  return labels;
}

/** Whether each label keeps at least `gap` from the next. */
function spaced(labels: LabelBox[], gap: number): boolean {
  return labels.every((label, i) => i === 0 || labels[i - 1].right + gap <= label.left);
}

/**
 * Time labels at the smallest round step whose labels do not overlap. The step is first guessed
 * from the measured width of a typical label, then checked against the real widths (digits and
 * day periods differ in width per locale and font).
 */
export function layoutTimeLabels(input: TimeAxisInput): LabelBox[] {
  const { tMin, tMax, left, right, gap } = input;
  const span = tMax - tMin;
  if (!(span > 0) || !(right > left) || !Number.isFinite(span)) return [];
  const pxPerMs = (right - left) / span;
  // Any time near the end is typical; a whole second formats (and is measured) once, not per frame.
  const typical = input.measure(input.format(Math.floor(tMax / 1000) * 1000)) + gap;
  let labels: LabelBox[] = [];
  for (const step of TIME_STEPS) {
    if (step * pxPerMs < typical) continue;
    labels = timeLabelsAt(input, step);
    if (spaced(labels, gap)) return labels;
  }
  // Wider than the widest step: keep every label that fits after the last kept one.
  const kept: LabelBox[] = [];
  for (const label of labels) if (!kept.length || kept[kept.length - 1].right + gap <= label.left) kept.push(label);
  return kept;
}

/** What the price axis needs to know. */
export interface PriceAxisInput {
  /** Tick values, in order (see `niceTicks`). */
  ticks: number[];
  /** Left edge of the labels. */
  left: number;
  /** Vertical extent labels may cover. */
  top: number;
  bottom: number;
  /** Height of a label box. */
  height: number;
  /** Least vertical space between a label and the marker. */
  gap: number;
  y(value: number): number;
  format(value: number): string;
  measure(text: string): number;
  /** A box already drawn there (the last-price marker): labels it would touch are hidden. */
  marker?: { top: number; bottom: number } | null;
}

/** Price labels beside their ticks, without those cut at the edges or touching the marker. */
export function layoutPriceLabels(input: PriceAxisInput): LabelBox[] {
  const { left, height, gap, marker } = input;
  const labels: LabelBox[] = [];
  for (const value of input.ticks) {
    const y = input.y(value);
    const top = y - height / 2;
    const bottom = y + height / 2;
    if (top < input.top || bottom > input.bottom) continue;
    if (marker && top < marker.bottom + gap && bottom > marker.top - gap) continue;
    const text = input.format(value);
    const previous = labels[labels.length - 1];
    if (previous && Math.abs(previous.top - top) < height + gap) continue;
    labels.push({ text, value, left, right: left + input.measure(text), top, bottom });
  }
  return labels;
}

/** How many price ticks suit a plot of `plotHeight` for labels of `labelHeight`: one per ~3 label heights. */
export function priceTickCount(plotHeight: number, labelHeight: number): number {
  return Math.max(2, Math.min(8, Math.floor(plotHeight / (labelHeight * 3))));
}
