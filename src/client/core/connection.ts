/**
 * The connection core: one WebSocket to the relay (or HTTP polling when sockets are blocked),
 * refcounted channels, last values, `since` resume and gap recovery. It runs in the SharedWorker,
 * in the leader tab, or in a tab alone; it knows nothing about tabs.
 *
 * Structure (after centrifuge-js): one `setState` that emits only on change, one `drop()` for
 * every way a socket can end, and an attempt id that makes callbacks of stale sockets no-ops.
 */
import { isTerminalCloseCode, readServerMessage } from '../../protocol/index.js';
import type { ChannelMessage, ClientMessage, ServerMessage } from '../../protocol/index.js';
import type { FeedError, FeedStatus, FeedUpdate } from '../types.js';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import { pollingIntervalOf, type ConnectionOptions } from './connection-options.js';
import { ChannelStore, type CoreUpdate } from './channel-store.js';
import { GOING_AWAY, HEARTBEAT_TIMEOUT, NORMAL, TOKEN_EXPIRED_CLOSE, TOKEN_EXPIRED_ERROR } from './codes.js';
import { DEFAULT_HEARTBEAT, Heartbeat } from './heartbeat.js';
import { loadHistory, type HistorySource } from './history-fetch.js';
import { globalNetwork, type NetworkMonitor } from './network.js';
import { RefCounter } from './ref-counter.js';
import { SnapshotPoller } from './snapshot-poller-loop.js';
import { SocketFailures } from './socket-failures.js';
import { SocketSession, type WebSocketConstructor } from './socket-session.js';
import { StatusReporter } from './status-reporter.js';
import { SubscribeRequests } from './subscribe-requests.js';
import { providerFailure, requireToken, resolveToken } from './token.js';
import { scheduleTokenRefresh } from './token-refresh.js';

export type { ConnectionOptions } from './connection-options.js';

type Timer = ReturnType<typeof setTimeout>;

/** Updates kept per channel for `history()` by default: 5 minutes at the simulator's 4 ticks/s. */
export const DEFAULT_HISTORY_LIMIT = 1200;

/** One relay connection shared by every user of a feed URL. */
export class Connection {
  #attempt = 0;
  #session: SocketSession | null = null;
  readonly #failures = new SocketFailures();
  #everOpened = false;
  #closedByUser = false;
  #token: string | undefined;
  /** The token the relay last refused as expired: never offered again (a fixed token that ran out). */
  #expiredToken: string | undefined;
  #flushQueued = false;
  #retryTimer: Timer | undefined;
  #stopTokenRefresh: () => void = () => {};
  #stopNetwork: () => void = () => {};
  readonly #refs = new RefCounter();
  readonly #requests: SubscribeRequests;
  readonly #store: ChannelStore;
  readonly #reporter: StatusReporter;
  readonly #heartbeat: Heartbeat;
  readonly #poller: SnapshotPoller;
  readonly #network: NetworkMonitor;
  readonly #updateListeners = new Set<(update: CoreUpdate) => void>();
  readonly #refusalListeners = new Set<(channel: string, error: FeedError) => void>();
  readonly #history: HistorySource<CoreUpdate>;

