// What the framework interop tests (React, Vue, Svelte) share: a tick, shadow-part readers, and
// the checks every framework must pass the same way.
import { expect, waitUntil } from '@open-wc/testing';
import type { PriceTicker } from '../../../src/elements/price-ticker/price-ticker.js';

export const tick = (symbol: string, price: number) => ({ symbol, price, open: 100, ts: Date.now() });
export const part = (el: Element | null, name: string) => el?.shadowRoot?.querySelector(`[part~="${name}"]`) ?? null;
export const partText = (el: Element | null, name: string) => part(el, name)?.textContent?.trim() ?? '';

/** The framework gave `<market-feed>` the Feed as a property, not as an "[object Object]" attribute. */
export function expectFeedAsProperty(container: Element, feed: unknown): void {
  const provider = container.querySelector('market-feed') as unknown as { feed: unknown } & Element;
  expect(provider.feed).to.equal(feed);
  expect(provider.hasAttribute('feed')).to.be.false;
}

/**
 * The ticker every interop test renders — class `watch`, `compact`, `stale-after` 2, German
 * locale — got its class, flag and number, and shows the German-formatted price of 64,250.
 */
export async function expectWatchTicker(ticker: PriceTicker): Promise<void> {
  expect(ticker.className).to.equal('watch');
  expect(ticker.compact).to.be.true;
  expect(ticker.staleAfter).to.equal(2); // attribute → property conversion by the element
  await waitUntil(() => partText(ticker, 'price') === '64.250,00', 'German formatting', { timeout: 5000 });
}
