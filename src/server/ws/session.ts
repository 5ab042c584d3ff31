/**
 * One WebSocket connection: validates and rate-limits its frames, authenticates it, keeps its
 * subscriptions, and queues what it must receive. Frames are handled one after the other (auth is
 * asynchronous, and a `subscribe` sent right after `auth` must see its result).
 *
 * Memory: a relay holds tens of thousands of mostly idle connections, so an idle session is one
 * object with a fixed set of fields (all set in the constructor, so they stay in-object). Socket
 * events reach it without listeners (see session-socket.ts), its deadlines (auth, token expiry,
 * forced close) without a timer of its own (see deadlines.ts), and its subscriptions and outbox are
 * built on first use. The outbox is given back to a shared pool once at rest (see flush): a
 * subscribed connection on quiet channels keeps no queue (~120 B).
 */
import { WebSocket, type RawData } from 'ws';
import { CloseCode, ErrorCode, parseClientMessage, type ClientMessage } from '../../protocol/index.js';
import type { ChannelBackend } from '../backend/types.js';
import type { Logger } from '../log.js';
import type { RelayMetrics } from '../metrics.js';
import type { RelayLimits } from '../options.js';
import { grantAllows, type Grant, type TokenVerifier } from './auth.js';
import { NO_SLOT, type DeadlineOwner, type Deadlines } from './deadlines.js';
import type { Delivery } from './delivery.js';
import type { Flusher } from './flusher.js';
import type { PeerCount } from './gateway.js';
import type { Hub } from './hub.js';
import type { FlushResult, FrameCache, Outbox, OutboxSink } from './outbox.js';
import type { OutboxPool } from './outbox-pool.js';
import { takeToken, type RateState } from './rate-limit.js';
import type { SessionSocket, SocketEvents } from './session-socket.js';
import { Subscriptions } from './subscriptions.js';

/** What every session shares. */
export interface SessionContext {
  limits: RelayLimits;
  backend: ChannelBackend;
  hub: Hub;
  flusher: Flusher;
  metrics: RelayMetrics;
  /** Null when auth is off. */
  verifier: TokenVerifier | null;
  log: Logger;
}

/** The context plus what the gateway adds, built once per gateway and shared by its sessions. */
export interface SessionShared extends SessionContext {
  /** Outboxes at rest, shared by the gateway's sessions. */
  outboxes: OutboxPool;
  /** The sessions' deadlines, on one timer. */
  deadlines: Deadlines;
  /** Called once when a session's socket has closed. */
  closed(session: Session, code: number): void;
}

/** How long a closing peer gets to finish the close handshake before its socket is destroyed. */
const CLOSE_GRACE_MS = 2_000;
/** Queued channel messages are UTF-8 JSON, possibly in shared Buffers: always text frames. */
const TEXT_FRAME = { binary: false } as const;
const SETTLED = Promise.resolve();

/**
 * Milliseconds since this module was loaded, on the monotonic clock (a wall-clock step must not
 * look like every peer's silence, or reset rate limits): small integers, which V8 keeps in a field
 * without allocating a number per session (Date.now() is too large for that, and a fractional
 * value stays a heap double unless floored). Only differences of it are used.
 */
const CLOCK_ORIGIN = performance.now();
const clock = (): number => Math.floor(performance.now() - CLOCK_ORIGIN);

/** The relay's side of one WebSocket connection. */
export class Session implements RateState, OutboxSink, SocketEvents, DeadlineOwner {
  /** The close code the relay chose, if it closed this connection. */
  closeCode: number | null = null;
  /** Set once the peer is authenticated (stays null when auth is off). */
  private grant: Grant | null = null;
  /** Built for a message to send; dropped once at rest (see flush). */
  private outbox: Outbox | null = null;
  /** Built on the first subscribe. */
  private subscriptions: Subscriptions | null = null;
  /**
   * Slot of its one deadline in the gateway's Deadlines (NO_SLOT: none): the auth deadline, then
   * the token expiry, then (once closing) the forced close. See deadlinePassed.
   */
  deadlineSlot = NO_SLOT;
  /** The frame being handled and those queued behind it; null when there are none. */
  private work: Promise<void> | null = null;
  private badFrames = 0;
  /** Last frame or pong from the peer (clock()). */
  private lastSeen: number;
  rateMilliTokens: number;
  rateRefilledAt: number;
  rateWindowStart: number;
  rateDropped = 0;
  /** Flushable: waiting for the flusher's next tick. */
  flushScheduled = false;

