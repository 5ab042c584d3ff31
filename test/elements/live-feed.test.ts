// The elements against a real relay (started by test/support/relay-plugin.mjs on 127.0.0.1):
// the default feed from <meta>, and <market-feed src>.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/market-feed/define.js';
import '../../src/elements/price-ticker/define.js';
import '../../src/elements/connection-status/define.js';
import '../../src/elements/realtime-chart/define.js';
import type { PriceTicker } from '../../src/elements/price-ticker/price-ticker.js';
import type { ConnectionStatus } from '../../src/elements/connection-status/connection-status.js';
import type { MarketFeed } from '../../src/elements/market-feed/market-feed.js';
import { partText, until } from './helpers.js';

interface RelayInfo {
  wsUrl: string;
}

async function relay(): Promise<RelayInfo> {
  return (await (await fetch('/__relay')).json()) as RelayInfo;
}

async function publish(symbol: string, price: number): Promise<void> {
  const response = await fetch('/__relay/publish', {
    method: 'POST',
    body: JSON.stringify({ channel: `price:${symbol}`, data: { symbol, price, ts: Date.now(), open: 100 } }),
  });
  if (!response.ok) throw new Error(`publish failed: ${response.status}`);
}

/** Publishes until the ticker shows the price (the subscription may not be live on the first try). */
async function publishUntilShown(ticker: PriceTicker, symbol: string, price: number): Promise<void> {
  for (let attempt = 0; attempt < 40 && ticker.quote?.price !== price; attempt++) {
    await publish(symbol, price);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await until(() => ticker.quote?.price === price, `price ${price} on screen`, 8000);
}

describe('elements on a live relay', () => {
  it('use the default feed from <meta name="market-pulse-feed">', async () => {
    const { wsUrl } = await relay();
    const meta = document.createElement('meta');
    meta.name = 'market-pulse-feed';
    meta.content = wsUrl;
    document.head.append(meta);
    const root = await fixture<HTMLElement>(html`<div>
      <price-ticker symbol="LIVE-META" locale="en-US"></price-ticker><connection-status></connection-status>
    </div>`);
    const ticker = root.querySelector('price-ticker')!;
    const status = root.querySelector('connection-status') as ConnectionStatus;
    await until(() => status.state === 'live', 'status live', 10000);
    await publishUntilShown(ticker, 'LIVE-META', 101.25);
    await ticker.updateComplete;
    expect(partText(ticker, 'price')).to.equal('101.25');
    expect(partText(ticker, 'change')).to.contain('+1.25');
  });

  it('<market-feed src mode="direct"> connects, and consumers show live data and status', async () => {
    const { wsUrl } = await relay();
    const root = await fixture<MarketFeed>(html`<market-feed src=${wsUrl} mode="direct">
      <price-ticker symbol="LIVE-SRC" locale="en-US"></price-ticker>
      <connection-status locale="en-US"></connection-status>
    </market-feed>`);
    const ticker = root.querySelector('price-ticker')!;
    const status = root.querySelector('connection-status') as ConnectionStatus;
    await until(() => status.state === 'live', 'status live', 10000);
    expect(partText(status, 'detail')).to.match(/^direct/);
    await publishUntilShown(ticker, 'LIVE-SRC', 99.5);
    await expect(root).to.be.accessible();
    root.remove();
    await until(() => root.activeFeed?.status.state === 'closed', 'own feed closed on removal', 5000);
  });
});
