/**
 * `<realtime-chart>`: a canvas line, area or candle chart of one symbol over a time window, with
 * history backfill, a crosshair tooltip (hover pauses it) and a text summary for screen readers.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { action } from 'storybook/actions';
import '../src/elements/realtime-chart/define.js';
import { withMarket } from './support/with-market.js';

interface RealtimeChartArgs {
  symbol: string;
  window: string;
  type: 'line' | 'area' | 'candles';
  interval: string;
  paused: boolean;
  locale?: string;
  precision?: number;
  label?: string;
  theme?: 'light' | 'dark';
  height: string;
}

const chart = (args: RealtimeChartArgs) => html`<realtime-chart
  style=${`--mp-chart-height:${args.height}`}
  symbol=${args.symbol}
  window=${args.window}
  type=${args.type}
  interval=${args.interval}
  ?paused=${args.paused}
  locale=${ifDefined(args.locale || undefined)}
  precision=${ifDefined(args.precision ?? undefined)}
  label=${ifDefined(args.label || undefined)}
  theme=${ifDefined(args.theme || undefined)}
  @mp-pause-change=${(event: CustomEvent<{ paused: boolean }>) => action('mp-pause-change')(event.detail)}
></realtime-chart>`;

const meta: Meta<RealtimeChartArgs> = {
  title: 'Elements/realtime-chart',
  component: 'realtime-chart',
  args: { symbol: 'BTC-USD', window: '5m', type: 'line', interval: '5s', paused: false, height: '260px' },
  argTypes: {
    symbol: { control: 'select', options: ['BTC-USD', 'ETH-USD', 'AAPL', 'NVDA', 'EUR-USD'] },
    window: { control: 'inline-radio', options: ['30s', '1m', '5m', '15m'] },
    type: { control: 'inline-radio', options: ['line', 'area', 'candles'] },
    interval: { control: 'inline-radio', options: ['1s', '5s', '15s', '1m'] },
    locale: { control: 'select', options: ['', 'en-US', 'de-DE', 'ja-JP', 'ar-EG'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
    height: { control: 'text', description: 'Chart height, through the `--mp-chart-height` custom property.' },
  },
  // Five minutes of history are backfilled from the feed, then it ticks live.
  render: (args) => withMarket({ ticksPerSecond: 16, symbols: [args.symbol] }, chart(args)),
};
export default meta;

type Story = StoryObj<RealtimeChartArgs>;

/** A line over the last five minutes; hover for the crosshair (it pauses while hovered). */
export const Default: Story = {};

/** Area fill. */
export const Area: Story = { args: { type: 'area', symbol: 'ETH-USD' } };

/** Candles aggregated from ticks every 15 seconds. */
export const Candles: Story = { args: { type: 'candles', interval: '15s', symbol: 'AAPL' } };

/** Paused by property: ticks keep arriving, the picture stands still. */
export const Paused: Story = { args: { paused: true } };

/** Four decimals for a currency pair. */
export const CurrencyPair: Story = { args: { symbol: 'EUR-USD', precision: 4, window: '1m' } };

/** Dark scheme. */
export const Dark: Story = {
  args: { theme: 'dark', type: 'area' },
  render: (args) => withMarket({ ticksPerSecond: 16, symbols: [args.symbol], background: '#0b0e12' }, chart(args)),
};

/** Phone width, in Japanese: time labels are spaced by their measured width, none overlap or get cut. */
export const Narrow: Story = {
  args: { locale: 'ja-JP', window: '1m', type: 'candles', interval: '5s' },
  render: (args) => withMarket({ ticksPerSecond: 16, symbols: [args.symbol] }, html`<div style="width: 330px">${chart(args)}</div>`),
};

/**
 * A misspelt symbol (`BTCUSD` for `BTC-USD`): the feed is open and has neither history nor a tick
 * of it, so the chart says "No data" instead of waiting for ever.
 */
export const NoData: Story = {
  args: { symbol: 'BTCUSD' },
  argTypes: { symbol: { control: 'text' } },
  render: (args) => withMarket({ ticksPerSecond: 16, symbols: ['BTC-USD'] }, chart(args)),
};
