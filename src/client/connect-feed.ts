/**
 * `connectFeed()`: the entry point of the client. It picks the transport (SharedWorker, leader tab,
 * or this tab alone), falls back when one cannot work here, and shares one connection per URL and
 * options within the page.
 */
import type { WebSocketConstructor } from './core/socket-session.js';
import type { TokenSource } from './core/token.js';
import { TabFeed, type LinkFactory } from './tab-feed.js';
import { leaderModeAvailable, watchTabLock, workerLockName } from './tab-lock.js';
import type { Feed, FeedListener, FeedUpdate, RefusalListener, StatusListener } from './types.js';

/** Options of `connectFeed`. */
export interface ConnectOptions {
  /** A JWT, or a provider called before each connection and again before the token expires. */
  token?: TokenSource;
  /**
   * Where the socket lives. `auto` (default): a SharedWorker when possible, else a leader tab, else
   * this tab. A forced mode still falls back when the browser lacks what it needs.
   */
  mode?: 'auto' | 'shared-worker' | 'leader' | 'direct';
  /** A same-origin worker script (for pages that load the kit from a CDN); see docs/connection.md. */
  worker?: string | URL;
  /** Time between two HTTP polls when WebSockets are blocked, in ms. Default 2000. */
  pollingInterval?: number;
  /** WebSocket constructor for the in-tab transports (tests under Node pass `ws`). */
  WebSocket?: WebSocketConstructor;
}

interface SharedEntry {
  feed: TabFeed;
  users: number;
}

const shared = new Map<string, SharedEntry>();
const functionIds = new WeakMap<object, number>();
let nextFunctionId = 1;

function idOf(value: object): number {
  let id = functionIds.get(value);
  if (id === undefined) functionIds.set(value, (id = nextFunctionId++));
  return id;
}

function keyOf(url: string, options: ConnectOptions): string {
  const token = typeof options.token === 'function' ? `fn#${idOf(options.token)}` : (options.token ?? '');
  return JSON.stringify([url, options.mode ?? 'auto', String(options.worker ?? ''), options.pollingInterval ?? null, token,
    options.WebSocket ? idOf(options.WebSocket) : 0]);
}

