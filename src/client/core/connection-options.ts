/** Options of the connection core (`Connection`). */
import type { FeedMode } from '../types.js';
import type { BackoffOptions } from './backoff.js';
import type { HeartbeatOptions } from './heartbeat.js';
import type { NetworkMonitor } from './network.js';
import type { WebSocketConstructor } from './socket-session.js';
import type { TokenSource } from './token.js';

/** Options of the connection core. Every timing is in ms. */
export interface ConnectionOptions {
  /** The relay's WebSocket URL, `ws://host:port/ws`. */
  url: string;
  /** A token, or a provider called before each connection and again before the token expires. */
  token?: TokenSource;
  /** The WebSocket constructor; defaults to the global one (pass `ws` under Node). */
  WebSocket?: WebSocketConstructor;
  /** `fetch` for the polling fallback and history backfill; defaults to the global one. `null` disables both. */
  fetch?: typeof fetch | null;
  /** Reported in `status.mode`. */
  mode?: FeedMode;
  backoff?: Partial<BackoffOptions>;
  heartbeat?: Partial<HeartbeatOptions>;
  /** A socket that does not open within this time counts as failed. Default 10 s. */
  connectTimeoutMs?: number;
  /** Open this long before the backoff resets. Default 5 s. */
  stableAfterMs?: number;
  /** Failed connects in a row before falling back to HTTP polling (a socket the relay opened and closed with a reason does not count). Default 3. */
  pollAfterFailures?: number;
  /** Time between two snapshot polls. Default 2 s. */
  pollingInterval?: number;
  /** Updates kept per channel for `history()`. Default 1,200 (5 minutes at 4 ticks/s). */
  historyLimit?: number;
  /** Online/offline source; defaults to `navigator.onLine` and the global events. */
  network?: NetworkMonitor;
  /** Random source of the backoff jitter. */
  random?: () => number;
}

/**
 * The polling interval in ms: 2 s by default, never under 250 ms nor over a timer's 2³¹−1 ms
 * (a longer `setTimeout` fires at once: `polling-interval="3000000000"` would poll in a tight loop).
 */
export function pollingIntervalOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(250, value), 2 ** 31 - 1) : 2000;
}
