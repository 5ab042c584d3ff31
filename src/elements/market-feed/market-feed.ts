import { ContextProvider } from '@lit/context';
import { LitElement, css, html, type PropertyValues, type PropertyDeclarations } from 'lit';
import { connectFeed } from '../../client/connect-feed.js';
import type { Feed } from '../../client/types.js';
import { feedContext } from '../shared/feed-context.js';

/** Transport choices of the `mode` attribute. */
export type MarketFeedMode = 'auto' | 'shared-worker' | 'leader' | 'direct';

const MODES = new Set<string>(['auto', 'shared-worker', 'leader', 'direct']);

/**
 * Connects to a relay and hands the feed to every market-pulse element inside it. Elements find it
 * through `@lit/context`, also when this tag is defined after them. Without any `<market-feed>`,
 * elements use the page's default feed (`<meta name="market-pulse-feed">` or `configureFeed()`).
 *
 * @tagname market-feed
 * @summary Provides a live feed to the elements it contains.
 *
 * @slot - The elements that use this feed (at any depth, through shadow roots too).
 *
 * @attr src - The relay's WebSocket URL, e.g. `wss://quotes.example.com/ws`.
 * @attr token - A JWT for the relay (public pages: a short-lived, read-only token).
 * @attr worker - URL of a same-origin worker script (shared-worker mode when the kit comes from a CDN).
 * @attr mode - Force a transport: `shared-worker`, `leader` or `direct` (default `auto`).
 */
export class MarketFeed extends LitElement {
  // The reactive properties, declared here rather than with decorators so that pages bundle no
  // decorator helpers; the fields below carry their docs and defaults.
  static override properties: PropertyDeclarations = {
    src: {},
    token: {},
    worker: {},
    mode: {},
    pollingInterval: { type: Number, attribute: 'polling-interval' },
    feed: { attribute: false },
  };

  static override styles = css`
    :host {
      display: contents;
    }
  `;

  readonly #provider = new ContextProvider(this, { context: feedContext });

  /** The relay's WebSocket URL (`ws://host:port/ws`). */
  src?: string;
  /** A JWT sent to the relay. */
  token?: string;
  /** A same-origin worker script URL for shared-worker mode under a CDN. */
  worker?: string;
  /** Transport: `auto` (default), `shared-worker`, `leader` or `direct`. */
  mode: MarketFeedMode = 'auto';
  /** Time between HTTP polls when WebSockets are blocked, in ms. */
  pollingInterval?: number;
  /**
   * A ready `Feed` to provide instead of connecting to `src` (stories, tests, custom transports).
   * A feed set here is not closed by the element; while one is set, the element holds no connection of its own.
   */
  feed?: Feed;

  /** A feed this element connected itself (closed when the element leaves the page). */
  #ownFeed: Feed | undefined;

  /** The feed provided to descendants now, if any. */
  get activeFeed(): Feed | undefined {
    return this.#provider.value;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.#refresh(); // back on the page after a removal
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A move in the DOM disconnects and reconnects in the same task: keep the connection then.
    queueMicrotask(() => {
      if (!this.isConnected) this.#closeOwnFeed();
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const connectionChanged = ['src', 'token', 'worker', 'mode', 'pollingInterval'].some((key) => changed.has(key as keyof MarketFeed));
    if (connectionChanged) this.#closeOwnFeed();
    if (connectionChanged || changed.has('feed')) this.#refresh();
  }

  #closeOwnFeed(): void {
    this.#ownFeed?.close();
    this.#ownFeed = undefined;
  }

  #refresh(): void {
    if (this.feed) {
      this.#provide(this.feed);
      // Provided instead of ours (consumers left it above): our connection would stay open, unused.
      this.#closeOwnFeed();
      return;
    }
    if (!this.#ownFeed && this.src && this.isConnected) {
      try {
        this.#ownFeed = connectFeed(this.src, {
          token: this.token || undefined,
          worker: this.worker || undefined,
          mode: MODES.has(this.mode) ? this.mode : 'auto',
          pollingInterval: this.pollingInterval && this.pollingInterval > 0 ? this.pollingInterval : undefined,
        });
      } catch (error) {
        console.error('[market-pulse] <market-feed> cannot connect to', this.src, error);
      }
    }
    this.#provide(this.#ownFeed);
  }

  #provide(feed: Feed | undefined): void {
    if (this.#provider.value !== feed) this.#provider.setValue(feed, true);
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'market-feed': MarketFeed;
  }
}