function normalizeUrl(url: string): string | null {
  try {
    const parsed = new URL(url, globalThis.location?.href);
    if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
    if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
    return parsed.protocol === 'ws:' || parsed.protocol === 'wss:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function createShared(url: string, key: string, options: ConnectOptions): TabFeed {
  // Unset options travel as undefined (the hub and the feed take that for their defaults).
  const feed = new TabFeed(url, { config: { url, pollingInterval: options.pollingInterval }, token: options.token });
  void start(feed, key, options);
  return feed;
}

/** Attaches a feed to the best transport that works here, falling back step by step. */
async function start(feed: TabFeed, key: string, options: ConnectOptions): Promise<void> {
  await feed.holdLock();
  if (feed.isClosed) return;
  const mode = chooseMode(options);
  if (mode === 'shared-worker' && (await trySharedWorker(feed, options))) {
    // The browser may kill the worker later (memory pressure, a crash): its lock tells us, and the
    // feed starts over (a new worker, or another mode), saying hello with the seqs it has.
    const stopWatching = watchTabLock(workerLockName(workerName(feed.url)), () => void start(feed, key, options));
    feed.onClose = stopWatching;
    return;
  }
  // The in-tab transports carry the whole connection core: loaded only when a tab needs them, so
  // pages served by the SharedWorker download the thin tab side alone (bundlers split them out).
  const { LeaderElection, createHub, localLink } = await import('./transports/in-tab.js');
  if (feed.isClosed) return;
  if (mode !== 'direct' && leaderModeAvailable()) {
    const election = new LeaderElection(key, feed, options);
    feed.onClose = () => election.stop();
    return election.start();
  }
  void feed.attach(localLink(createHub('direct', options)), 'direct');
}

function sameOrigin(url: string | URL): boolean {
  try {
    return new URL(String(url), globalThis.location?.href).origin === globalThis.location?.origin;
  } catch {
    return false;
  }
}

/** The transport to try first. */
function chooseMode(options: ConnectOptions): 'shared-worker' | 'leader' | 'direct' {
  const wanted = options.mode ?? 'auto';
  if (wanted === 'direct' || wanted === 'leader') return wanted;
  if (typeof globalThis.SharedWorker !== 'function') return 'leader';
  // A SharedWorker script must be same-origin with the page: a kit served from a CDN cannot start
  // its own worker, only one the site hosts (`options.worker`). Otherwise leader mode works anyway.
  if (options.worker !== undefined) {
    if (sameOrigin(options.worker)) return 'shared-worker';
    warnLeaderMode(options.worker, 'is cross-origin');
    return 'leader';
  }
  return wanted === 'shared-worker' || sameOrigin(import.meta.url) ? 'shared-worker' : 'leader';
}

/** Name of the SharedWorker of a feed URL: one worker (and one socket) per origin and URL. */
function workerName(url: string): string {
  return `market-pulse ${url}`;
}

/**
 * Starts (or joins) the feed's SharedWorker and says hello. False when the worker cannot start,
 * reports an error, or stays silent: the caller falls back to leader mode.
 */
async function trySharedWorker(feed: TabFeed, options: ConnectOptions): Promise<boolean> {
  const name = workerName(feed.url);
  let worker: SharedWorker;
  try {
    worker = options.worker !== undefined
      ? new SharedWorker(new URL(String(options.worker), globalThis.location?.href), { type: 'module', name })
      : new SharedWorker(new URL('../worker/shared-worker.ts', import.meta.url), { type: 'module', name });
  } catch (error) {
    warnLeaderMode(options.worker, `did not start (${error})`); // workers disabled, a bad URL
    return false;
  }
  const failed = new Promise<boolean>((resolve) => worker.addEventListener('error', () => resolve(false), { once: true }));
  const link: LinkFactory = (receive) => {
    worker.port.onmessage = (event: MessageEvent<unknown>) => receive(event.data);
    return {
      send: (message) => worker.port.postMessage(message),
      close: () => worker.port.close(),
    };
  };
  const started = await Promise.race([feed.attach(link, 'shared-worker', 5000), failed]);
  if (!started && !feed.isClosed) warnLeaderMode(options.worker, 'did not start'); // a 404, not JavaScript, a failed import, no answer in 5 s
  return started;
}

const warnedWorkers = new Set<string>();

/** Says once per script why the page does not share one socket through a SharedWorker (short: it ships in every page). */
function warnLeaderMode(worker: string | URL | undefined, why: string): void {
  const script = String(worker ?? 'of the kit');
  if (warnedWorkers.has(script)) return;
  warnedWorkers.add(script);
  console.warn(`[market-pulse] worker ${script} ${why}: leader mode (see docs/connection.md)`);
}

function brokenFeed(url: string): TabFeed {
  const feed = new TabFeed(url, { config: { url } });
  feed.close({ code: 'bad_url', message: 'The feed URL must be a ws:, wss:, http: or https: URL' });
  return feed;
}

/**
 * Connects to a relay. Calls with the same URL and options share one connection (refcounted):
 * each returned feed's `close()` releases only its own subscriptions.
 * @example
 * const feed = connectFeed('wss://quotes.example.com/ws', { token: () => fetchToken() });
 * const stop = feed.subscribe('price:BTC-USD', ({ data }) => console.log(data.price));
 * feed.onStatus(({ state, mode }) => console.log(state, mode)); // 'open', 'shared-worker'
 */
export function connectFeed(url: string, options: ConnectOptions = {}): Feed {
  const normalized = normalizeUrl(url);
  if (!normalized) return brokenFeed(String(url));
  const key = keyOf(normalized, options);
  let entry = shared.get(key);
  if (!entry) shared.set(key, (entry = { feed: createShared(normalized, key, options), users: 0 }));
  entry.users++;
  return handleOf(entry, () => {
    if (--entry.users > 0) return;
    shared.delete(key);
    entry.feed.close();
  });
}

/** One caller's view of a shared feed: its `close()` undoes only what this caller did. */
function handleOf(entry: SharedEntry, release: () => void): Feed {
  const { feed } = entry;
  const cleanups = new Set<() => void>();
  let closed = false;
  const track = (stop: () => void) => {
    if (closed) {
      stop();
      return () => {};
    }
    const once = () => {
      if (cleanups.delete(once)) stop();
    };
    cleanups.add(once);
    return once;
  };
  return {
    url: feed.url,
    get status() {
      return feed.status;
    },
    subscribe: (channel: string, listener: FeedListener, onRefused?: RefusalListener) => track(feed.subscribe(channel, listener, onRefused)),
    get: (channel: string): FeedUpdate | undefined => feed.get(channel),
    history: (channel: string, limit?: number) => feed.history(channel, limit),
    onStatus: (listener: StatusListener) => track(feed.onStatus(listener)),
    reconnect: () => feed.reconnect(),
    close: () => {
      if (closed) return;
      closed = true;
      for (const cleanup of [...cleanups]) cleanup();
      release();
    },
  };
}
