// The elements inside a React 19 app (no JSX: React.createElement), the way a developer would use
// them: a Feed object as a property, strings as attributes, `on<event>` props for their events,
// and React state driving attributes while the in-memory feed drives the prices.
import { expect, waitUntil } from '@open-wc/testing';
import { createElement as h, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { createMemoryFeed, type MemoryFeed } from '../../src/client/memory-feed.js';
import '../../src/elements/connection-status/define.js';
import '../../src/elements/market-feed/define.js';
import '../../src/elements/price-ticker/define.js';
import '../../src/elements/ticker-tape/define.js';
import type { PriceTicker } from '../../src/elements/price-ticker/price-ticker.js';
import type { TickerTape } from '../../src/elements/ticker-tape/ticker-tape.js';
import { expectFeedAsProperty, expectWatchTicker, part, partText, tick } from './support/interop.js';


describe('React 19 interop', () => {
  let container: HTMLElement;
  let root: Root;
  let feed: MemoryFeed;
  const render = (node: ReactNode) => flushSync(() => root.render(node));

  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
    feed = createMemoryFeed();
  });
  afterEach(() => {
    flushSync(() => root.unmount());
    container.remove();
    feed.close();
  });

  it('passes a Feed object as a property and renders its prices', async () => {
    feed.push('price:BTC-USD', tick('BTC-USD', 101.5));
    render(h('market-feed', { feed }, h('price-ticker', { symbol: 'BTC-USD', locale: 'en-US' })));
    expectFeedAsProperty(container, feed);
    const ticker = container.querySelector('price-ticker')!;
    await waitUntil(() => partText(ticker, 'price') === '101.50', 'first price', { timeout: 5000 });

    feed.push('price:BTC-USD', tick('BTC-USD', 99.25));
    await waitUntil(() => partText(ticker, 'price') === '99.25', 'updated price', { timeout: 5000 });
  });

  it('sets attributes and properties from props, and re-renders them from state', async () => {
    feed.push('price:BTC-USD', tick('BTC-USD', 64250));
    feed.push('price:ETH-USD', tick('ETH-USD', 3120.5));
    const app = (symbol: string, locale: string) =>
      h('market-feed', { feed }, h('price-ticker', { symbol, locale, compact: true, 'stale-after': 2, class: 'watch' }));
    render(app('BTC-USD', 'de-DE'));
    const ticker = container.querySelector<PriceTicker>('price-ticker')!;
    await expectWatchTicker(ticker);
    expect(ticker.hasAttribute('compact')).to.be.true; // reflected by the element

    render(app('ETH-USD', 'en-US'));
    expect(container.querySelector('price-ticker')).to.equal(ticker); // same element, updated
    await waitUntil(() => partText(ticker, 'price') === '3,120.50', 'new symbol and locale', { timeout: 5000 });
    expect(partText(ticker, 'symbol')).to.equal('ETH-USD');
  });

  it('receives the elements\' events through on<event> props', async () => {
    feed.push('price:BTC-USD', tick('BTC-USD', 1));
    feed.push('price:ETH-USD', tick('ETH-USD', 2));
    feed.setStatus({ state: 'reconnecting' });
    const clicks: string[] = [];
    const retries: string[] = [];
    render(
      h(
        'market-feed',
        { feed },
        h('ticker-tape', { symbols: 'BTC-USD,ETH-USD', 'onmp-symbol-click': (event: CustomEvent<{ symbol: string }>) => clicks.push(event.detail.symbol) }),
        h('connection-status', { 'onmp-retry': (event: CustomEvent<{ state: string }>) => retries.push(event.detail.state) }),
      ),
    );
    const tape = container.querySelector<TickerTape>('ticker-tape')!;
    await tape.updateComplete;
    const item = tape.shadowRoot!.querySelector<HTMLElement>('[part~="item"][data-symbol="ETH-USD"]');
    expect(item, 'a tape item for ETH-USD').to.exist;
    item!.click();
    expect(clicks).to.deep.equal(['ETH-USD']);

    const status = container.querySelector('connection-status')!;
    await waitUntil(() => part(status, 'retry') !== null, 'retry button while reconnecting', { timeout: 5000 });
    (part(status, 'retry') as HTMLElement).click();
    expect(retries).to.deep.equal(['reconnecting']);
    expect(feed.reconnectCount).to.equal(1);
  });

  it('releases the feed subscriptions when React unmounts the elements', async () => {
    render(h('market-feed', { feed }, h('price-ticker', { symbol: 'BTC-USD' })));
    await waitUntil(() => feed.listenerCount('price:BTC-USD') === 1, 'subscribed', { timeout: 5000 });
    render(h('div', null, 'gone'));
    await waitUntil(() => feed.listenerCount('price:BTC-USD') === 0, 'unsubscribed after unmount', { timeout: 5000 });
  });
});