  readonly #options: ConnectionOptions;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#requests = new SubscribeRequests({
      send: (frame) => this.#send(frame),
      open: () => this.#reporter.current === 'open',
      inUse: (channel) => this.#refs.has(channel),
      since: (channels) => this.#store.since(channels),
      epoch: () => this.#store.epoch,
      refuse: (channel, error) => {
        if (this.#refs.has(channel)) for (const listener of this.#refusalListeners) listener(channel, error);
      },
      random: options.random,
    });
    const ringSize = Math.max(1, Math.floor(options.historyLimit ?? DEFAULT_HISTORY_LIMIT));
    this.#store = new ChannelStore(ringSize);
    this.#reporter = new StatusReporter(options.mode ?? 'direct');
    this.#network = options.network ?? globalNetwork();
    this.#heartbeat = new Heartbeat(
      { ...DEFAULT_HEARTBEAT, ...options.heartbeat },
      (t) => this.#send({ type: 'ping', t }),
      () => this.#drop(this.#attempt, HEARTBEAT_TIMEOUT, 'no answer to ping (heartbeat timeout)'),
    );
    const fetchImpl = (options.fetch === undefined ? globalThis.fetch?.bind(globalThis) : options.fetch) ?? null;
    this.#history = {
      ring: (channel, limit) => this.#store.history(channel, limit),
      ringSize,
      fetch: fetchImpl,
      url: options.url,
      token: async () => this.#token ?? (await resolveToken(options.token)),
      epoch: () => this.#store.epoch,
    };
    this.#poller = new SnapshotPoller({
      url: options.url,
      fetch: fetchImpl,
      token: () => this.#token,
      intervalMs: pollingIntervalOf(options.pollingInterval),
      channels: () => this.#refs.channels(),
      onSnapshots: ({ epoch, snapshots }) => {
        // As on an `ack`: a new run first drops the old one, so its seqs cannot hide the new values.
        this.#store.enterEpoch(epoch);
        for (const snapshot of snapshots) this.#applyFrame(snapshot);
      },
    });
  }

  /** The current status. */
  get status(): FeedStatus {
    return this.#reporter.status;
  }

  /** Starts connecting (idempotent). */
  start(): void {
    if (this.#reporter.current !== 'idle') return;
    this.#stopNetwork = this.#network.subscribe((online) => this.#onNetworkChange(online));
    this.#reporter.startTicker();
    void this.#connect();
  }

  /** Every applied update, in `seq` order per channel. */
  onUpdate(listener: (update: CoreUpdate) => void): () => void {
    this.#updateListeners.add(listener);
    return () => this.#updateListeners.delete(listener);
  }

  /** Channels the relay refused on this connection (e.g. `forbidden`); no updates follow for them. */
  onRefused(listener: (channel: string, error: FeedError) => void): () => void {
    this.#refusalListeners.add(listener);
    return () => this.#refusalListeners.delete(listener);
  }

  /** Status changes (state, error, and stats at most once a second). */
  onStatus(listener: (status: FeedStatus) => void): () => void {
    return this.#reporter.subscribe(listener);
  }

  /** Adds a user of `channel`; the relay sees one `subscribe` for the first. */
  retain(channel: string): void {
    if (this.#refs.retain(channel)) this.#queueFlush();
  }

  /** Removes a user of `channel`; the relay sees `unsubscribe` when the last one leaves. */
  release(channel: string): void {
    if (!this.#refs.release(channel)) return;
    this.#store.delete(channel);
    this.#requests.settled(channel);
    this.#queueFlush();
  }

  /** Users of a channel (for tests and diagnostics). */
  users(channel: string): number {
    return this.#refs.count(channel);
  }

  /** Notes positions known elsewhere (the last `seq` per channel of a tab fed by another hub, and their relay `epoch`): see `ChannelStore.resume`. */
  resume(since: Record<string, unknown>, epoch?: string): void {
    this.#store.resume(since, epoch);
  }

  /** The relay's run of seqs this core's positions belong to (its last `ack` or polled answer, or `resume`'s). */
  get epoch(): string | undefined {
    return this.#store.epoch;
  }

  /** The last value of a channel. */
  get(channel: string): CoreUpdate | undefined {
    return this.#store.get(channel);
  }

  /** Recent updates of a channel that this core saw itself, oldest first. */
  history(channel: string, limit?: number): CoreUpdate[] {
    return this.#store.history(channel, limit);
  }

  /** Recent updates of a channel, oldest first, backfilled from the relay when the ring is short (see `loadHistory`). */
  loadHistory(channel: string, limit?: number): Promise<Array<CoreUpdate | FeedUpdate>> {
    return loadHistory(this.#history, channel, limit);
  }

  /** Connects now, skipping the backoff wait; also leaves a terminal `closed` state. */
  reconnect(): void {
    if (this.#closedByUser || this.#reporter.current === 'open' || this.#session?.connecting) return;
    this.#reporter.setError(null);
    this.#failures.reset();
    void this.#connect();
  }

  /** Closes the socket and stops for good. */
  close(): void {
    if (this.#closedByUser) return;
    this.#closedByUser = true;
    this.#drop(this.#attempt, NORMAL, 'closed by the client');
    this.#poller.stop();
    this.#stopNetwork();
    this.#reporter.stopTicker();
    this.#reporter.setState('closed');
  }

  async #connect(): Promise<void> {
    clearTimeout(this.#retryTimer);
    if (this.#closedByUser) return;
    if (!this.#network.onLine) return this.#reporter.setState('offline');
    const id = ++this.#attempt;
    this.#failures.attempting();
    this.#session?.dispose(NORMAL, 'replaced');
    this.#session = null;
    if (!this.#poller.running) this.#reporter.setState(this.#everOpened || this.#failures.inRow > 0 ? 'reconnecting' : 'connecting');
    let token: string | undefined;
    try {
      token = await requireToken(this.#options.token);
    } catch (error) {
      // No token now (the provider's endpoint is down?): wait and ask again, saying why. Without
      // one, a relay that checks tokens would close the socket for good at its auth deadline.
      const cause = { code: 'token_unavailable', message: `token provider failed: ${providerFailure(error)}` };
      return this.#drop(id, undefined, cause.message, cause);
    }
    if (id !== this.#attempt || this.#closedByUser) return;
    if (token !== undefined && token === this.#expiredToken) {
      const cause = { code: TOKEN_EXPIRED_ERROR, message: 'the token has expired and no fresh one came (give a token function to refresh it)' };
      return this.#drop(id, undefined, cause.message, cause);
    }
    this.#token = token;
    const WebSocketImpl = this.#options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
    if (!WebSocketImpl) return this.#drop(id, undefined, 'no WebSocket implementation');
    this.#session = new SocketSession(WebSocketImpl, this.#options.url, this.#options.connectTimeoutMs ?? 10_000, {
      open: () => id === this.#attempt && this.#onOpen(id),
      message: (raw) => id === this.#attempt && this.#onMessage(raw),
      close: (code, reason) => this.#drop(id, code, reason),
    });
  }

  #onOpen(id: number): void {
    this.#everOpened = true;
    this.#reporter.setError(null);
    this.#poller.stop();
    this.#requests.clear();
    if (this.#token) this.#send({ type: 'auth', token: this.#token });
    this.#refs.takeChanges(); // the full subscription below covers every pending change
    this.#requests.subscribe(this.#refs.channels());
    this.#reporter.setState('open');
    this.#heartbeat.start();
    this.#failures.opened(this.#options.stableAfterMs ?? 5000);
    this.#stopTokenRefresh = scheduleTokenRefresh(this.#options.token, this.#token, (token) => {
      if (id !== this.#attempt) return;
      this.#token = token;
      this.#send({ type: 'auth', token });
      this.#requests.askRefusedAgain(); // a new token may allow them
    });
  }

  #onMessage(raw: unknown): void {
    this.#heartbeat.received();
    const message = readServerMessage(raw);
    if (message) this.#handle(message); // a malformed frame is dropped; seq tracking recovers anything it hid
  }

  #handle(message: ServerMessage): void {
    switch (message.type) {
      case 'pong':
        if (message.t <= Date.now()) this.#reporter.latency(Date.now() - message.t);
        return;
      case 'snapshot':
      case 'update':
        return this.#applyFrame(message);
      case 'batch':
        for (const item of message.messages) this.#applyFrame(item);
        return;
      case 'error':
        // An expired token: reconnect, which asks the provider for a fresh one.
        if (message.code === TOKEN_EXPIRED_ERROR) return this.#drop(this.#attempt, TOKEN_EXPIRED_CLOSE, message.message);
        return this.#requests.refused(message); // asked again later, or reported (see SubscribeRequests)
      case 'ack':
        this.#requests.acked(message.id);
        return this.#store.enterEpoch(message.epoch);
    }
  }

  #applyFrame(message: ChannelMessage): void {
    if (!this.#refs.has(message.channel)) return; // late frame of a channel nobody uses any more
    const result = this.#store.apply(message);
    if (result.kind === 'gap') return this.#recover(message.channel, result.lastSeq);
    if (result.kind !== 'applied') return;
    this.#requests.settled(message.channel);
    this.#reporter.messageReceived();
    for (const listener of this.#updateListeners) listener(result.update);
  }

  /**
   * Asks again from the last applied `seq` (the relay resynchronizes a channel subscribed again);
   * later frames are dropped as gaps until the missed ones arrive.
   */
  #recover(channel: string, lastSeq: number): void {
    if (this.#reporter.current === 'open') this.#requests.recover(channel, lastSeq);
  }

  /** The one disconnect path: every way a socket (or an attempt at one) ends comes through here; `cause`: why, when known before any socket. */
  #drop(id: number, code: number | undefined, reason: string, cause?: FeedError): void {
    if (id !== this.#attempt) return;
    this.#attempt++;
    this.#session?.dispose(code === HEARTBEAT_TIMEOUT ? code : NORMAL, reason);
    this.#session = null;
    this.#heartbeat.stop();
    this.#requests.clear();
    this.#failures.stop();
    this.#stopTokenRefresh();
    if (code === TOKEN_EXPIRED_CLOSE) this.#expiredToken = this.#token;
    if (this.#closedByUser) return;
    if (code !== undefined && isTerminalCloseCode(code)) {
      this.#poller.stop();
      this.#reporter.setError({ code: `close:${code}`, message: reason || `closed with code ${code}` });
      return this.#reporter.setState('closed');
    }
    // A relay that closed an open socket with a code proved the WebSocket works: say why while
    // retrying, and do not poll, which would meet the same relay (see SocketFailures).
    const saidWhy = this.#failures.ended(code, cause !== undefined);
    if (!this.#network.onLine) return this.#reporter.setState('offline');
    if (cause) this.#reporter.setError(cause);
    else if (saidWhy && code !== NORMAL && code !== GOING_AWAY && code !== TOKEN_EXPIRED_CLOSE) this.#reporter.setError({ code: `close:${code}`, message: reason });
    const pollAfter = this.#options.pollAfterFailures ?? 3;
    if (!saidWhy && !this.#poller.running && this.#failures.transportInRow >= pollAfter && this.#poller.available) {
      // The socket keeps failing (a proxy that blocks upgrades?): serve values over HTTP meanwhile,
      // and keep probing the socket with backoff; the first probe that opens switches back.
      this.#reporter.setError({ code: 'websocket_unavailable', message: `WebSocket failed ${this.#failures.transportInRow} times in a row; polling /v1/snapshot` });
      this.#poller.start();
      this.#reporter.setState('polling');
    }
    if (!this.#poller.running) this.#reporter.setState('reconnecting');
    const delay = backoffDelay(this.#failures.inRow, { ...DEFAULT_BACKOFF, ...this.#options.backoff }, this.#options.random);
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
  }

  #onNetworkChange(online: boolean): void {
    if (this.#closedByUser || this.#reporter.current === 'closed') return;
    if (!online) {
      // No retry storm while offline: drop the socket and wait for the `online` event.
      clearTimeout(this.#retryTimer);
      this.#poller.stop();
      this.#drop(this.#attempt, GOING_AWAY, 'offline');
      clearTimeout(this.#retryTimer);
      this.#reporter.setState('offline');
    } else if (this.#reporter.current === 'offline') {
      this.#failures.reset();
      void this.#connect();
    }
  }

  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    // One microtask later: a page that mounts 50 tickers sends one `subscribe` frame, not 50.
    queueMicrotask(() => {
      this.#flushQueued = false;
      if (this.#reporter.current !== 'open') {
        if (this.#poller.running) this.#poller.pollSoon();
        return;
      }
      const { added, removed } = this.#refs.takeChanges();
      this.#requests.unsubscribe(removed);
      this.#requests.subscribe(added);
    });
  }

  #send(message: ClientMessage): void {
    this.#session?.send(JSON.stringify(message));
  }
}
