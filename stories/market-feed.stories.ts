/**
 * `<market-feed>`: the provider. Everything inside it (at any depth) uses its feed. On a page it
 * connects with `src="wss://…/ws"`; here it gets an in-memory feed through its `feed` property,
 * since Storybook has no relay to talk to.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/elements/connection-status/define.js';
import '../src/elements/market-feed/define.js';
import '../src/elements/price-ticker/define.js';
import { createSimulatedMarket } from './support/simulated-market.js';
import { withMarket } from './support/with-market.js';

const meta: Meta = {
  title: 'Elements/market-feed',
  component: 'market-feed',
  parameters: { controls: { disable: true } },
};
export default meta;

type Story = StoryObj;

/** One provider, several consumers: a status and two tickers share its feed. */
export const Default: Story = {
  render: () =>
    withMarket(
      { ticksPerSecond: 4 },
      html`<div style="display:flex;gap:12px;align-items:center;flex-wrap:wrap">
        <connection-status></connection-status>
        <price-ticker symbol="BTC-USD" currency="USD"></price-ticker>
        <price-ticker symbol="ETH-USD" currency="USD"></price-ticker>
      </div>`,
    ),
};

/** Two providers on one page, each with its own feed: the nearest ancestor wins. */
export const Nested: Story = {
  render: () => {
    const inner = createSimulatedMarket({ ticksPerSecond: 0, symbols: ['BTC-USD'], status: { state: 'polling', mode: 'direct' } });
    return withMarket(
      { ticksPerSecond: 2, symbols: ['BTC-USD'] },
      html`<div style="display:grid;gap:12px;justify-items:start">
        <connection-status></connection-status>
        <market-feed .feed=${inner.feed}>
          <div style="padding:12px;border:1px dashed #aab;border-radius:8px;display:grid;gap:8px;justify-items:start">
            <small>inner &lt;market-feed&gt;</small>
            <connection-status></connection-status>
          </div>
        </market-feed>
      </div>`,
    );
  },
};
