/**
 * Theming: the documented `--mp-*` custom properties restyle every element at once (they
 * inherit, so one rule on a parent is enough), and `::part()` reaches inside for the rest.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/elements/connection-status/define.js';
import '../src/elements/price-ticker/define.js';
import '../src/elements/realtime-chart/define.js';
import '../src/elements/ticker-tape/define.js';
import { withMarket } from './support/with-market.js';

const widgets = html`
  <div class="themed" style="display:grid;gap:12px;max-width:820px">
    <connection-status></connection-status>
    <ticker-tape symbols="BTC-USD,ETH-USD,SOL-USD,AAPL,MSFT,NVDA,EUR-USD,GOLD"></ticker-tape>
    <div style="display:flex;gap:12px;flex-wrap:wrap">
      <price-ticker symbol="BTC-USD" currency="USD"></price-ticker>
      <price-ticker symbol="ETH-USD" currency="USD"></price-ticker>
      <price-ticker symbol="NVDA" currency="USD"></price-ticker>
    </div>
    <realtime-chart symbol="BTC-USD" window="5m" type="area"></realtime-chart>
  </div>
`;

const meta: Meta = {
  title: 'Guides/Theming',
  parameters: { controls: { disable: true } },
};
export default meta;

/** A brand theme from custom properties only. */
export const CustomProperties: StoryObj = {
  render: () => html`<style>
      .brand {
        --mp-font-family: Georgia, 'Times New Roman', serif;
        --mp-color-bg: #fffaf0;
        --mp-color-text: #2b2118;
        --mp-color-muted: #7a6a58;
        --mp-color-border: #e8d9c0;
        --mp-color-up: #1b7f5b;
        --mp-color-down: #b3261e;
        --mp-color-accent: #8a4b08;
        --mp-radius: 14px;
        --mp-chart-height: 200px;
        display: block;
        padding: 16px;
        background: #fdf3e1;
        border-radius: 16px;
      }
    </style>
    <div class="brand">${withMarket({ ticksPerSecond: 4 }, widgets)}</div>`,
};

/** Parts for what custom properties do not cover: here, a bolder price and uppercase badges. */
export const Parts: StoryObj = {
  render: () => html`<style>
      .parts price-ticker::part(price) { font-weight: 800; letter-spacing: -0.03em; }
      .parts price-ticker::part(symbol) { text-transform: lowercase; font-variant: small-caps; }
      .parts price-ticker::part(base) { box-shadow: 0 2px 10px rgb(0 0 0 / 0.08); }
      .parts ticker-tape::part(item) { padding-inline: 1.5em; }
      .parts connection-status::part(label) { text-transform: uppercase; letter-spacing: 0.08em; }
    </style>
    <div class="parts">${withMarket({ ticksPerSecond: 4 }, widgets)}</div>`,
};
