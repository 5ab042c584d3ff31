/**
 * Reading price ticks out of channel data. Feed data crosses a network, so nothing here trusts
 * it: a tick without a finite price is ignored, optional fields of the wrong type are dropped.
 */
import type { ChannelData, PriceTick } from '../../protocol/messages.js';

/** A price tick with its change filled in where it can be derived. */
export interface Quote extends PriceTick {
  /** Per-channel sequence number of the update. */
  seq: number;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Turns channel data into a quote, or `null` when it has no usable price.
 * `change` and `changePct` are derived from `open` when the feed leaves them out.
 */
export function toQuote(data: ChannelData | null | undefined, seq = 0): Quote | null {
  if (!data || typeof data !== 'object') return null;
  const price = finite(data.price);
  if (price === undefined) return null;
  const open = finite(data.open);
  let change = finite(data.change);
  let changePct = finite(data.changePct);
  if (change === undefined && open !== undefined) change = price - open;
  if (changePct === undefined && change !== undefined && open) changePct = (change / open) * 100;
  return {
    seq,
    symbol: typeof data.symbol === 'string' ? data.symbol.slice(0, 64) : '',
    price,
    ts: finite(data.ts) ?? Date.now(),
    open,
    change,
    changePct,
    bid: finite(data.bid),
    ask: finite(data.ask),
    volume: finite(data.volume),
    currency: typeof data.currency === 'string' ? data.currency : undefined,
  };
}

/** Direction of a change: `up`, `down` or `flat`. */
export type Direction = 'up' | 'down' | 'flat';

/**
 * The direction of a signed number. With `shownDigits`, the number is first rounded as it is shown,
 * so a change displayed as `0.00%` is flat rather than a red ▼.
 */
export function directionOf(value: number | undefined, shownDigits?: number): Direction {
  if (value !== undefined && shownDigits !== undefined) value = Number(value.toFixed(shownDigits));
  if (value === undefined || value === 0) return 'flat';
  return value > 0 ? 'up' : 'down';
}
