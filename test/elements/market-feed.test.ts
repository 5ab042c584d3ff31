import { expect, fixture, html } from '@open-wc/testing';
import { MarketFeed } from '../../src/elements/market-feed/market-feed.js';
import '../../src/elements/price-ticker/define.js';
import '../../src/elements/connection-status/define.js';
import type { PriceTicker } from '../../src/elements/price-ticker/price-ticker.js';
import type { ConnectionStatus } from '../../src/elements/connection-status/connection-status.js';
import { createMemoryFeed } from '../../src/client/memory-feed.js';
import { configureFeed } from '../../src/elements/shared/default-feed.js';
import { frames, partText, tick, until } from './helpers.js';

const CHANNEL = 'price:BTC-USD';

/** Sockets open now on the tests' relay (test/support/relay-plugin.mjs). */
async function relayConnections(): Promise<number> {
  return ((await (await fetch('/__relay/health')).json()) as { connections: number }).connections;
}

/** Waits (up to 5 s) until the relay has `count` sockets open, and says how many it has. */
async function relayConnectionsReach(count: number): Promise<number> {
  const deadline = performance.now() + 5000;
  let open = await relayConnections();
  while (open !== count && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    open = await relayConnections();
  }
  return open;
}

describe('<market-feed>', () => {
  // First, while <market-feed> is not defined yet: consumers rendered before their provider.
  it('late provider: elements rendered before <market-feed> is defined get its feed', async () => {
    const fallback = createMemoryFeed();
    configureFeed(fallback); // must NOT be used: an un-upgraded <market-feed> ancestor will provide
    const provided = createMemoryFeed();
    provided.push(CHANNEL, tick('BTC-USD', 42, 40));
    const root = await fixture<HTMLElement>(html`<div>
      <market-feed .feed=${provided}><section><price-ticker symbol="BTC-USD" locale="en-US"></price-ticker></section></market-feed>
    </div>`);
    const ticker = root.querySelector('price-ticker')!;
    await frames(2);
    expect(ticker.state).to.equal('loading');
    expect(fallback.listenerCount(CHANNEL)).to.equal(0);

    customElements.define('market-feed', MarketFeed);
    await until(() => ticker.state === 'live', 'ticker live from the late provider');
    await ticker.updateComplete;
    expect(partText(ticker, 'price')).to.equal('42.00');
    expect(provided.listenerCount(CHANNEL)).to.equal(1);
    expect(fallback.listenerCount(CHANNEL)).to.equal(0);
  });

  it('late provider under another tag name also takes over from nothing', async () => {
    configureFeed(null);
    const feed = createMemoryFeed();
    const root = await fixture<HTMLElement>(html`<div><late-feed .feed=${feed}><connection-status></connection-status></late-feed></div>`);
    const status = root.querySelector('connection-status')!;
    expect(status.state).to.equal('no-feed');
    customElements.define('late-feed', class extends MarketFeed {});
    await until(() => status.state === 'live', 'status from late provider');
  });

  it('provides its feed through shadow roots and nested elements', async () => {
    const feed = createMemoryFeed();
    const host = await fixture<HTMLElement>(html`<market-feed .feed=${feed}><div id="host"></div></market-feed>`);
    const inner = host.querySelector('#host')!.attachShadow({ mode: 'open' });
    const ticker = document.createElement('price-ticker') as PriceTicker;
    ticker.symbol = 'BTC-USD';
    inner.append(ticker);
    feed.push(CHANNEL, tick('BTC-USD', 7, 7));
    await until(() => ticker.state === 'live', 'ticker in a shadow root');
  });

  it('the nearest provider wins, and consumers follow a feed swap', async () => {
    const outer = createMemoryFeed();
    const inner = createMemoryFeed();
    const root = await fixture<MarketFeed>(html`<market-feed .feed=${outer}>
      <price-ticker id="a" symbol="BTC-USD"></price-ticker>
      <market-feed .feed=${inner}><price-ticker id="b" symbol="BTC-USD"></price-ticker></market-feed>
    </market-feed>`);
    await frames(1);
    expect(outer.listenerCount(CHANNEL)).to.equal(1);
    expect(inner.listenerCount(CHANNEL)).to.equal(1);

    const replacement = createMemoryFeed();
    replacement.push(CHANNEL, tick('BTC-USD', 99, 98));
    root.feed = replacement;
    await root.updateComplete;
    expect(outer.listenerCount(CHANNEL)).to.equal(0);
    expect(replacement.listenerCount(CHANNEL)).to.equal(1);
    const a = root.querySelector<PriceTicker>('#a')!;
    await until(() => a.quote?.price === 99, 'ticker on the new feed');
    expect(root.activeFeed).to.equal(replacement);
  });

  it('consumers release their subscriptions when removed, and resubscribe when re-added', async () => {
    const feed = createMemoryFeed();
    const root = await fixture<MarketFeed>(html`<market-feed .feed=${feed}><price-ticker symbol="BTC-USD"></price-ticker></market-feed>`);
    const ticker = root.querySelector('price-ticker')!;
    expect(feed.listenerCount(CHANNEL)).to.equal(1);
    ticker.remove();
    expect(feed.listenerCount(CHANNEL)).to.equal(0);
    root.append(ticker);
    expect(feed.listenerCount(CHANNEL)).to.equal(1);
  });

  it('a src that is no feed URL shows as a closed feed with the reason, without an error on the page', async () => {
    configureFeed(null);
    const errors: unknown[][] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const root = await fixture<MarketFeed>(html`<market-feed src=" JaVa	ScRiPt:alert(1)">
        <connection-status locale="en-US"></connection-status><price-ticker symbol="BTC-USD"></price-ticker>
      </market-feed>`);
      const status = root.querySelector<ConnectionStatus>('connection-status')!;
      const ticker = root.querySelector<PriceTicker>('price-ticker')!;
      await until(() => status.state === 'closed' && ticker.state === 'error', 'a closed feed, shown');
      await status.updateComplete;
      expect(partText(status, 'label')).to.equal('Closed');
      expect(partText(status, 'detail')).to.contain('The feed URL must be a ws:, wss:, http: or https: URL');
      root.setAttribute('src', '');
      await root.updateComplete;
      await until(() => status.state === 'no-feed', 'no feed without src');
    } finally {
      console.error = consoleError;
    }
    expect(errors).to.deep.equal([]);
  });

  it('closes its own connection while a .feed is provided instead, and connects again once it is unset', async () => {
    const { wsUrl } = (await (await fetch('/__relay')).json()) as { wsUrl: string };
    const before = await relayConnections();
    const root = await fixture<MarketFeed>(html`<market-feed src=${wsUrl} mode="direct"><connection-status></connection-status></market-feed>`);
    const status = root.querySelector<ConnectionStatus>('connection-status')!;
    await until(() => status.state === 'live', 'live on the relay', 10_000);
    expect(await relayConnectionsReach(before + 1), 'sockets while connected').to.equal(before + 1);

    const memory = createMemoryFeed();
    root.feed = memory;
    await root.updateComplete;
    expect(root.activeFeed).to.equal(memory);
    // Nothing uses the relay now: its socket must not stay open (it did, until the element left the page).
    expect(await relayConnectionsReach(before), 'sockets while .feed is provided').to.equal(before);

    root.feed = undefined;
    await root.updateComplete;
    await until(() => status.state === 'live' && root.activeFeed !== memory, 'live on the relay again', 10_000);
    root.remove();
    expect(await relayConnectionsReach(before), 'sockets once removed').to.equal(before);
  });

  it('renders its children as if it were not there', async () => {
    const root = await fixture<MarketFeed>(html`<market-feed><span>child</span></market-feed>`);
    expect(getComputedStyle(root).display).to.equal('contents');
    await expect(root).to.be.accessible();
  });
});
