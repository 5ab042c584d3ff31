/**
 * The tab's side of a feed: the `Feed` that elements use. It keeps listeners and last values per
 * channel, and talks to a hub (in a SharedWorker, in the leader tab, or in this tab) through a link
 * that speaks the port protocol. The link can be swapped (SharedWorker failed, leader changed):
 * the new hub gets a `hello` with every channel and the last `seq` seen, so nothing is lost.
 */
import { isValidChannel } from '../protocol/channels.js';
import { providerFailure, requireToken, type TokenSource } from './core/token.js';
import { frameClock } from './frame-clock.js';
import { holdTabLock, tabLockName } from './tab-lock.js';
import { isHubMessage, PORT_PROTOCOL_VERSION, type HubConfig, type HubMessage, type PortUpdate, type TabMessage } from './port-protocol.js';
import type { Feed, FeedError, FeedListener, FeedMode, FeedStatus, FeedUpdate, RefusalListener, StatusListener } from './types.js';

/** A way to reach a hub. */
export interface HubLink {
  send(message: TabMessage): void;
  close(): void;
}

/** Opens a link whose hub messages go to `receive`. */
export type LinkFactory = (receive: (message: unknown) => void) => HubLink;

/** Options of a tab feed. */
export interface TabFeedOptions {
  config: HubConfig;
  token?: TokenSource;
  /**
   * How long `history()` waits for the hub (including a hub not yet connected and its HTTP
   * backfill), in ms. Default 10000; it then answers `[]`.
   */
  historyTimeoutMs?: number;
}

