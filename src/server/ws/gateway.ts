/**
 * The WebSocket side of the relay: upgrades on `/ws` (origin check → HTTP 403), the per-IP
 * connection cap (close 4003), sessions, the heartbeat, and closing everyone on shutdown (1001).
 *
 * Memory: nothing of the upgrade request outlives the handshake but the client address, and
 * socket events reach sessions without a listener per connection (see session-socket.ts).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { CloseCode } from '../../protocol/index.js';
import { isOriginAllowed } from '../http/origins.js';
import { Deadlines } from './deadlines.js';
import { OutboxPool } from './outbox-pool.js';
import { Session, type SessionContext, type SessionShared } from './session.js';
import { SessionSocket } from './session-socket.js';

/** Path of the WebSocket endpoint. */
export const WS_PATH = '/ws';

/** Options of the gateway that come from the relay options. */
export interface GatewayOptions {
  allowedOrigins: string[];
  /** Count connections per the address a trusted reverse proxy put last in `X-Forwarded-For`. */
  trustProxy: boolean;
}

/** Open connections from one client address; shared by those connections' sessions. */
export interface PeerCount {
  readonly address: string;
  open: number;
}

/** How long a connection refused for the per-IP cap gets to finish the close handshake. */
const REFUSED_GRACE_MS = 2_000;

