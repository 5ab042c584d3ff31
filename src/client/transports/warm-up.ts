/**
 * The warm-up before a planned leader change (see leader.ts): a visible follower of a hidden
 * leader starts its own hub and connection ahead of taking the lead, and says when it is live.
 *
 * One tab at a time: a warm-up first claims the Web Lock `market-pulse-warm:<feed>:<hidden
 * leader>`, and the other visible tabs queue behind it, so the relay sees two sockets of the
 * origin at most (the hidden leader's and the warm one). The claim is let go when the warm-up is
 * given up (the leader is shown again, this tab is hidden, another tab took the lead, the tab
 * leaves), and by the browser when the tab dies; then the next tab in the queue warms up if it
 * still sees the leader hidden. A warm-up that cannot finish in time ends anyway (see
 * `WARM_UP_LIMIT_MS`), so a live claimer holds it for 3 s at most before the lead changes. A tab
 * that took the lead keeps the claim while it leads: a tab still queued behind it never starts a
 * warm-up for a leader that is gone before it has heard of the new one.
 */
import type { Hub, HubPort } from '../hub.js';
import type { TabFeed } from '../tab-feed.js';
import { lockManager } from '../tab-lock.js';
import { createHub, type CoreFactoryOptions } from './direct.js';

/**
 * A warm-up ends at the latest after this long (a connection that cannot open): the visible tab
 * takes the lead anyway, as it would without one.
 */
const WARM_UP_LIMIT_MS = 3_000;

/** One tab's claim on warming up for a takeover from one hidden leader, and its warm hub. */
export class WarmUp {
  /** The hidden leader this warm-up is for (its tab id). */
  readonly leader: string;
  #hub: Hub | null = null;
  #port: HubPort | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #release: () => void;

  /**
   * Queues for the claim; once this tab holds it, and if `wanted()` still, starts the hub: a
   * stand-in port says this tab's hello (its channels, seqs and epoch), so the connection opens
   * and subscribes, resuming from those seqs, while the hidden leader still feeds every tab.
   * `onLive` is called once the connection is live — it delivered updates, or answered its first
   * ping, sent after the subscriptions, so their answers are in (quiet channels) — or after
   * `WARM_UP_LIMIT_MS`, whichever comes first; never after `take()` or `end()`.
   */
  constructor(key: string, leader: string, feed: TabFeed, coreOptions: CoreFactoryOptions, wanted: () => boolean, onLive: () => void) {
    this.leader = leader;
    const controller = new AbortController();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    this.#release = () => {
      controller.abort();
      release();
    };
    lockManager()!
      .request(`market-pulse-warm:${key}:${leader}`, { signal: controller.signal }, () => {
        if (controller.signal.aborted || !wanted()) return undefined;
        this.#start(feed, coreOptions, onLive);
        return held;
      })
      .catch(() => {}); // given up while queued
  }

  #start(feed: TabFeed, coreOptions: CoreFactoryOptions, onLive: () => void): void {
    const hub = (this.#hub = createHub('leader', coreOptions));
    const live = (): void => {
      if (this.#port !== port || this.#timer === undefined) return;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      onLive();
    };
    const port: HubPort = (this.#port = hub.connect((message) => {
      if (message.type === 'token-request') {
        void feed.tokenAnswer(message.id).then((answer) => port.receive(answer));
      } else if (message.type === 'updates' || (message.type === 'status' && message.status.stats.latencyMs !== null)) {
        live();
      }
    }));
    this.#timer = setTimeout(live, WARM_UP_LIMIT_MS);
    port.receive(feed.hello());
  }

  /**
   * Hands the warm hub to the takeover, with its stand-in port, which the caller disconnects once
   * the tab's own hello is in (its channels never drop to no user). Null when no hub was started
   * (still queued for the claim). The claim stays held until `end()`.
   */
  take(): { hub: Hub; port: HubPort } | null {
    const hub = this.#hub;
    const port = this.#port;
    clearTimeout(this.#timer);
    this.#hub = this.#port = null;
    return hub && port ? { hub, port } : null;
  }

  /** Ends: a hub not taken loses its last port, which closes its socket; the claim is let go. */
  end(): void {
    clearTimeout(this.#timer);
    this.#port?.disconnect();
    this.#hub = this.#port = null;
    this.#release();
  }
}