  /**
   * @param ws The socket, already open.
   * @param shared What all sessions of the gateway share.
   * @param peer The gateway's count of connections from the peer's address (shared, not per session).
   */
  constructor(
    readonly ws: SessionSocket,
    private readonly shared: SessionShared,
    readonly peer: PeerCount,
  ) {
    const now = clock();
    this.lastSeen = now;
    this.rateMilliTokens = shared.limits.rateLimitBurst * 1000;
    this.rateRefilledAt = now;
    this.rateWindowStart = now - 1000;
    if (shared.verifier !== null) shared.deadlines.arm(this, shared.limits.authDeadlineMs);
    ws.session = this; // the socket now hands its events to onFrame, onPong and onClose
  }

  /** Messages waiting in this session's queue. */
  get queued(): number {
    return this.outbox?.size ?? 0;
  }

  /** What every session shares (for its subscriptions). */
  get context(): SessionContext {
    return this.shared;
  }

  /** The send queue, made if there is none (for its subscriptions). */
  queue(): Outbox {
    return (this.outbox ??= this.shared.outboxes.take(this));
  }

  /** Forgets queued messages of `channel` (after unsubscribe or before a resync). */
  dropQueued(channel: string): void {
    this.outbox?.dropChannel(channel);
  }

  /** Whether the token (if any) allows `channel`. */
  allows(channel: string): boolean {
    return this.shared.verifier === null || (this.grant !== null && grantAllows(this.grant, channel));
  }

  /** A live update of a subscribed channel (called by the hub). */
  receive(delivery: Delivery): void {
    this.subscriptions?.onDelivery(delivery);
  }

  /** Whether this session holds `channel` now (the hub asks when it compacts its lists). */
  isSubscribed(channel: string): boolean {
    return this.subscriptions?.has(channel) ?? false;
  }

  /** Asks the flusher to send queued messages soon. */
  scheduleFlush(): void {
    this.shared.flusher.schedule(this);
  }

  /**
   * Sends queued messages (called by the flusher). An outbox that reports `idle` — nothing queued
   * and no frame for a whole interval — is in the state of a new one, so it goes back to the
   * gateway's pool: a subscribed connection on quiet channels keeps no queue.
   */
  flush(now: number, frames?: FrameCache): FlushResult {
    if (this.closeCode !== null || this.outbox === null) return 'idle';
    const result = this.outbox.flush(now, frames);
    if (result === 'slow') this.close(CloseCode.SlowConsumer, 'slow consumer');
    if (result === 'idle') {
      this.shared.outboxes.give(this.outbox);
      this.outbox = null;
    }
    return result;
  }

  /** OutboxSink: writes one frame of queued channel messages. */
  send(frame: string | Buffer): void {
    this.ws.send(frame, TEXT_FRAME);
  }

  /** OutboxSink: bytes accepted by the socket but not yet written to the network. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Heartbeat tick: closes a silent peer, else pings it. */
  heartbeat(): void {
    if (this.closeCode !== null) return;
    if (clock() - this.lastSeen > this.shared.limits.heartbeatTimeoutMs) {
      this.close(CloseCode.HeartbeatTimeout, 'heartbeat timeout');
      return;
    }
    try {
      this.ws.ping();
    } catch {
      // The socket is already closing; its close event does the cleanup.
    }
  }

  /** Sends a control frame (ack, error, pong) right away, ahead of queued channel messages. */
  sendNow(message: object): void {
    if (this.closeCode !== null || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(message));
    this.shared.metrics.framesOut.inc();
  }

  /** Sends an error frame. */
  sendError(code: ErrorCode, message: string, id?: number, channel?: string): void {
    this.sendNow({ type: 'error', ...(id === undefined ? {} : { id }), ...(channel === undefined ? {} : { channel }), code, message });
  }

  /** Closes with `code`; destroys the socket if the peer does not finish the handshake in time. */
  close(code: number, reason: string): void {
    if (this.closeCode !== null) return;
    this.closeCode = code;
    this.ws.close(code, reason);
    // Any auth deadline or token expiry has nothing left to do: the forced close replaces it.
    this.shared.deadlines.arm(this, CLOSE_GRACE_MS);
  }

  /** Releases subscriptions and the deadline once the socket is closed. */
  dispose(): void {
    this.shared.deadlines.clear(this);
    this.subscriptions?.clear();
    this.outbox = null; // nothing more to send: a flush tick still due finds this session idle
  }

