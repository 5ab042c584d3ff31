// Importing a class must not register its tag; a host may register it under a name of its own.
import { expect, fixture, html } from '@open-wc/testing';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import { PriceTicker } from '../../src/elements/price-ticker/price-ticker.js';
import { TickerTape } from '../../src/elements/ticker-tape/ticker-tape.js';
import { RealtimeChart } from '../../src/elements/realtime-chart/realtime-chart.js';
import { ConnectionStatus } from '../../src/elements/connection-status/connection-status.js';
import { MarketFeed } from '../../src/elements/market-feed/market-feed.js';
import { createMemoryFeed } from '../../src/client/memory-feed.js';
import { frames, partText, tick, until } from './helpers.js';

const DEFAULT_TAGS = ['market-feed', 'price-ticker', 'ticker-tape', 'realtime-chart', 'connection-status'];

describe('registration', () => {
  it('importing the classes registers nothing', () => {
    for (const tag of DEFAULT_TAGS) expect(customElements.get(tag), tag).to.equal(undefined);
  });

  it('every class works under a tag of the host’s choosing', async () => {
    const classes = { 'acme-feed': MarketFeed, 'acme-ticker': PriceTicker, 'acme-tape': TickerTape, 'acme-chart': RealtimeChart, 'acme-status': ConnectionStatus };
    for (const [tag, klass] of Object.entries(classes)) customElements.define(tag, klass);
    const feed = createMemoryFeed();
    feed.push('price:BTC-USD', tick('BTC-USD', 123.45, 120));
    const t = (tag: string) => unsafeStatic(tag);
    const root = await fixture<HTMLElement>(staticHtml`<${t('acme-feed')} .feed=${feed}>
      <${t('acme-ticker')} symbol="BTC-USD" locale="en-US"></${t('acme-ticker')}>
      <${t('acme-tape')} symbols="BTC-USD"></${t('acme-tape')}>
      <${t('acme-chart')} symbol="BTC-USD"></${t('acme-chart')}>
      <${t('acme-status')}></${t('acme-status')}>
    </${t('acme-feed')}>`);
    const ticker = root.querySelector('acme-ticker') as PriceTicker;
    await until(() => ticker.state === 'live', 'ticker live');
    await ticker.updateComplete;
    expect(partText(ticker, 'price')).to.equal('123.45');
    expect((root.querySelector('acme-status') as ConnectionStatus).state).to.equal('live');
    await frames(2);
    expect(feed.listenerCount('price:BTC-USD')).to.equal(3);
    for (const tag of DEFAULT_TAGS) expect(customElements.get(tag), tag).to.equal(undefined);
  });

  it('the package entry registers the default tags and does not clash with existing ones', async () => {
    const entry = await import('../../src/index.js');
    for (const tag of DEFAULT_TAGS) expect(customElements.get(tag), tag).to.not.equal(undefined);
    expect(customElements.get('price-ticker')!.prototype).to.be.instanceOf(entry.PriceTicker); // a subclass: the class itself is taken by acme-ticker
    expect(typeof entry.configureFeed).to.equal('function');
    expect(typeof entry.connectFeed).to.equal('function');
    expect(typeof entry.createMemoryFeed).to.equal('function');
    await import('../../src/elements/price-ticker/define.js'); // a second registration attempt is a no-op
    const el = await fixture(html`<price-ticker symbol="BTC-USD"></price-ticker>`);
    expect(el).to.be.instanceOf(PriceTicker);
  });
});
