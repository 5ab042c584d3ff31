/**
 * Number formatting through `Intl.NumberFormat`, with formatters cached per locale and options
 * (building one costs far more than using it, and tickers format on every frame).
 * Bad locales or currency codes fall back to defaults instead of throwing.
 */

const cache = new Map<string, Intl.NumberFormat>();
const MAX_CACHED = 200;

/**
 * A cached `Intl.NumberFormat`. An invalid locale falls back to the browser's, with the same options
 * (a valid currency stays); options the browser rejects too are dropped down to a plain number.
 */
export function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale || undefined, options);
    } catch {
      try {
        format = new Intl.NumberFormat(undefined, options);
      } catch {
        const { currency: _ignored, style, ...rest } = options;
        format = new Intl.NumberFormat(undefined, style === 'currency' ? rest : options);
      }
    }
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, format);
  }
  return format;
}

/** How a price is shown. */
export interface PriceFormatOptions {
  /** BCP 47 locale, e.g. `de-DE`; default: the browser's. */
  locale?: string;
  /** ISO 4217 code, e.g. `USD`; none shows a plain number. */
  currency?: string;
  /** Fraction digits; default depends on the magnitude (2 from 1 up, more below). */
  precision?: number;
  /** Short notation (`64K`). */
  compact?: boolean;
}

/**
 * Fraction digits that keep a price readable: 2 from 10 up (stocks, crypto, USD-JPY), 4 from 1 to 10
 * (FX majors such as EUR-USD 1.0712 move in the 4th digit), up to 8 for tiny prices.
 */
export function autoPrecision(value: number): number {
  const abs = Math.abs(value);
  if (abs >= 10 || abs === 0) return 2;
  if (abs >= 0.01) return 4;
  return Math.min(8, 2 - Math.floor(Math.log10(abs)) + 2);
}

function digits(value: number, precision: number | undefined): number {
  if (precision !== undefined && Number.isInteger(precision) && precision >= 0 && precision <= 12) return precision;
  return autoPrecision(value);
}

function validCurrency(currency: string | undefined): string | undefined {
  return currency && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : undefined;
}

/** Formats a price, e.g. `$64,012.50` or `64.012,50 €`. */
export function formatPrice(value: number, options: PriceFormatOptions = {}): string {
  const currency = validCurrency(options.currency);
  const fraction = digits(value, options.precision);
  const format = numberFormat(options.locale, {
    ...(currency ? { style: 'currency', currency } : {}),
    ...(options.compact
      ? { notation: 'compact', maximumFractionDigits: Math.min(fraction, 2) }
      : { minimumFractionDigits: fraction, maximumFractionDigits: fraction }),
  });
  return format.format(value);
}

/** Formats a signed absolute change, e.g. `+120.50`. */
export function formatChange(value: number, options: PriceFormatOptions = {}): string {
  const fraction = digits(value, options.precision);
  return numberFormat(options.locale, {
    signDisplay: 'exceptZero',
    minimumFractionDigits: fraction,
    maximumFractionDigits: fraction,
  }).format(value);
}

/** Formats a percentage given in percent units (`1.5` → `+1.50%`; unsigned: `1.50%`). */
export function formatPercent(value: number, locale?: string, signed = true): string {
  return numberFormat(locale, {
    style: 'percent',
    signDisplay: signed ? 'exceptZero' : 'auto',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(value / 100);
}
