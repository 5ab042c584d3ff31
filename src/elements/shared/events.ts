/**
 * Typed events of the elements. Each event has a `detail` type and an entry in
 * `GlobalEventHandlersEventMap`, so `el.addEventListener('mp-symbol-click', e => e.detail.symbol)`
 * type-checks. Events are fired only in response to the user, never because a property was set.
 */

/** Detail of `mp-symbol-click`: the user activated a symbol (in `<ticker-tape>`). */
export interface SymbolClickDetail {
  /** The symbol, as written in the `symbols` attribute. */
  symbol: string;
}

/** Detail of `mp-pause-change`: the user paused or resumed `<realtime-chart>` by hovering it. */
export interface PauseChangeDetail {
  /** Whether the chart is now paused. */
  paused: boolean;
}

/** Detail of `mp-retry`: the user pressed the retry control of `<connection-status>`. */
export interface RetryDetail {
  /** The connection state when the user pressed it. */
  state: string;
}

/** Every event of the kit, by name. */
export interface MarketPulseEventMap {
  'mp-symbol-click': CustomEvent<SymbolClickDetail>;
  'mp-pause-change': CustomEvent<PauseChangeDetail>;
  'mp-retry': CustomEvent<RetryDetail>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends MarketPulseEventMap {}
}

/** Options of `emit`. */
export interface EmitOptions {
  /** Whether a listener may call `preventDefault()` (default false). */
  cancelable?: boolean;
}

/**
 * Dispatches a typed event that bubbles and crosses shadow roots.
 * @returns `false` when the event was cancelable and a listener cancelled it.
 */
export function emit<K extends keyof MarketPulseEventMap>(
  target: EventTarget,
  name: K,
  detail: MarketPulseEventMap[K]['detail'],
  options: EmitOptions = {},
): boolean {
  const event = new CustomEvent(name, { bubbles: true, composed: true, cancelable: options.cancelable ?? false, detail });
  return target.dispatchEvent(event);
}
