// The elements inside a React 19 app (no JSX: React.createElement), the way a developer would use
// them: a Feed object as a property, strings as attributes, `on<event>` props for their events,
// and React state driving attributes while the in-memory feed drives the prices.
import { expect, waitUntil } from '@open-wc/testing';
import { createElement as h, useEffect, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { createMemoryFeed, type MemoryFeed } from '../../src/client/memory-feed.js';
import type { Feed, FeedStatus } from '../../src/client/types.js';
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

  it("the usePrice and useFeedStatus hooks of docs/migrating.md follow the feed, switch symbols and unsubscribe", async () => {
    // The hooks as the guide writes them, over a Feed given here instead of a module-level one.
    function usePrice(source: Feed, symbol: string) {
      const channel = `price:${symbol}`;
      const [tick, setTick] = useState(() => source.get(channel)?.data);
      useEffect(() => {
        setTick(source.get(channel)?.data);
        return source.subscribe(channel, ({ data }) => setTick(data));
      }, [channel]);
      return tick;
    }
    function useFeedStatus(source: Feed) {
      const [status, setStatus] = useState<FeedStatus>(source.status);
      useEffect(() => source.onStatus(setStatus), []);
      return status;
    }
    function Price({ symbol }: { symbol: string }) {
      const tick = usePrice(feed, symbol) as { price?: number } | undefined;
      const status = useFeedStatus(feed);
      return h('output', null, `${symbol} ${tick?.price ?? '…'} ${status.state}`);
    }
    const text = () => container.querySelector('output')!.textContent;
    feed.push('price:BTC-USD', tick('BTC-USD', 100));
    render(h(Price, { symbol: 'BTC-USD' }));
    expect(text(), 'the cached value and status at the first render').to.equal('BTC-USD 100 open');
    feed.push('price:BTC-USD', tick('BTC-USD', 101));
    await waitUntil(() => text() === 'BTC-USD 101 open', 'a live tick', { timeout: 5000 });
    feed.setStatus({ state: 'reconnecting' });
    await waitUntil(() => text() === 'BTC-USD 101 reconnecting', 'the status', { timeout: 5000 });

    render(h(Price, { symbol: 'ETH-USD' })); // no value yet: not the old symbol's price
    await waitUntil(() => text() === 'ETH-USD … reconnecting', 'another symbol', { timeout: 5000 });
    expect(feed.listenerCount('price:BTC-USD'), 'the old symbol released').to.equal(0);
    feed.push('price:ETH-USD', tick('ETH-USD', 3000));
    await waitUntil(() => text() === 'ETH-USD 3000 reconnecting', 'its first tick', { timeout: 5000 });
    render(h('div', null, 'gone'));
    expect(feed.listenerCount('price:ETH-USD'), 'unsubscribed on unmount').to.equal(0);
  });

  it('releases the feed subscriptions when React unmounts the elements', async () => {
    render(h('market-feed', { feed }, h('price-ticker', { symbol: 'BTC-USD' })));
    await waitUntil(() => feed.listenerCount('price:BTC-USD') === 1, 'subscribed', { timeout: 5000 });
    render(h('div', null, 'gone'));
    await waitUntil(() => feed.listenerCount('price:BTC-USD') === 0, 'unsubscribed after unmount', { timeout: 5000 });
  });
});