  /** A frame from the peer (from the socket's shared listener). */
  onFrame(data: RawData, isBinary: boolean): void {
    if (this.closeCode !== null) return;
    const now = clock();
    this.lastSeen = now;
    const { metrics } = this.shared;
    const decision = takeToken(this, this.shared.limits, now);
    if (decision !== 'allow') {
      metrics.dropped.inc({ reason: 'rate_limited' });
      if (decision === 'close') this.close(CloseCode.RateLimitExceeded, 'rate limit exceeded');
      else if (decision === 'drop-notify') this.sendError(ErrorCode.RateLimited, 'too many frames; frame dropped');
      return;
    }
    if (isBinary) {
      metrics.messagesIn.inc({ type: 'binary' });
      this.close(CloseCode.UnsupportedData, 'binary frames are not supported');
      return;
    }
    const parsed = parseClientMessage(String(data));
    if (!parsed.ok) {
      metrics.messagesIn.inc({ type: 'invalid' });
      this.sendError(parsed.code, parsed.reason, parsed.id);
      this.badFrames += 1;
      if (this.badFrames > this.shared.limits.maxBadFrames) this.close(CloseCode.ProtocolViolation, 'too many invalid frames');
      return;
    }
    metrics.messagesIn.inc({ type: parsed.message.type });
    this.enqueue(parsed.message);
  }

  /** A pong from the peer: it is alive. */
  onPong(): void {
    this.lastSeen = clock();
  }

  /** The socket has closed: the gateway releases the session. */
  onClose(code: number): void {
    this.shared.closed(this, code);
  }

  /**
   * Its deadline has passed (called by the gateway's Deadlines). Closing: the peer did not finish
   * the close handshake in time, its socket is destroyed. Not authenticated: the auth deadline,
   * closes with 4500. Else the token's expiry.
   */
  deadlinePassed(): void {
    if (this.closeCode !== null) this.ws.terminate();
    else if (this.grant === null) this.close(CloseCode.AuthTimeout, 'no token within the auth deadline: this relay requires one');
    else this.expireToken();
  }

  /** Handles `message` after the frames before it; drops the chain once it has run dry. */
  private enqueue(message: ClientMessage): void {
    const turn = (this.work ?? SETTLED).then(() => this.handle(message)).catch((error: unknown) => {
      this.shared.log.error('frame handler failed', error);
      this.sendError(ErrorCode.Internal, 'internal error', 'id' in message ? message.id : undefined);
    });
    this.work = turn;
    void turn.then(() => {
      if (this.work === turn) this.work = null;
    });
  }

  private async handle(message: ClientMessage): Promise<void> {
    if (this.closeCode !== null) return;
    switch (message.type) {
      case 'ping':
        this.sendNow({ type: 'pong', t: message.t });
        return;
      case 'auth':
        await this.authenticate(message.token);
        return;
      case 'subscribe':
        if (this.shared.verifier !== null && !this.grant) return this.sendError(ErrorCode.AuthRequired, 'send auth first', message.id);
        await this.startSubscriptions().subscribe(message.id, message.channels, message.since, message.epoch);
        return;
      case 'unsubscribe':
        this.subscriptions?.unsubscribe(message.channels);
        this.sendNow({ type: 'ack', id: message.id });
        return;
    }
  }

  /** The subscriptions, built on first use. */
  private startSubscriptions(): Subscriptions {
    return (this.subscriptions ??= new Subscriptions(this));
  }

  /** First auth, or a refresh: a refresh may narrow the grant, which drops channels it no longer allows. */
  private async authenticate(token: string): Promise<void> {
    const verifier = this.shared.verifier;
    if (!verifier) return; // auth is off: an auth frame is accepted and ignored
    const result = await verifier.verify(token);
    if (this.closeCode !== null) return;
    if (!result.ok) {
      if (result.unavailable) {
        // Nothing is known about the token: a transient close, so the client comes back later.
        this.sendError(ErrorCode.Internal, result.reason);
        this.close(CloseCode.InternalError, result.reason);
        return;
      }
      const code = result.expired ? ErrorCode.TokenExpired : ErrorCode.AuthFailed;
      this.sendError(code, result.reason);
      this.close(result.expired ? CloseCode.TokenExpired : CloseCode.AuthFailed, result.reason);
      return;
    }
    this.grant = result.grant;
    this.armExpiry(); // replaces the auth deadline, which is met
    for (const channel of this.subscriptions?.channels() ?? []) {
      if (!this.allows(channel)) {
        this.subscriptions?.unsubscribe([channel]);
        this.sendError(ErrorCode.Forbidden, 'the refreshed token does not allow this channel', undefined, channel);
      }
    }
  }

  /** Closes with 4004 when the token expires without a refresh. */
  armExpiry(): void {
    if (this.closeCode !== null || this.grant === null) return;
    this.shared.deadlines.arm(this, this.grant.expiresAt - Date.now());
  }

  /** Token deadline: closes with 4004 if the token has expired, else re-arms (the wall clock may have moved). */
  private expireToken(): void {
    if (this.grant === null || Date.now() < this.grant.expiresAt) return this.armExpiry();
    this.sendError(ErrorCode.TokenExpired, 'token expired; reconnect with a fresh token');
    this.close(CloseCode.TokenExpired, 'token expired');
  }
}
