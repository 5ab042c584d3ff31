/**
 * The hub owns one connection core and serves any number of tabs over the port protocol: it counts
 * each tab's channels into the core's refcounts, fans updates out in batches (at most one message
 * per tab per frame, carrying only the latest value per channel), answers history and token
 * requests, and releases everything a tab held when the tab goes away.
 *
 * It runs in the SharedWorker, in the leader tab (leader mode), or in a tab alone (direct mode).
 */
import type { Connection } from './core/connection.js';
import type { TokenSource } from './core/token.js';
import { PORT_PROTOCOL_VERSION, type HubConfig, type HubMessage, type PortUpdate, type TabMessage } from './port-protocol.js';
import { TokenRequests, type TokenTab } from './hub-tokens.js';
import { isTabMessage } from './tab-message.js';
import type { FeedError, FeedStatus } from './types.js';

/** How the hub is wired into its host. */
export interface HubOptions {
  /** Builds the connection when the first tab says hello. */
  createConnection(config: HubConfig, token: TokenSource): Connection;
  /** Calls `onGone` once the Web Lock named `name` is free (its tab died); returns a canceller. */
  watchLock?(name: string, onGone: () => void): () => void;
  /** Batch interval for visible tabs whose frames the hub does not know (yet), in ms. Default 16. */
  frameMs?: number;
  /**
   * How long before a tab's animation frame a held batch is posted, in ms: room for this host's
   * timer lateness and the port hop, so the batch is in the tab before the frame. Default 4.
   */
  frameLeadMs?: number;
  /** Batch interval for hidden tabs, in ms. Default 1000. */
  hiddenFrameMs?: number;
  /**
   * How long a tab's token provider may take, in ms, before the attempt counts as failed (and is
   * retried). Default 30,000: a token endpoint may be a cold-starting function; a tab that closes
   * meanwhile is noticed at once anyway (another tab is asked).
   */
  tokenTimeoutMs?: number;
}

/** The hub's side of one tab. */
export interface HubPort {
  /** Hands a message from the tab to the hub; invalid messages are ignored. */
  receive(message: unknown): void;
  /** The tab is gone: release what it held. Idempotent. */
  disconnect(): void;
}

interface Client extends TokenTab {
  send(message: HubMessage): void;
  channels: Set<string>;
  hidden: boolean;
  pending: Map<string, PortUpdate>;
  /** The scheduled flush: a timer, `SOON` (a microtask, this turn), or none. */
  timer: ReturnType<typeof setTimeout> | typeof SOON | undefined;
  /** Wall-clock ms (`epochNow()`) of the last batch posted to this tab. */
  lastFlush: number;
  /** When the scheduled timer is due (wall-clock ms); a timer firing a little early still counts as then. */
  flushDue: number;
  /** The tab's animation-frame grid, as it last reported it (`frames` message). */
  frames: FrameGrid | undefined;
  /** The relay epoch the tab knows (its `hello`, or the last batch that named one). */
  epoch?: string | undefined;
  stopWatch: () => void;
}

/** A tab's animation frames: one began at `at` (wall-clock ms), the next every `interval` ms. */
interface FrameGrid {
  at: number;
  interval: number;
}

/** Marks a flush queued as a microtask (the updates of this turn are folded in first). */
const SOON = Symbol('soon');

/** A frame grid older than this has drifted too far to aim at (tabs refresh it every second). */
const FRAME_GRID_TTL_MS = 5000;

/**
 * Wall-clock ms with sub-ms precision. Tabs report frame times in the same clock: pages and
 * workers of one browser derive `timeOrigin` from the same system clock.
 */
const epochNow = () => performance.timeOrigin + performance.now();

/** One connection shared by many tabs. */
export class Hub {
  #connection: Connection | null = null;
  readonly #clients = new Set<Client>();
  readonly #byChannel = new Map<string, Set<Client>>();
  /** Channels the relay refused (e.g. `forbidden`), told to every tab that uses them until an update comes. */
  readonly #refusals = new Map<string, FeedError>();
  /** The core's token requests, forwarded to tabs. */
  readonly #tokens: TokenRequests<Client>;
  /** The relay epoch of the updates fanned out (the core's, as of the last update). */
  #epoch: string | undefined;

  readonly #options: HubOptions;

