/**
 * `<ticker-tape>`: a scrolling row of symbols. It pauses on hover and keyboard focus; under
 * reduced motion it is a static, scrollable row. Clicks fire `mp-symbol-click` (see Actions).
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { action } from 'storybook/actions';
import '../src/elements/ticker-tape/define.js';
import { DEFAULT_SYMBOLS } from './support/simulated-market.js';
import { withMarket } from './support/with-market.js';

interface TickerTapeArgs {
  symbols: string;
  href?: string;
  speed: number;
  paused: boolean;
  locale?: string;
  label: string;
  theme?: 'light' | 'dark';
  'no-data-after'?: number;
}

const tape = (args: TickerTapeArgs) => html`<ticker-tape
  symbols=${args.symbols}
  href=${ifDefined(args.href || undefined)}
  speed=${args.speed}
  ?paused=${args.paused}
  locale=${ifDefined(args.locale || undefined)}
  label=${args.label}
  theme=${ifDefined(args.theme || undefined)}
  no-data-after=${ifDefined(args['no-data-after'])}
  @mp-symbol-click=${(event: CustomEvent<{ symbol: string }>) => action('mp-symbol-click')(event.detail)}
></ticker-tape>`;

const meta: Meta<TickerTapeArgs> = {
  title: 'Elements/ticker-tape',
  component: 'ticker-tape',
  args: { symbols: DEFAULT_SYMBOLS.join(','), speed: 50, paused: false, label: 'Market prices' },
  argTypes: {
    speed: { control: { type: 'range', min: 0, max: 200, step: 10 } },
    locale: { control: 'select', options: ['', 'en-US', 'de-DE', 'ja-JP', 'ar-EG'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  render: (args) => withMarket({ ticksPerSecond: 10 }, tape(args)),
};
export default meta;

type Story = StoryObj<TickerTapeArgs>;

/** Eight symbols scrolling at 50 px/s; hover to pause, click a symbol to see the event. */
export const Default: Story = {};

/** Each item is a link built from the `href` template (`{symbol}` is URL-encoded). */
export const Links: Story = { args: { href: '#/quote/{symbol}' } };

/** Stopped with the `paused` attribute. */
export const Paused: Story = { args: { paused: true } };

/** Many symbols at once: the tape stays one row and scrolls. */
export const ManySymbols: Story = {
  args: { symbols: 'BTC-USD,ETH-USD,SOL-USD,DOGE-USD,AAPL,MSFT,NVDA,TSLA,EUR-USD,GBP-USD,USD-JPY,GOLD', speed: 80 },
};

/** Dark scheme. */
export const Dark: Story = {
  args: { theme: 'dark' },
  render: (args) => withMarket({ ticksPerSecond: 10, background: '#0b0e12' }, tape(args)),
};

/**
 * A misspelt symbol in the list (`BTCUSD` for `BTC-USD`): once the feed has been open
 * `no-data-after` seconds without a price of it, its item says "no data" (hover for why) instead
 * of a dash for ever.
 */
export const NoData: Story = {
  args: { symbols: 'BTC-USD,BTCUSD,ETH-USD,SOL-USD', 'no-data-after': 2, paused: true },
};
