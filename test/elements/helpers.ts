/** Small waiting helpers for element tests: every wait is bounded and fails with a message. */
import { configureFeed } from '../../src/elements/shared/default-feed.js';
import { createMemoryFeed, type MemoryFeed } from '../../src/client/memory-feed.js';

/** Resolves after `count` animation frames. */
export async function frames(count = 2): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
}

/** Waits (frame by frame, up to `timeout` ms) until `predicate` holds. */
export async function until(predicate: () => boolean, message = 'condition', timeout = 5000): Promise<void> {
  const deadline = performance.now() + timeout;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 16));
  }
}

/** A memory feed installed as the page's default feed (elements without <market-feed> use it). */
export function useDefaultMemoryFeed(): MemoryFeed {
  const feed = createMemoryFeed();
  configureFeed(feed);
  return feed;
}

/** A price tick for `symbol`. */
export function tick(symbol: string, price: number, open = 100, extra: Record<string, unknown> = {}) {
  return { symbol, price, ts: Date.now(), open, ...extra };
}

/** A payload that sets `window.__xss` if it is ever parsed as HTML. */
export const XSS = '<img src=x onerror="window.__xss=1">';

/** The shadow root of an element (asserted present). */
export function shadow(element: Element): ShadowRoot {
  if (!element.shadowRoot) throw new Error(`${element.localName} has no shadow root`);
  return element.shadowRoot;
}

/** The trimmed text of a part. */
export function partText(element: Element, part: string): string {
  return shadow(element).querySelector(`[part~="${part}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}
