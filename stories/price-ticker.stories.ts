/**
 * `<price-ticker>`: one symbol's live price with its change. Controls map to the attributes; the
 * market is simulated in memory.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/elements/price-ticker/define.js';
import { withMarket } from './support/with-market.js';

interface PriceTickerArgs {
  symbol: string;
  locale?: string;
  currency?: string;
  precision?: number;
  compact: boolean;
  'stale-after': number;
  announce: number;
  theme?: 'light' | 'dark';
}

const ticker = (args: PriceTickerArgs) => html`<price-ticker
  symbol=${args.symbol}
  locale=${ifDefined(args.locale || undefined)}
  currency=${ifDefined(args.currency || undefined)}
  precision=${ifDefined(args.precision ?? undefined)}
  ?compact=${args.compact}
  stale-after=${args['stale-after']}
  announce=${args.announce}
  theme=${ifDefined(args.theme || undefined)}
></price-ticker>`;

const meta: Meta<PriceTickerArgs> = {
  title: 'Elements/price-ticker',
  component: 'price-ticker',
  args: { symbol: 'BTC-USD', currency: 'USD', compact: false, 'stale-after': 30, announce: 30 },
  argTypes: {
    symbol: { control: 'select', options: ['BTC-USD', 'ETH-USD', 'SOL-USD', 'AAPL', 'MSFT', 'NVDA', 'EUR-USD', 'GOLD'] },
    locale: { control: 'select', options: ['', 'en-US', 'de-DE', 'fr-FR', 'ja-JP', 'ar-EG', 'hi-IN'] },
    currency: { control: 'select', options: ['', 'USD', 'EUR', 'JPY', 'GBP'] },
    precision: { control: { type: 'number', min: 0, max: 8 } },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: (args) => withMarket({ ticksPerSecond: 6 }, ticker(args)),
};
export default meta;

type Story = StoryObj<PriceTickerArgs>;

/** A live price, ticking a few times per second. */
export const Default: Story = {};

/** The one-line variant for watchlists and headers. */
export const Compact: Story = {
  args: { compact: true },
  render: (args) =>
    withMarket(
      { ticksPerSecond: 8 },
      html`<div style="display:grid;gap:6px;max-width:360px">
        ${['BTC-USD', 'ETH-USD', 'AAPL', 'EUR-USD'].map((symbol) => ticker({ ...args, symbol, currency: symbol === 'EUR-USD' ? '' : args.currency }))}
      </div>`,
    ),
};

/** German number format: `64.250,00 $`. */
export const GermanLocale: Story = { args: { locale: 'de-DE', currency: 'EUR' } };

/** No update for longer than `stale-after`: the price is marked stale. */
export const Stale: Story = {
  args: { 'stale-after': 5 },
  render: (args) => withMarket({ ticksPerSecond: 0, lastTickAgeMs: 10 * 60_000 }, ticker(args)),
};

/** Waiting for a first value: the feed has nothing for this symbol yet (for `stale-after` seconds; then "No data"). */
export const Loading: Story = {
  args: { symbol: 'NEW-LISTING' },
  argTypes: { symbol: { control: 'text' } },
  render: (args) => withMarket({ ticksPerSecond: 0, symbols: ['BTC-USD'] }, ticker(args)),
};

/**
 * A misspelt symbol (`BTCUSD` for `BTC-USD`): once the feed has been open `stale-after` seconds
 * without a value of it, the ticker says "No data" instead of loading forever.
 */
export const NoData: Story = {
  args: { symbol: 'BTCUSD', 'stale-after': 2 },
  argTypes: { symbol: { control: 'text' } },
};

/** A symbol that breaks the channel grammar shows an error, as text (no markup is ever rendered). */
export const InvalidSymbol: Story = {
  args: { symbol: '<img src=x onerror=alert(1)>' },
  argTypes: { symbol: { control: 'text' } },
};

/**
 * A symbol whose channel the relay refuses (`forbidden`: the token's `channels` claim does not
 * allow it) shows the error state with the relay's reason, while the others stay live.
 */
export const Refused: Story = {
  args: { symbol: 'INSIDER', compact: true },
  argTypes: { symbol: { control: 'text' } },
  render: (args) =>
    withMarket(
      { ticksPerSecond: 6, refuse: ['INSIDER'] },
      html`<div style="display:grid;gap:6px;max-width:360px">${ticker(args)}${ticker({ ...args, symbol: 'BTC-USD' })}</div>`,
    ),
};

/** Dark scheme, forced with `theme="dark"`. */
export const Dark: Story = {
  args: { theme: 'dark' },
  render: (args) => withMarket({ ticksPerSecond: 6, background: '#0b0e12' }, ticker(args)),
};