let tabCounter = 0;
/** A random id for this tab, unique enough across tabs of one origin. */
export function newTabId(): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${random}-${++tabCounter}`;
}

const initialStatus = (mode: FeedMode): FeedStatus => ({
  state: 'connecting', mode, stats: { latencyMs: null, messagesPerSecond: 0, lastMessageAt: null }, error: null,
});

/** A feed backed by a hub. */
export class TabFeed implements Feed {
  // Public fields are assigned in the constructor, not initialized in place: with TypeScript's
  // assign semantics (useDefineForClassFields: false) one initialized public field would move
  // every #field initializer into the constructor as `this.#x = …`.
  /** This tab's id (hubs key their clients and liveness locks by it). */
  readonly tab: string;
  /** The relay URL. */
  readonly url: string;
  #link: HubLink | null = null;
  #mode: FeedMode = 'direct';
  #currentStatus: FeedStatus = initialStatus('direct');
  #closed = false;
  #greeted = false;
  #generation = 0;
  #welcome: (() => void) | null = null;
  #helloChannels: string[] = [];
  #lock: { name: string; release(): void } | null = null;
  readonly #onVisibility = () => {
    if (this.#greeted) this.#link?.send({ type: 'visibility', hidden: globalThis.document?.visibilityState === 'hidden' });
  };
  readonly #onPageHide = (event: Event) => {
    // Leaving for good (not into the back/forward cache): say goodbye now rather than wait for
    // the hub to notice the released lock.
    if (!(event as PageTransitionEvent).persisted) this.close();
  };
  /** Reports this tab's frame grid so that held batches land just before a frame. */
  readonly #sampleFrames = frameClock((at, interval) => {
    if (this.#greeted) this.#link?.send({ type: 'frames', at, interval });
  });
  #nextHistory = 1;
  readonly #listeners = new Map<string, Set<FeedListener>>();
  readonly #values = new Map<string, FeedUpdate>();
  /** Channels the relay refused, until their next update, and who wants to hear of it. */
  readonly #refusals = new Map<string, FeedError>();
  readonly #refusalListeners = new Map<string, Set<RefusalListener>>();
  /** The relay's run of seqs that the values' seqs belong to, as the hub last said. */
  #epoch: string | undefined;
  readonly #statusListeners = new Set<StatusListener>();
  /** `history()` calls awaiting an answer; each is (re)sent to whichever hub welcomes this tab. */
  readonly #historyRequests = new Map<number, { request: TabMessage; answer(updates: FeedUpdate[]): void }>();

  readonly #options: TabFeedOptions;

  constructor(url: string, options: TabFeedOptions) {
    this.tab = newTabId();
    this.url = url;
    this.#options = options;
    globalThis.document?.addEventListener('visibilitychange', this.#onVisibility);
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
  }

  /**
   * Takes this tab's liveness lock (see tab-lock.ts) so that hubs can tell when the tab is gone.
   * Call before the first `attach`; without Web Locks, tabs rely on `bye` alone.
   */
  async holdLock(): Promise<void> {
    if (this.#lock) return;
    const name = tabLockName(this.tab);
    const held = await holdTabLock(name);
    if (held && !this.#closed) this.#lock = { name, release: held.release };
    else held?.release();
  }

  /** Called once when the feed closes (the transport tears down what it built). */
  onClose: (() => void) | undefined;

  get status(): FeedStatus {
    return this.#currentStatus;
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** The transport in use. */
  get currentMode(): FeedMode {
    return this.#mode;
  }

  /**
   * Switches to a hub and says hello. Resolves true when the hub answers within `timeoutMs`,
   * false otherwise (the caller may then try another transport).
   */
  attach(open: LinkFactory, mode: FeedMode, timeoutMs = 4000): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    const generation = ++this.#generation;
    // A hub that was merely slow must not keep this tab's channels: say goodbye before leaving.
    this.#link?.send({ type: 'bye' });
    this.#link?.close();
    this.#greeted = false;
    this.#mode = mode;
    this.#setStatus({ ...this.#currentStatus, mode, state: this.#currentStatus.state === 'open' ? 'reconnecting' : this.#currentStatus.state });
    this.#link = open((message) => {
      if (generation === this.#generation && isHubMessage(message)) this.#handle(message);
    });
    this.#sendHello();
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#welcome = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** The hub went away (its tab or worker died): show `reconnecting` until a new one welcomes us. */
  hubLost(): void {
    if (this.#closed) return;
    this.#greeted = false;
    this.#setStatus({ ...this.#currentStatus, state: 'reconnecting' });
  }

  /** Says hello again to the same link (a new leader took over behind a BroadcastChannel). */
  rehello(): void {
    if (!this.#closed) this.#sendHello();
  }

  /**
   * The `hello` this tab would say to a hub now: its channels, the last `seq` and relay epoch it
   * saw (leader mode has a new leader's hub say it before the switch, to warm it up).
   */
  hello(): Extract<TabMessage, { type: 'hello' }> {
    const since: Record<string, number> = {};
    for (const [channel, update] of this.#values) since[channel] = update.seq;
    return {
      type: 'hello', v: PORT_PROTOCOL_VERSION, tab: this.tab, config: this.#options.config,
      lock: this.#lock?.name,
      epoch: this.#epoch,
      hidden: globalThis.document?.visibilityState === 'hidden',
      hasToken: this.#options.token !== undefined,
      channels: [...this.#listeners.keys()], since,
    };
  }

  /** The answer to a hub's `token-request`: a token from this feed's source (null without one), or why the source failed. */
  async tokenAnswer(id: number): Promise<Extract<TabMessage, { type: 'token' }>> {
    try {
      return { type: 'token', id, token: (await requireToken(this.#options.token)) ?? null };
    } catch (error) {
      return { type: 'token', id, token: null, error: providerFailure(error) };
    }
  }

  subscribe(channel: string, listener: FeedListener, onRefused?: RefusalListener): () => void {
    if (this.#closed || !isValidChannel(channel)) return () => {};
    let set = this.#listeners.get(channel);
    if (!set) {
      this.#listeners.set(channel, (set = new Set()));
      if (this.#greeted) this.#link?.send({ type: 'subscribe', channels: [channel] });
    }
    const entry: FeedListener = (update) => listener(update);
    set.add(entry);
    const refusal: RefusalListener | undefined = onRefused && ((error) => onRefused(error));
    if (refusal) {
      let listeners = this.#refusalListeners.get(channel);
      if (!listeners) this.#refusalListeners.set(channel, (listeners = new Set()));
      listeners.add(refusal);
      const refused = this.#refusals.get(channel);
      if (refused) refusal(refused);
    }
    const cached = this.#values.get(channel);
    if (cached) this.#call(entry, cached, 'feed');
    return () => {
      if (refusal) this.#refusalListeners.get(channel)?.delete(refusal);
      if (!set.delete(entry) || set.size > 0 || this.#listeners.get(channel) !== set) return;
      this.#listeners.delete(channel);
      this.#values.delete(channel);
      this.#refusals.delete(channel);
      this.#refusalListeners.delete(channel);
      if (this.#greeted) this.#link?.send({ type: 'unsubscribe', channels: [channel] });
    };
  }

  get(channel: string): FeedUpdate | undefined {
    return this.#values.get(channel);
  }

  /**
   * Recent updates of `channel`, oldest first. The hub answers from its ring and backfills from
   * the relay's `/v1/history` when the ring is short. Asked before the hub welcomed this tab (a
   * chart mounting on a fresh page), the request waits for the welcome instead of answering `[]`.
   */
  history(channel: string, limit?: number): Promise<FeedUpdate[]> {
    if (this.#closed || !isValidChannel(channel)) return Promise.resolve([]);
    const id = this.#nextHistory++;
    const request: TabMessage = { type: 'history', id, channel };
    if (limit !== undefined) request.limit = limit;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#historyRequests.delete(id);
        resolve([]);
      }, this.#options.historyTimeoutMs ?? 10_000);
      this.#historyRequests.set(id, {
        request,
        answer: (updates) => {
          clearTimeout(timer);
          this.#historyRequests.delete(id);
          resolve(updates);
        },
      });
      if (this.#greeted) this.#link?.send(request);
    });
  }

  onStatus(listener: StatusListener): () => void {
    this.#statusListeners.add(listener);
    this.#call(listener, this.#currentStatus, 'status');
    return () => this.#statusListeners.delete(listener);
  }

  reconnect(): void {
    this.#link?.send({ type: 'reconnect' });
  }

  /** Closes the feed; `error`, when given, is the reason its status shows (a feed that cannot start). */
  close(error?: FeedError): void {
    if (this.#closed) return;
    this.#link?.send({ type: 'bye' });
    this.#link?.close();
    this.#link = null;
    this.#closed = true;
    for (const pending of [...this.#historyRequests.values()]) pending.answer([]);
    this.#lock?.release();
    globalThis.document?.removeEventListener('visibilitychange', this.#onVisibility);
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    this.onClose?.();
    this.#listeners.clear();
    this.#setStatus({ ...this.#currentStatus, state: 'closed', error: error ?? this.#currentStatus.error });
  }

  #sendHello(): void {
    const hello = this.hello();
    this.#helloChannels = hello.channels;
    this.#link?.send(hello);
  }

  #handle(message: HubMessage): void {
    switch (message.type) {
      case 'welcome':
        this.#greeted = true;
        this.#welcome?.();
        this.#welcome = null;
        this.#syncAfterWelcome();
        // Asked before this hub knew us (or of a hub that went away): ask this one.
        for (const pending of this.#historyRequests.values()) this.#link?.send(pending.request);
        return this.#setStatus({ ...message.status, mode: this.#mode });
      case 'status':
        return this.#setStatus({ ...message.status, mode: this.#mode });
      case 'updates':
        if (message.epoch && message.epoch !== this.#epoch) {
          // A new run of the relay's seqs: the values held are no positions in it (no `since` for
          // them, and the new run's values replace them whatever their seq); this batch and the
          // next ones bring the new run's. (Values held with no epoch yet are taken to be of
          // this run, as the core does.)
          if (this.#epoch) this.#values.clear();
          this.#epoch = message.epoch;
        }
        // Straight to the listeners, in this task: the hub already paced the batch.
        for (const update of message.updates) this.#deliver(update);
        return this.#sampleFrames();
      case 'history':
        this.#historyRequests.get(message.id)?.answer(message.updates);
        return;
      case 'token-request':
        void this.tokenAnswer(message.id).then((answer) => this.#link?.send(answer));
        return;
      case 'refused':
        if (!this.#listeners.has(message.channel)) return;
        this.#refusals.set(message.channel, message.error);
        for (const listener of [...(this.#refusalListeners.get(message.channel) ?? [])]) {
          this.#call(listener, { code: message.error.code, message: message.error.message }, 'refusal');
        }
        return;
    }
  }

  /** Channels added or dropped between hello and welcome were sent to nobody: send them now. */
  #syncAfterWelcome(): void {
    const now = [...this.#listeners.keys()];
    const added = now.filter((channel) => !this.#helloChannels.includes(channel));
    const removed = this.#helloChannels.filter((channel) => !this.#listeners.has(channel));
    if (added.length > 0) this.#link?.send({ type: 'subscribe', channels: added });
    if (removed.length > 0) this.#link?.send({ type: 'unsubscribe', channels: removed });
  }

  #deliver(update: PortUpdate): void {
    if (!update || typeof update !== 'object' || !isValidChannel(update.channel) || !Number.isSafeInteger(update.seq)) return;
    const set = this.#listeners.get(update.channel);
    if (!set) return;
    const previous = this.#values.get(update.channel);
    // Another hub (a new leader) may repeat what this tab saw: never go back, unless seq restarted.
    if (previous && !update.reset && update.seq <= previous.seq) return;
    this.#refusals.delete(update.channel); // accepted after all
    const clean: FeedUpdate = { channel: update.channel, seq: update.seq, data: update.data };
    this.#values.set(update.channel, clean);
    for (const listener of [...set]) this.#call(listener, clean, 'feed');
  }

  /**
   * Calls a listener of the page. One that throws is reported and the others still get their call:
   * a broken element must not starve the others, nor stop this feed from attaching (attach()
   * reports a status first).
   */
  #call<T>(listener: (value: T) => void, value: T, kind: 'feed' | 'status' | 'refusal'): void {
    try {
      listener(value);
    } catch (error) {
      console.error(`[market-pulse] ${kind} listener failed`, error);
    }
  }

  /**
   * Set by a transport to hold statuses back (leader mode's quiet hand-over, see
   * transports/quiet-handover.ts): returns true for a status it holds, which it may show later
   * with `showStatus`. Unset, every status shows.
   */
  holdStatus: ((status: FeedStatus) => boolean) | undefined;

  /** Shows `status` (one that `holdStatus` held back) to the status listeners. */
  showStatus(status: FeedStatus): void {
    this.#setStatus(status);
  }

  #setStatus(status: FeedStatus): void {
    if (this.holdStatus?.(status)) return;
    const previous = this.#currentStatus;
    this.#currentStatus = status;
    if (JSON.stringify(previous) === JSON.stringify(status)) return;
    for (const listener of [...this.#statusListeners]) this.#call(listener, status, 'status');
  }
}
