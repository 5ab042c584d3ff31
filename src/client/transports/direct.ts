/** Direct mode: the hub and its connection live in this tab (no other tab shares them). */
import { Connection } from '../core/connection.js';
import type { WebSocketConstructor } from '../core/socket-session.js';
import { Hub } from '../hub.js';
import { watchTabLock } from '../tab-lock.js';
import type { FeedMode } from '../types.js';
import type { LinkFactory } from '../tab-feed.js';

/** Knobs shared by every place that builds a connection from a hub config. */
export interface CoreFactoryOptions {
  /** The WebSocket constructor (tests under Node pass `ws`). */
  WebSocket?: WebSocketConstructor;
}

/**
 * A hub whose connections report `mode`. A hub that serves other tabs (`shared-worker`, `leader`)
 * watches their liveness locks (tab-lock.ts) unless `watchLock` says otherwise; a direct hub has
 * only its own tab, which says `bye`.
 */
export function createHub(
  mode: FeedMode,
  options: CoreFactoryOptions = {},
  watchLock: ((name: string, onGone: () => void) => () => void) | undefined = mode === 'direct' ? undefined : watchTabLock,
): Hub {
  // Unset options pass as undefined: the core and the hub take that for their defaults.
  return new Hub({
    createConnection: (config, token) =>
      new Connection({ url: config.url, token, mode, pollingInterval: config.pollingInterval, WebSocket: options.WebSocket }),
    watchLock,
  });
}

/**
 * A link to a hub in the same JavaScript realm. Both directions go through a microtask, like a
 * MessagePort would, so no caller is re-entered from inside its own call.
 */
export function localLink(hub: Hub): LinkFactory {
  return (receive) => {
    const port = hub.connect((message) => queueMicrotask(() => receive(message)));
    return {
      send: (message) => queueMicrotask(() => port.receive(message)),
      close: () => queueMicrotask(() => port.disconnect()),
    };
  };
}
