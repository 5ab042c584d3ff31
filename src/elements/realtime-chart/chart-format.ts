/**
 * Label text and label widths for a chart, memoized. A frame shows the same few labels as the
 * frame before (round prices, round times, a last price that repeats), so formatting them with
 * `Intl` and measuring them with `measureText` again every frame is wasted main-thread time.
 */
import { formatPrice } from '../shared/format.js';
import type { ChartFormatters } from './chart-renderer.js';

/** Entries kept per memo before it starts over (bounded, whatever the data). */
const MAX_ENTRIES = 4096;

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function timeFormat(locale: string | undefined): Intl.DateTimeFormat {
  const key = locale ?? '';
  let format = timeFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
    try {
      format = new Intl.DateTimeFormat(locale || undefined, options);
    } catch {
      format = new Intl.DateTimeFormat(undefined, options);
    }
    if (timeFormats.size >= 32) timeFormats.clear(); // one per locale in use; bounded whatever `locale` holds
    timeFormats.set(key, format);
  }
  return format;
}

/** `make(key)` once per key, remembered until the memo holds `MAX_ENTRIES`. */
function memoize<K, V>(make: (key: K) => V): (key: K) => V {
  const memo = new Map<K, V>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      if (memo.size >= MAX_ENTRIES) memo.clear();
      value = make(key);
      memo.set(key, value);
    }
    return value;
  };
}

/** Price and time formatters of a chart in `locale` with `precision`, memoized per value. */
export function chartFormatters(locale?: string, precision?: number): ChartFormatters {
  const time = timeFormat(locale);
  return {
    price: memoize((value: number) => formatPrice(value, { locale, precision })),
    time: memoize((ms: number) => time.format(ms)),
  };
}

/** Widths per font, shared by every chart of the page (they use the same label font). */
const widthsByFont = new Map<string, (text: string) => number>();
let widthsContext: CanvasRenderingContext2D | null | undefined;

// A web font that finishes loading changes the widths measured with its fallback.
if (typeof document !== 'undefined') document.fonts?.addEventListener?.('loadingdone', () => widthsByFont.clear());

/**
 * A `measureText` width function for `font`, memoized per text. Widths depend only on the font
 * (canvas text metrics do not depend on the canvas), so one offscreen context measures for all.
 */
export function textWidths(font: string): (text: string) => number {
  let widths = widthsByFont.get(font);
  if (!widths) {
    widthsContext ??= document.createElement('canvas').getContext('2d');
    const ctx = widthsContext;
    if (widthsByFont.size >= 8) widthsByFont.clear();
    widths = memoize((text: string) => {
      if (!ctx) return 0;
      ctx.font = font;
      return ctx.measureText(text).width;
    });
    widthsByFont.set(font, widths);
  }
  return widths;
}
