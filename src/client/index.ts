/** The public client API: connect to a relay, or build an in-memory feed for stories and tests. */
export { connectFeed } from './connect-feed.js';
export type { ConnectOptions } from './connect-feed.js';
export { createMemoryFeed } from './memory-feed.js';
export type { MemoryFeed, MemoryFeedOptions } from './memory-feed.js';
export type { TokenSource } from './core/token.js';
export type { WebSocketConstructor, WebSocketLike } from './core/socket-session.js';
export type * from './types.js';
