/**
 * One WebSocket connection: validates and rate-limits its frames, authenticates it, keeps its
 * subscriptions, and queues what it must receive. Frames are handled one after the other (auth is
 * asynchronous, and a `subscribe` sent right after `auth` must see its result).
 */
import type { WebSocket } from 'ws';
import { CloseCode, ErrorCode, parseClientMessage, type ClientMessage } from '../../protocol/index.js';
import type { ChannelBackend } from '../backend/types.js';
import type { Logger } from '../log.js';
import type { RelayMetrics } from '../metrics.js';
import type { RelayLimits } from '../options.js';
import { grantAllows, type Grant, type TokenVerifier } from './auth.js';
import type { Delivery } from './delivery.js';
import type { Flusher } from './flusher.js';
import type { Hub } from './hub.js';
import { Outbox, type FlushResult, type FrameCache } from './outbox.js';
import { RateLimiter } from './rate-limit.js';
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

/** How long a closing peer gets to finish the close handshake before its socket is destroyed. */
const CLOSE_GRACE_MS = 2_000;
/** setTimeout's longest delay; longer token lifetimes are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The relay's side of one WebSocket connection. */
export class Session {
  /** Set once the peer is authenticated (always, when auth is off). */
  private grant: Grant | null = null;
  private readonly authRequired: boolean;
  private readonly outbox: Outbox;
  private readonly rate: RateLimiter;
  private readonly subscriptions: Subscriptions;
  private badFrames = 0;
  private lastSeen = Date.now();
  private work: Promise<void> = Promise.resolve();
  private timers = new Set<NodeJS.Timeout>();
  private expiryTimer: NodeJS.Timeout | null = null;
  /** The close code the relay chose, if it closed this connection. */
  closeCode: number | null = null;

  constructor(private readonly ws: WebSocket, private readonly ctx: SessionContext) {
    const { limits, metrics } = ctx;
    this.authRequired = ctx.verifier !== null;
    // Buffers hold UTF-8 JSON shared between clients: send them as text frames.
    const sink = { send: (frame: string | Buffer) => ws.send(frame, { binary: false }), get bufferedAmount() { return ws.bufferedAmount; } };
    this.outbox = new Outbox(sink, limits, {
      sent: (n) => {
        metrics.messagesOut.inc(n);
        metrics.framesOut.inc();
      },
      conflated: (n) => metrics.conflated.inc(n),
    });
    this.rate = new RateLimiter(limits.rateLimitPerSecond, limits.rateLimitBurst, limits.rateLimitCloseAfter, Date.now());
    this.subscriptions = new Subscriptions(this, ctx, this.outbox);
    if (this.authRequired) {
      this.addTimer(limits.authDeadlineMs, () => {
        if (!this.grant) this.close(CloseCode.AuthTimeout, 'auth deadline passed');
      });
    }
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('pong', () => (this.lastSeen = Date.now()));
  }

  /** Messages waiting in this session's queue. */
  get queued(): number {
    return this.outbox.size;
  }

  /** Whether the token (if any) allows `channel`. */
  allows(channel: string): boolean {
    return !this.authRequired || (this.grant !== null && grantAllows(this.grant, channel));
  }

  /** A live update of a subscribed channel (called by the hub). */
  receive(delivery: Delivery): void {
    this.subscriptions.onDelivery(delivery);
  }

  /** Asks the flusher to send queued messages soon. */
  scheduleFlush(): void {
    this.ctx.flusher.schedule(this);
  }

  /** Sends queued messages (called by the flusher). */
  flush(now: number, frames?: FrameCache): FlushResult {
    if (this.closeCode !== null) return 'idle';
    const result = this.outbox.flush(now, frames);
    if (result === 'slow') this.close(CloseCode.SlowConsumer, 'slow consumer');
    return result;
  }

  /** Heartbeat tick: closes a silent peer, else pings it. */
  heartbeat(now: number): void {
    if (this.closeCode !== null) return;
    if (now - this.lastSeen > this.ctx.limits.heartbeatTimeoutMs) {
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
    if (this.closeCode !== null || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(message));
    this.ctx.metrics.framesOut.inc();
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
    const force = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    force.unref();
    this.ws.once('close', () => clearTimeout(force));
  }

  /** Releases subscriptions and timers once the socket is closed. */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.subscriptions.clear();
    this.ctx.flusher.forget(this);
  }

  private onFrame(data: unknown, isBinary: boolean): void {
    if (this.closeCode !== null) return;
    const now = Date.now();
    this.lastSeen = now;
    const { metrics } = this.ctx;
    const decision = this.rate.take(now);
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
      if (this.badFrames > this.ctx.limits.maxBadFrames) this.close(CloseCode.ProtocolViolation, 'too many invalid frames');
      return;
    }
    metrics.messagesIn.inc({ type: parsed.message.type });
    const message = parsed.message;
    this.work = this.work.then(() => this.handle(message)).catch((error: unknown) => {
      this.ctx.log.error('frame handler failed', error);
      this.sendError(ErrorCode.Internal, 'internal error', 'id' in message ? message.id : undefined);
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
        if (this.authRequired && !this.grant) return this.sendError(ErrorCode.AuthRequired, 'send auth first', message.id);
        await this.subscriptions.subscribe(message.id, message.channels, message.since);
        return;
      case 'unsubscribe':
        this.subscriptions.unsubscribe(message.channels);
        this.sendNow({ type: 'ack', id: message.id });
        return;
    }
  }

  /** First auth, or a refresh: a refresh may narrow the grant, which drops channels it no longer allows. */
  private async authenticate(token: string): Promise<void> {
    const verifier = this.ctx.verifier;
    if (!verifier) return; // auth is off: an auth frame is accepted and ignored
    const result = await verifier.verify(token);
    if (this.closeCode !== null) return;
    if (!result.ok) {
      const code = result.expired ? ErrorCode.TokenExpired : ErrorCode.AuthFailed;
      this.sendError(code, result.reason);
      this.close(result.expired ? CloseCode.TokenExpired : CloseCode.AuthFailed, result.reason);
      return;
    }
    this.grant = result.grant;
    this.armExpiry(result.grant.expiresAt);
    for (const channel of this.subscriptions.channels()) {
      if (!this.allows(channel)) {
        this.subscriptions.unsubscribe([channel]);
        this.sendError(ErrorCode.Forbidden, 'the refreshed token does not allow this channel', undefined, channel);
      }
    }
  }

  /** Closes with 4004 when the token expires without a refresh. */
  private armExpiry(expiresAt: number): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const delay = Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS);
    this.expiryTimer = setTimeout(() => {
      if (Date.now() >= expiresAt) {
        this.sendError(ErrorCode.TokenExpired, 'token expired; reconnect with a fresh token');
        this.close(CloseCode.TokenExpired, 'token expired');
      } else this.armExpiry(expiresAt);
    }, delay);
  }

  private addTimer(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