/**
 * The client address for the per-IP cap. Behind a trusted proxy it is the rightmost
 * `X-Forwarded-For` entry — the peer the proxy itself saw; entries further left come from the
 * client and could be forged.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return peer;
  const header = request.headers['x-forwarded-for'];
  const last = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').pop()?.trim();
  return last && last.length <= 64 ? last : peer;
}

/** Accepts WebSocket connections on `/ws` and owns their sessions. */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly shared: SessionShared;
  private readonly sessions = new Set<Session>();
  /** Sockets being closed for the per-IP cap (they get no session). */
  private readonly refused = new Set<WebSocket>();
  private readonly perIp = new Map<string, PeerCount>();
  private readonly heartbeat: NodeJS.Timeout;
  private closing = false;

  constructor(server: Server, ctx: SessionContext, private readonly options: GatewayOptions) {
    const { metrics } = ctx;
    this.shared = {
      ...ctx,
      outboxes: new OutboxPool(ctx.limits, {
        sent: (n) => {
          metrics.messagesOut.inc(n);
          metrics.framesOut.inc();
        },
        conflated: (n) => metrics.conflated.inc(n),
      }),
      deadlines: new Deadlines(),
      closed: (session, code) => this.release(session, code),
    };
    // perMessageDeflate off: it costs CPU and memory per connection, and ticks are small.
    // clientTracking off: the gateway tracks its sessions itself (ws would add a closure per socket).
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: ctx.limits.maxPayload,
      perMessageDeflate: false,
      clientTracking: false,
      WebSocket: SessionSocket,
    });
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
    this.heartbeat = setInterval(() => {
      for (const session of this.sessions) session.heartbeat();
    }, ctx.limits.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  /** Open connections. */
  get connections(): number {
    return this.sessions.size;
  }

  /** Channel messages waiting in all per-client queues. */
  get queued(): number {
    let total = 0;
    for (const session of this.sessions) total += session.queued;
    return total;
  }

  /** Bytes accepted for sending but not yet written to the network, over all connections. */
  get bufferedBytes(): number {
    let total = 0;
    for (const session of this.sessions) total += session.bufferedAmount;
    for (const ws of this.refused) total += ws.bufferedAmount;
    return total;
  }

  /** Closes every connection with 1001 and resolves once all are closed (forcing after 2 s). */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    const sockets = [...this.refused, ...[...this.sessions].map((session) => session.ws)];
    const closed = sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          ws.once('close', () => resolve());
        }),
    );
    for (const session of this.sessions) session.close(CloseCode.GoingAway, 'server shutting down');
    for (const ws of sockets) if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(CloseCode.GoingAway, 'server shutting down');
    await Promise.all(closed);
    this.shared.deadlines.stop();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A shared listener: a closure here would keep this request (and its headers) alive as long as the socket.
    socket.on('error', destroySocket);
    const path = (request.url ?? '').split('?')[0];
    if (this.closing) return reject(socket, 503, 'Service Unavailable');
    if (path !== WS_PATH) return reject(socket, 404, 'Not Found');
    // A page of another origin is let in only to be told so (close 4503, terminal): refused before the
    // upgrade, its browser would see a bare 1006 and retry forever. Nothing else is sent to it.
    const origin = request.headers.origin;
    const originAllowed = isOriginAllowed(origin, this.options.allowedOrigins);
    const address = clientAddress(request, this.options.trustProxy);
    forgetPeerName(socket);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      // From here ws handles the socket's errors (it destroys the socket): the upgrade's listener
      // would only turn the socket's one-listener slot into an array for the connection's lifetime.
      socket.removeListener('error', destroySocket);
      this.accept(ws as SessionSocket, address, originAllowed ? null : origin ?? '');
    });
  }

  /** A new socket: a session, or a close when its address is over the cap or its page's `deniedOrigin` is not allowed. */
  private accept(ws: SessionSocket, address: string, deniedOrigin: string | null): void {
    let peer = this.perIp.get(address);
    if (!peer) this.perIp.set(address, (peer = { address, open: 0 }));
    peer.open += 1;
    if (peer.open > this.shared.limits.maxConnectionsPerIp) return this.refuse(ws, peer);
    if (deniedOrigin !== null) {
      // A close reason has at most 123 bytes: the origin is cut to fit (it is the page's own, for its console).
      const reason = `origin not allowed: ${Buffer.from(deniedOrigin).subarray(0, 80).toString().replace(/\uFFFD+$/, '')}`;
      return this.refuse(ws, peer, CloseCode.OriginNotAllowed, reason);
    }
    try {
      this.sessions.add(new Session(ws, this.shared, peer));
    } catch (error) {
      this.shared.log.error('could not start a session', error);
      this.refuse(ws, peer, CloseCode.InternalError, 'internal error');
    }
  }

  /** Closes a connection that gets no session (over the per-IP cap, a denied origin, or its session failed to start). */
  private refuse(ws: WebSocket, peer: PeerCount, code: number = CloseCode.TooManyConnections, reason = 'too many connections from this address'): void {
    this.refused.add(ws);
    ws.once('close', (closeCode: number) => {
      this.refused.delete(ws);
      this.leave(peer);
      this.shared.metrics.disconnects.inc({ code: codeLabel(closeCode) });
    });
    ws.close(code, reason);
    const force = setTimeout(() => ws.terminate(), REFUSED_GRACE_MS);
    force.unref();
  }

  /** A session's socket has closed. */
  private release(session: Session, code: number): void {
    if (!this.sessions.delete(session)) return;
    this.leave(session.peer);
    session.dispose();
    this.shared.metrics.disconnects.inc({ code: codeLabel(session.closeCode ?? code) });
  }

  private leave(peer: PeerCount): void {
    peer.open -= 1;
    if (peer.open <= 0) this.perIp.delete(peer.address);
  }
}

/** Close codes reported as themselves; any other (a peer may close with any code) is `other`. */
const KNOWN_CODES = new Set<number>([...Object.values(CloseCode), 1002, 1005, 1006, 1007]);

/** Metric label of a close code, from a bounded set. */
function codeLabel(code: number): string {
  return KNOWN_CODES.has(code) ? String(code) : 'other';
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

/**
 * Node caches the peer's address in an object on the socket once it has been read (~90 B with its
 * string, for the connection's lifetime). The gateway keeps the address it needs in PeerCount, and
 * Node reads it again if anyone asks while the socket is open.
 */
function forgetPeerName(socket: Duplex): void {
  const cached = socket as Duplex & { _peername?: unknown };
  if (cached._peername !== undefined) cached._peername = undefined;
}
