// The elements inside a Vue 3 app (render functions with h(), no template compiler): a Feed as a
// DOM property, attributes, `onXxx` listeners for the elements' events, and reactive state
// driving the elements while the in-memory feed drives the prices.
import { expect, waitUntil } from '@open-wc/testing';
import { createApp, h, nextTick, ref, type App } from 'vue';
import { createMemoryFeed, type MemoryFeed } from '../../src/client/memory-feed.js';
import '../../src/elements/connection-status/define.js';
import '../../src/elements/market-feed/define.js';
import '../../src/elements/price-ticker/define.js';
import '../../src/elements/realtime-chart/define.js';
import '../../src/elements/ticker-tape/define.js';
import type { PriceTicker } from '../../src/elements/price-ticker/price-ticker.js';
import type { RealtimeChart } from '../../src/elements/realtime-chart/realtime-chart.js';
import type { TickerTape } from '../../src/elements/ticker-tape/ticker-tape.js';
import { expectFeedAsProperty, expectWatchTicker, part, partText, tick } from './support/interop.js';


describe('Vue 3 interop', () => {
  let container: HTMLElement;
  let app: App | undefined;
  let feed: MemoryFeed;

  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    feed = createMemoryFeed();
  });
  afterEach(() => {
    app?.unmount();
    app = undefined;
    container.remove();
    feed.close();
  });

  it('passes a Feed as a property, attributes as attributes, and follows reactive state', async () => {
    feed.push('price:BTC-USD', tick('BTC-USD', 64250));
    feed.push('price:ETH-USD', tick('ETH-USD', 3120.5));
    const symbol = ref('BTC-USD');
    const locale = ref('de-DE');
    app = createApp({
      setup: () => () =>
        h('market-feed', { '.feed': feed }, [
          h('price-ticker', { symbol: symbol.value, locale: locale.value, compact: true, '^stale-after': '2', class: 'watch' }),
        ]),
    });
    app.mount(container);
    expectFeedAsProperty(container, feed);
    const ticker = container.querySelector<PriceTicker>('price-ticker')!;
    expect(ticker.getAttribute('stale-after')).to.equal('2');
    await expectWatchTicker(ticker);

    symbol.value = 'ETH-USD';
    locale.value = 'en-US';
    await nextTick();
    expect(container.querySelector('price-ticker')).to.equal(ticker);
    await waitUntil(() => partText(ticker, 'price') === '3,120.50', 'new symbol and locale', { timeout: 5000 });

    feed.push('price:ETH-USD', tick('ETH-USD', 3200));
    await waitUntil(() => partText(ticker, 'price') === '3,200.00', 'a live update', { timeout: 5000 });
  });

  it('listens to the elements\' events with on<Event> props', async () => {
    feed.push('price:BTC-USD', tick('BTC-USD', 1));
    feed.push('price:ETH-USD', tick('ETH-USD', 2));
    feed.setStatus({ state: 'offline' });
    const clicks: string[] = [];
    const retries: string[] = [];
    app = createApp({
      setup: () => () =>
        h('market-feed', { '.feed': feed }, [
          h('ticker-tape', { symbols: 'BTC-USD,ETH-USD', onMpSymbolClick: (event: CustomEvent<{ symbol: string }>) => clicks.push(event.detail.symbol) }),
          h('connection-status', { onMpRetry: (event: CustomEvent<{ state: string }>) => retries.push(event.detail.state) }),
        ]),
    });
    app.mount(container);
    const tape = container.querySelector<TickerTape>('ticker-tape')!;
    await tape.updateComplete;
    (tape.shadowRoot!.querySelector('[part~="item"][data-symbol="BTC-USD"]') as HTMLElement).click();
    expect(clicks).to.deep.equal(['BTC-USD']);

    const status = container.querySelector('connection-status')!;
    await waitUntil(() => part(status, 'retry') !== null, 'retry button while offline', { timeout: 5000 });
    (part(status, 'retry') as HTMLElement).click();
    expect(retries).to.deep.equal(['offline']);
    expect(feed.reconnectCount).to.equal(1);
  });

  it('drives a chart: type and paused from state; unmount releases the subscriptions', async () => {
    for (let i = 0; i < 20; i++) feed.push('price:BTC-USD', tick('BTC-USD', 100 + i));
    const paused = ref(false);
    const visible = ref(true);
    app = createApp({
      setup: () => () =>
        h('market-feed', { '.feed': feed }, visible.value ? [h('realtime-chart', { symbol: 'BTC-USD', type: 'area', window: '1m', paused: paused.value })] : []),
    });
    app.mount(container);
    const chart = container.querySelector<RealtimeChart>('realtime-chart')!;
    expect(chart.type).to.equal('area');
    expect(chart.paused).to.be.false;
    await waitUntil(() => feed.listenerCount('price:BTC-USD') === 1, 'chart subscribed', { timeout: 5000 });

    paused.value = true;
    await nextTick();
    expect(chart.paused).to.be.true;

    visible.value = false;
    await nextTick();
    expect(container.querySelector('realtime-chart')).to.equal(null);
    await waitUntil(() => feed.listenerCount('price:BTC-USD') === 0, 'unsubscribed after removal', { timeout: 5000 });
  });
});