  constructor(options: HubOptions) {
    this.#options = options;
    this.#tokens = new TokenRequests({
      tabs: () => this.#clients,
      post: (client, message) => this.#post(client, message),
      lastFailed: () => this.#connection?.status.error?.code.startsWith('token_') === true,
      timeoutMs: options.tokenTimeoutMs ?? 30_000,
    });
  }

  /** Number of connected tabs. */
  get size(): number {
    return this.#clients.size;
  }

  /** The core, once a tab said hello. */
  get core(): Connection | null {
    return this.#connection;
  }

  /** Adds a tab that receives hub messages through `send`. */
  connect(send: (message: HubMessage) => void): HubPort {
    const client: Client = {
      send, channels: new Set(), hidden: false, hasToken: false, askedAt: 0, greeted: false, pending: new Map(), timer: undefined, lastFlush: -Infinity, flushDue: -Infinity, frames: undefined, stopWatch: () => {},
    };
    this.#clients.add(client);
    let gone = false;
    return {
      receive: (message) => {
        if (!gone && isTabMessage(message)) this.#handle(client, message);
      },
      disconnect: () => {
        if (gone) return;
        gone = true;
        this.#remove(client);
      },
    };
  }

  #handle(client: Client, message: TabMessage): void {
    if (message.type === 'hello') return this.#hello(client, message);
    if (!client.greeted || !this.#connection) return;
    const core = this.#connection;
    switch (message.type) {
      case 'subscribe':
        for (const channel of message.channels) this.#add(client, channel);
        return this.#flush(client);
      case 'unsubscribe':
        for (const channel of message.channels) this.#drop(client, channel);
        return;
      case 'visibility':
        client.hidden = message.hidden;
        if (!message.hidden) this.#flush(client); // shown again: no need to wait for the slow tick
        return;
      case 'frames':
        client.frames = { at: message.at, interval: message.interval };
        return;
      case 'history':
        return this.#answerHistory(client, core, message);
      case 'token':
        this.#tokens.answer(message.id, message.token ?? '', message.error);
        return;
      case 'reconnect':
        return core.reconnect();
      case 'bye':
        return this.#remove(client);
    }
  }

  /**
   * Answers a tab's `history` from the core's ring, backfilled over HTTP when the ring is short
   * (see `Connection.loadHistory`); a tab that left meanwhile gets nothing.
   */
  #answerHistory(client: Client, core: Connection, message: Extract<TabMessage, { type: 'history' }>): void {
    void core.loadHistory(message.channel, message.limit).then((found) => {
      if (!this.#clients.has(client)) return;
      // Plain updates only: a `reset` mark is meant for live delivery, not for a backfill.
      const updates = found.map(({ channel, seq, data }) => ({ channel, seq, data }));
      this.#post(client, { type: 'history', id: message.id, updates });
    });
  }

  #hello(client: Client, message: Extract<TabMessage, { type: 'hello' }>): void {
    if (message.v !== PORT_PROTOCOL_VERSION) return;
    client.greeted = true;
    client.hidden = message.hidden;
    client.hasToken = message.hasToken;
    if (!this.#connection) {
      this.#connection = this.#options.createConnection(message.config, () => this.#tokens.request());
      this.#connection.onUpdate((update) => this.#fanOut(update));
      this.#connection.onStatus((status) => this.#broadcastStatus(status));
      this.#connection.onRefused((channel, error) => {
        this.#refusals.set(channel, error);
        for (const client of this.#byChannel.get(channel) ?? []) this.#post(client, { type: 'refused', channel, error });
      });
      this.#connection.start();
    }
    if (message.lock && this.#options.watchLock) {
      client.stopWatch();
      client.stopWatch = this.#options.watchLock(message.lock, () => this.#remove(client));
    }
    // A tab fed by a previous hub tells how far it got: resume from there, not from scratch. (Seqs
    // of another relay epoch than this core's are ignored; the tab starts over when told ours.)
    client.epoch = message.epoch;
    this.#connection.resume(message.since, message.epoch);
    const wanted = new Set(message.channels);
    for (const channel of [...client.channels]) if (!wanted.has(channel)) this.#drop(client, channel);
    client.send({ type: 'welcome', v: PORT_PROTOCOL_VERSION, status: this.#connection.status });
    for (const channel of wanted) this.#add(client, channel);
    this.#flush(client); // cached values at once, before any network round trip
  }

  #add(client: Client, channel: string): void {
    if (client.channels.has(channel)) return;
    client.channels.add(channel);
    let set = this.#byChannel.get(channel);
    if (!set) this.#byChannel.set(channel, (set = new Set()));
    set.add(client);
    this.#connection!.retain(channel);
    const cached = this.#connection!.get(channel);
    if (cached) client.pending.set(channel, cached);
    const refusal = this.#refusals.get(channel);
    if (refusal) this.#post(client, { type: 'refused', channel, error: refusal });
  }

  #drop(client: Client, channel: string): void {
    if (!client.channels.delete(channel)) return;
    client.pending.delete(channel);
    const set = this.#byChannel.get(channel);
    set?.delete(client);
    if (set?.size === 0) {
      this.#byChannel.delete(channel);
      this.#refusals.delete(channel);
    }
    this.#connection?.release(channel);
  }

  #remove(client: Client): void {
    if (!this.#clients.delete(client)) return;
    client.stopWatch();
    this.#cancelFlush(client);
    for (const channel of [...client.channels]) this.#drop(client, channel);
    // A tab that leaves while asked for a token (closed, or it was the leader's): ask another now.
    this.#tokens.leave(client);
    if (this.#clients.size === 0 && this.#connection) {
      // Nobody is left to feed: hang up rather than keep a socket for a worker about to end.
      this.#connection.close();
      this.#connection = null;
      this.#refusals.clear();
    }
  }

  #fanOut(update: PortUpdate): void {
    const epoch = this.#connection?.epoch;
    if (epoch !== this.#epoch) {
      // The relay started over: values of its old run still waiting must not reach a tab with the
      // new epoch's name on them (the new run's snapshots, marked `reset`, follow at once).
      if (this.#epoch) for (const client of this.#clients) client.pending.clear();
      this.#epoch = epoch;
    }
    if (this.#refusals.size > 0) this.#refusals.delete(update.channel); // accepted after all (a new token)
    const clients = this.#byChannel.get(update.channel);
    if (!clients) return;
    for (const client of clients) {
      const previous = client.pending.get(update.channel);
      // Keep only the latest value, but never lose a `reset` mark folded into it.
      client.pending.set(update.channel, previous?.reset && !update.reset ? { ...update, reset: true } : update);
      if (client.timer !== undefined) continue;
      const now = epochNow();
      const wait = client.hidden ? (this.#options.hiddenFrameMs ?? 1000) : this.#visibleWait(client, now);
      client.flushDue = now + wait;
      // Browsers truncate timer delays to whole ms: round up rather than fire before the slot.
      // No wait: at once, after the rest of this turn's updates (one relay batch) are folded in.
      client.timer = wait > 0 ? setTimeout(() => this.#flush(client), Math.ceil(wait)) : SOON;
      if (wait <= 0) queueMicrotask(() => client.timer === SOON && this.#flush(client));
    }
  }

  /**
   * How long an update for a visible tab waits before it is posted: at most one batch per frame
   * of the tab, and nothing that could reach it before its next frame is held past that frame.
   * With the tab's frame grid known, frame k's batch slot is [frame k − lead, frame k+1 − lead):
   * the first update in a slot goes at once; later ones wait for the next slot, which opens
   * `lead` ms before frame k+1 — in time for it. Without a grid (not reported yet, or stale), the
   * batches are at least `frameMs` apart, the first after a quiet spell at once.
   */
  #visibleWait(client: Client, now: number): number {
    const grid = client.frames;
    if (!grid || now - grid.at > FRAME_GRID_TTL_MS) return client.lastFlush + (this.#options.frameMs ?? 16) - now;
    const lead = this.#options.frameLeadMs ?? 4;
    // The 0.01 ms keeps a batch due exactly at a slot's start in that slot despite rounding
    // (wall-clock ms near 1.7e12 carry about 0.0002 ms of float error).
    const slotOf = (time: number) => Math.floor((time + lead + 0.01 - grid.at) / grid.interval);
    const current = slotOf(now);
    if (slotOf(client.lastFlush) !== current) return 0;
    return grid.at + (current + 1) * grid.interval - lead - now;
  }

  #cancelFlush(client: Client): void {
    if (client.timer !== SOON) clearTimeout(client.timer);
    client.timer = undefined;
    client.flushDue = -Infinity;
  }

  #flush(client: Client): void {
    const due = client.flushDue;
    this.#cancelFlush(client);
    if (client.pending.size === 0 || !this.#clients.has(client)) return;
    // Timers may fire a fraction of a ms early: the batch still belongs to the slot it was due in.
    const now = epochNow();
    client.lastFlush = now < due && due - now < 2 ? due : now;
    const updates = [...client.pending.values()];
    client.pending.clear();
    const message: HubMessage = { type: 'updates', updates };
    // The relay epoch travels once per change, with the first updates of its run.
    if (client.epoch !== this.#epoch) message.epoch = client.epoch = this.#epoch;
    this.#post(client, message);
  }

  #broadcastStatus(status: FeedStatus): void {
    for (const client of this.#clients) if (client.greeted) this.#post(client, { type: 'status', status });
  }

  #post(client: Client, message: HubMessage): void {
    try {
      client.send(message);
    } catch {
      // A port whose tab vanished can throw on post: treat the tab as gone.
      this.#remove(client);
    }
  }
}
