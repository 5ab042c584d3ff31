/**
 * Whole-widget scenarios on the in-memory feed: how the elements look and behave together in a
 * calm market, under a flood of ticks, while the connection struggles, with old data, in the dark
 * scheme, and right-to-left with another locale.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import '../src/elements/connection-status/define.js';
import '../src/elements/price-ticker/define.js';
import '../src/elements/realtime-chart/define.js';
import '../src/elements/ticker-tape/define.js';
import { DEFAULT_SYMBOLS } from './support/simulated-market.js';
import { withMarket, type WithMarketOptions } from './support/with-market.js';

interface PanelOptions {
  theme?: 'dark';
  locale?: string;
  staleAfter?: number;
  note?: string;
}

/** A small dashboard: status, tape, three tickers and a chart. */
const panel = ({ theme, locale, staleAfter, note }: PanelOptions = {}) => html`
  <div style="display:grid;gap:12px;max-width:860px;color:${theme ? '#e8ebef' : 'inherit'}">
    ${note ? html`<p style="margin:0;font-size:14px;opacity:.8">${note}</p>` : nothing}
    <connection-status theme=${theme ?? nothing} locale=${locale ?? nothing}></connection-status>
    <ticker-tape symbols=${DEFAULT_SYMBOLS.join(',')} theme=${theme ?? nothing} locale=${locale ?? nothing}></ticker-tape>
    <div style="display:flex;gap:12px;flex-wrap:wrap">
      ${['BTC-USD', 'ETH-USD', 'AAPL'].map(
        (symbol) => html`<price-ticker symbol=${symbol} currency="USD" theme=${theme ?? nothing} locale=${locale ?? nothing}
          stale-after=${staleAfter ?? 30}></price-ticker>`,
      )}
    </div>
    <realtime-chart symbol="BTC-USD" window="5m" type="area" theme=${theme ?? nothing} locale=${locale ?? nothing}></realtime-chart>
  </div>
`;

const scenario = (market: WithMarketOptions, options?: PanelOptions): StoryObj => ({
  render: () => withMarket(market, panel(options)),
});

const meta: Meta = {
  title: 'Scenarios',
  parameters: { layout: 'padded', controls: { disable: true } },
};
export default meta;

/** A few ticks a second across eight symbols. */
export const CalmMarket = scenario({ ticksPerSecond: 4 });

/** 1,000 ticks a second: every element still renders at most once per frame. */
export const Flood = scenario({ ticksPerSecond: 1000, volatility: 0.0003 }, { note: '1,000 ticks per second across 8 symbols' });

/** The socket dropped: the last values stay on screen while the feed reconnects. */
export const Reconnecting = scenario({
  ticksPerSecond: 0,
  lastTickAgeMs: 4_000,
  status: { state: 'reconnecting', mode: 'shared-worker', error: { code: 'close:1006', message: 'Connection lost' } },
});

/** The browser is offline. */
export const Offline = scenario({
  ticksPerSecond: 0,
  lastTickAgeMs: 20_000,
  status: { state: 'offline', mode: 'leader', stats: { latencyMs: null, messagesPerSecond: 0, lastMessageAt: Date.now() - 20_000 } },
});

/** WebSockets are blocked: values arrive by HTTP polling, about once a second. */
export const Polling = scenario({
  ticksPerSecond: 3,
  status: { state: 'polling', mode: 'direct', stats: { latencyMs: 140, messagesPerSecond: 3, lastMessageAt: Date.now() } },
});

/** The feed went quiet: with `stale-after="2"`, tickers are marked stale two seconds after their last update. */
export const StaleData = scenario(
  { ticksPerSecond: 0, lastTickAgeMs: 120_000 },
  { staleAfter: 2, note: 'No updates: tickers turn stale after stale-after seconds (2 here)' },
);

/** `theme="dark"` on every element. */
export const DarkTheme = scenario({ ticksPerSecond: 4, background: '#0b0e12' }, { theme: 'dark' });

/** Right-to-left page in Arabic (Egypt): mirrored layout, Arabic-Indic digits. */
export const RtlArabic = scenario({ ticksPerSecond: 4, dir: 'rtl', lang: 'ar-EG' }, { locale: 'ar-EG' });

/** German number format. */
export const GermanLocale = scenario({ ticksPerSecond: 4, lang: 'de-DE' }, { locale: 'de-DE' });
