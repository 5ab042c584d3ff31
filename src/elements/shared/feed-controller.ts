/**
 * A reactive controller that finds the feed of its host (a `<market-feed>` ancestor through
 * `@lit/context`, else the page's default feed) and keeps the host subscribed to a set of
 * channels across feed changes, channel changes and DOM moves.
 */
import { ContextConsumer, ContextRoot } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Feed, FeedError, FeedStatus, FeedUpdate } from '../../client/types.js';
import { feedContext } from './feed-context.js';
import { watchDefaultFeed } from './default-feed.js';

type Host = ReactiveControllerHost & HTMLElement;

/** What a host wants from its feed. */
export interface FeedControllerOptions {
  /** The channels to follow now; read again before every host update. */
  channels?: () => readonly string[];
  /** A new value of one of the channels (called synchronously by the feed: buffer, don't render). */
  onUpdate?: (update: FeedUpdate) => void;
  /** The feed's connection status changed (called at once with the current status). */
  onStatus?: (status: FeedStatus) => void;
  /** The host's feed changed (to `undefined` when it has none, e.g. while disconnected). */
  onFeed?: (feed: Feed | undefined) => void;
  /** The relay refused one of the channels (e.g. `forbidden`); no updates come for it until one does. */
  onRefused?: (channel: string, error: FeedError) => void;
  /** A channel was subscribed on `feed` (e.g. to backfill history). */
  onSubscribe?: (channel: string, feed: Feed) => void;
}

const ROOT_KEY = Symbol.for('market-pulse/context-root');

/** Late providers: a ContextRoot on the document replays requests when a provider appears. */
function ensureContextRoot(): void {
  const global = globalThis as { [ROOT_KEY]?: ContextRoot };
  if (global[ROOT_KEY] || typeof document === 'undefined') return;
  global[ROOT_KEY] = new ContextRoot();
  global[ROOT_KEY].attach(document.documentElement);
}

/** Finds and follows the feed of a host element. */
export class FeedController implements ReactiveController {
  /** The feed in use, if any. */
  feed: Feed | undefined;
  #provided = false;
  #providedFeed: Feed | undefined;
  #defaultFeed: Feed | undefined;
  #stopDefault: (() => void) | undefined;
  #stopStatus: (() => void) | undefined;
  readonly #subscriptions = new Map<string, () => void>();
  #connected = false;

  readonly #host: Host;
  readonly #options: FeedControllerOptions;

  constructor(host: Host, options: FeedControllerOptions = {}) {
    this.#host = host;
    this.#options = options;
    ensureContextRoot();
    // Added before this controller, so its request is answered before our hostConnected runs.
    new ContextConsumer(host, {
      context: feedContext,
      subscribe: true,
      callback: (feed) => {
        this.#provided = true;
        this.#providedFeed = feed;
        this.#stopDefault?.();
        this.#stopDefault = undefined;
        if (this.#connected) this.#use(feed);
      },
    });
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    if (this.#provided) {
      this.#use(this.#providedFeed);
      return;
    }
    // A <market-feed> ancestor that is not upgraded yet will provide later: don't open a default.
    if (!this.#host.closest('market-feed:not(:defined)')) {
      this.#stopDefault = watchDefaultFeed((feed) => {
        this.#defaultFeed = feed;
        if (this.#connected && !this.#provided) this.#use(feed);
      });
    }
    this.#use(this.#defaultFeed);
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#provided = false;
    this.#stopDefault?.();
    this.#stopDefault = undefined;
    this.#use(undefined);
  }

  hostUpdate(): void {
    this.sync();
  }

  #use(feed: Feed | undefined): void {
    if (feed === this.feed) {
      this.sync();
      return;
    }
    this.#unsubscribeAll();
    this.#stopStatus?.();
    this.#stopStatus = undefined;
    this.feed = feed;
    this.#options.onFeed?.(feed);
    if (feed && this.#options.onStatus) this.#stopStatus = feed.onStatus(this.#options.onStatus);
    this.sync();
    this.#host.requestUpdate();
  }

  /** Subscribes to channels that are wanted and not yet followed; drops the others. */
  sync(): void {
    const feed = this.feed;
    const wanted = new Set(feed && this.#connected ? (this.#options.channels?.() ?? []) : []);
    for (const [channel, unsubscribe] of this.#subscriptions) {
      if (!wanted.has(channel)) {
        unsubscribe();
        this.#subscriptions.delete(channel);
      }
    }
    if (!feed) return;
    for (const channel of wanted) {
      if (this.#subscriptions.has(channel)) continue;
      const { onUpdate, onRefused } = this.#options;
      // Before subscribing: the feed may deliver its cached value synchronously.
      this.#options.onSubscribe?.(channel, feed);
      try {
        this.#subscriptions.set(channel, feed.subscribe(channel, (update) => onUpdate?.(update), onRefused && ((error) => onRefused(channel, error))));
      } catch (error) {
        console.warn('[market-pulse] cannot subscribe', channel, error);
      }
    }
  }

  #unsubscribeAll(): void {
    for (const unsubscribe of this.#subscriptions.values()) unsubscribe();
    this.#subscriptions.clear();
  }
}
