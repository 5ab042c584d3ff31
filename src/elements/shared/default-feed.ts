/**
 * The page's default feed, for elements that have no `<market-feed>` ancestor. It comes from a
 * `configureFeed()` call, else from `<meta name="market-pulse-feed" content="wss://…/ws">`.
 * The client's tab side is imported statically, like `<market-feed>` does: every page that shows
 * live data needs it, and a lazy import would cost a round trip before the first connection (and
 * makes bundlers warn, since `<market-feed>` imports it anyway). The heavy part, the leader/direct
 * transports with the connection core, stays a lazy chunk inside `connectFeed`.
 */
import { connectFeed, type ConnectOptions } from '../../client/connect-feed.js';
import type { Feed } from '../../client/types.js';

/** Options of a feed connection: those of `connectFeed` (token, mode, worker, pollingInterval). */
export type FeedConnectOptions = ConnectOptions;

/** Name of the meta tag that configures the default feed. */
export const FEED_META_NAME = 'market-pulse-feed';

type Watcher = (feed: Feed | undefined) => void;

const watchers = new Set<Watcher>();
let current: Feed | undefined;
let ownsCurrent = false;
let configured = false;

function publish(feed: Feed | undefined): void {
  current = feed;
  for (const watcher of [...watchers]) watcher(feed);
}

function connect(url: string, options: FeedConnectOptions): void {
  try {
    const feed = connectFeed(url, options);
    ownsCurrent = true;
    publish(feed);
  } catch (error) {
    console.error('[market-pulse] cannot connect the default feed to', url, error);
  }
}

/**
 * Sets the default feed of the page: a feed URL (`wss://host/ws`) or a ready `Feed` object.
 * Elements without a `<market-feed>` ancestor switch to it at once. `null` removes it.
 * @example
 * import { configureFeed } from 'market-pulse';
 * configureFeed('wss://quotes.example.com/ws', { token });
 */
export function configureFeed(urlOrFeed: string | Feed | null, options: FeedConnectOptions = {}): void {
  configured = true;
  if (ownsCurrent) current?.close();
  ownsCurrent = false;
  if (typeof urlOrFeed === 'string') {
    current = undefined;
    connect(urlOrFeed, options);
  } else {
    publish(urlOrFeed ?? undefined);
  }
}

function readMeta(): void {
  if (configured || typeof document === 'undefined') return;
  const meta = document.querySelector<HTMLMetaElement>(`meta[name="${FEED_META_NAME}"]`);
  const url = meta?.content.trim();
  if (!url) return;
  configured = true;
  connect(url, { token: meta?.dataset.token || undefined });
}

/**
 * Calls `watcher` with the default feed now (when known) and on every later change.
 * The first watcher reads the meta tag. @returns a function that stops watching.
 */
export function watchDefaultFeed(watcher: Watcher): () => void {
  readMeta();
  watchers.add(watcher);
  if (current) watcher(current);
  return () => watchers.delete(watcher);
}

/** The default feed if one is ready (for scripts; elements use `watchDefaultFeed`). */
export function getDefaultFeed(): Feed | undefined {
  readMeta();
  return current;
}
