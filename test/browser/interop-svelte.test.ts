// The elements inside a Svelte 5 app: the component is docs/embedding.md's Svelte snippet
// (fixtures/prices.svelte, compiled by Svelte's compiler in the test runner), with a Feed as a
// property, attributes, `on<event>` handlers, and rune state driving the elements while the
// in-memory feed drives the prices.
import { expect, waitUntil } from '@open-wc/testing';
import { flushSync, mount, unmount } from 'svelte';
import { createMemoryFeed, type MemoryFeed } from '../../src/client/memory-feed.js';
import '../../src/elements/connection-status/define.js';
import '../../src/elements/market-feed/define.js';
import '../../src/elements/price-ticker/define.js';
import '../../src/elements/realtime-chart/define.js';
import '../../src/elements/ticker-tape/define.js';
import type { PriceTicker } from '../../src/elements/price-ticker/price-ticker.js';
import type { RealtimeChart } from '../../src/elements/realtime-chart/realtime-chart.js';
import type { TickerTape } from '../../src/elements/ticker-tape/ticker-tape.js';
import Prices from './fixtures/prices.svelte';
import { expectFeedAsProperty, expectWatchTicker, part, partText, tick } from './support/interop.js';


describe('Svelte 5 interop', () => {
  let container: HTMLElement;
  let app: Record<string, unknown> | undefined;
  let feed: MemoryFeed;
  const update = (changes: Record<string, unknown>) => flushSync(() => (app!['update'] as (changes: Record<string, unknown>) => void)(changes));

  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    feed = createMemoryFeed();
  });
  afterEach(() => {
    if (app) unmount(app);
    app = undefined;
    container.remove();
    feed.close();
  });

  it('passes a Feed as a property, attributes as attributes, and follows rune state', async () => {
    feed.push('price:BTC-USD', tick('BTC-USD', 64250));
    feed.push('price:ETH-USD', tick('ETH-USD', 3120.5));
    app = mount(Prices, { target: container, props: { feed } });
    flushSync();
    expectFeedAsProperty(container, feed);
    const ticker = container.querySelector<PriceTicker>('price-ticker')!;
    expect(ticker.getAttribute('stale-after')).to.equal('2');
    await expectWatchTicker(ticker);

    update({ locale: 'en-US' });
    expect(container.querySelector('price-ticker')).to.equal(ticker);
    await waitUntil(() => partText(ticker, 'price') === '64,250.00', 'new locale', { timeout: 5000 });

    feed.push('price:BTC-USD', tick('BTC-USD', 64300));
    await waitUntil(() => partText(ticker, 'price') === '64,300.00', 'a live update', { timeout: 5000 });
  });

  it('handles the elements\' events with on<event> attributes: a tape click picks the ticker\'s symbol', async () => {
    feed.push('price:BTC-USD', tick('BTC-USD', 1));
    feed.push('price:ETH-USD', tick('ETH-USD', 3120.5));
    feed.setStatus({ state: 'offline' });
    const retries: string[] = [];
    app = mount(Prices, { target: container, props: { feed, onretry: (state: string) => retries.push(state) } });
    flushSync();
    const tape = container.querySelector<TickerTape>('ticker-tape')!;
    const ticker = container.querySelector<PriceTicker>('price-ticker')!;
    await tape.updateComplete;
    (tape.shadowRoot!.querySelector('[part~="item"][data-symbol="ETH-USD"]') as HTMLElement).click();
    flushSync();
    expect(ticker.symbol).to.equal('ETH-USD');
    await waitUntil(() => partText(ticker, 'price') === '3.120,50', 'the picked symbol\'s price', { timeout: 5000 });

    const status = container.querySelector('connection-status')!;
    await waitUntil(() => part(status, 'retry') !== null, 'retry button while offline', { timeout: 5000 });
    (part(status, 'retry') as HTMLElement).click();
    expect(retries).to.deep.equal(['offline']);
    expect(feed.reconnectCount).to.equal(1);
  });

  it('drives a chart: paused from state; an {#if} that drops it releases the subscription', async () => {
    for (let i = 0; i < 20; i++) feed.push('price:SOL-USD', tick('SOL-USD', 100 + i));
    app = mount(Prices, { target: container, props: { feed } });
    flushSync();
    const chart = container.querySelector<RealtimeChart>('realtime-chart')!;
    expect(chart.type).to.equal('area');
    expect(chart.paused).to.be.false;
    await waitUntil(() => feed.listenerCount('price:SOL-USD') === 1, 'chart subscribed', { timeout: 5000 });

    update({ paused: true });
    expect(chart.paused).to.be.true;

    update({ chartShown: false });
    expect(container.querySelector('realtime-chart')).to.equal(null);
    await waitUntil(() => feed.listenerCount('price:SOL-USD') === 0, 'unsubscribed after removal', { timeout: 5000 });
  });
});
