/**
 * market-pulse: live market data as plain HTML tags. Importing this module registers every
 * default tag (`<market-feed>`, `<price-ticker>`, `<ticker-tape>`, `<realtime-chart>`,
 * `<connection-status>`) and exports the element classes and the client API.
 * To register a class under another tag, import it from its own module (`market-pulse/price-ticker/class`).
 */
export * from './client/index.js';

export { MarketFeed } from './elements/market-feed/define.js';
export { PriceTicker } from './elements/price-ticker/define.js';
export { TickerTape } from './elements/ticker-tape/define.js';
export { RealtimeChart } from './elements/realtime-chart/define.js';
export { ConnectionStatus } from './elements/connection-status/define.js';

export type { MarketFeedMode } from './elements/market-feed/market-feed.js';
export type { PriceTickerState } from './elements/price-ticker/price-ticker.js';
export type { DisplayState as ConnectionDisplayState } from './elements/connection-status/connection-status.js';
export type { ChartType } from './elements/realtime-chart/realtime-chart.js';

export { configureFeed, getDefaultFeed, FEED_META_NAME } from './elements/shared/default-feed.js';
export type { FeedConnectOptions } from './elements/shared/default-feed.js';
export { feedContext } from './elements/shared/feed-context.js';
export { FeedController } from './elements/shared/feed-controller.js';
export type { FeedControllerOptions } from './elements/shared/feed-controller.js';
export type { MarketPulseEventMap, SymbolClickDetail, PauseChangeDetail, RetryDetail } from './elements/shared/events.js';
export type { Quote } from './elements/shared/tick.js';
