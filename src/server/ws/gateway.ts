/**
 * The WebSocket side of the relay: upgrades on `/ws` (origin check → HTTP 403), the per-IP
 * connection cap (close 4003), sessions, the heartbeat, and closing everyone on shutdown (1001).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode } from '../../protocol/index.js';
import { isOriginAllowed } from '../http/origins.js';
import { Session, type SessionContext } from './session.js';

/** Path of the WebSocket endpoint. */
export const WS_PATH = '/ws';

/** Options of the gateway that come from the relay options. */
export interface GatewayOptions {
  allowedOrigins: string[];
  /** Count connections per the address a trusted reverse proxy put last in `X-Forwarded-For`. */
  trustProxy: boolean;
}

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
  private readonly sessions = new Set<Session>();
  private readonly perIp = new Map<string, number>();
  private readonly sockets = new Set<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private closing = false;

  constructor(server: Server, private readonly ctx: SessionContext, private readonly options: GatewayOptions) {
    // perMessageDeflate off: it costs CPU and memory per connection, and ticks are small.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: ctx.limits.maxPayload, perMessageDeflate: false });
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
    this.heartbeat = setInterval(() => {
      const now = Date.now();
      for (const session of this.sessions) session.heartbeat(now);
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
    for (const ws of this.sockets) total += ws.bufferedAmount;
    return total;
  }

  /** Closes every connection with 1001 and resolves once all are closed (forcing after 2 s). */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    const closed = [...this.sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          ws.once('close', () => resolve());
        }),
    );
    for (const session of this.sessions) session.close(CloseCode.GoingAway, 'server shutting down');
    for (const ws of this.sockets) if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(CloseCode.GoingAway, 'server shutting down');
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    if (this.closing) return reject(socket, 503, 'Service Unavailable');
    if (path !== WS_PATH) return reject(socket, 404, 'Not Found');
    if (!isOriginAllowed(request.headers.origin, this.options.allowedOrigins)) return reject(socket, 403, 'Forbidden');
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    const { metrics, limits, log } = this.ctx;
    const ip = clientAddress(request, this.options.trustProxy);
    this.sockets.add(ws);
    ws.on('error', () => {
      // ws closes the socket itself (e.g. 1009 for an oversized frame); nothing may throw here.
    });
    const count = (this.perIp.get(ip) ?? 0) + 1;
    this.perIp.set(ip, count);
    let session: Session | null = null;
    ws.once('close', (code: number) => {
      this.sockets.delete(ws);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
      if (session) {
        this.sessions.delete(session);
        session.dispose();
      }
      metrics.disconnects.inc({ code: codeLabel(session?.closeCode ?? code) });
    });
    if (count > limits.maxConnectionsPerIp) {
      ws.close(CloseCode.TooManyConnections, 'too many connections from this address');
      const force = setTimeout(() => ws.terminate(), 2_000);
      force.unref();
      return;
    }
    try {
      session = new Session(ws, this.ctx);
      this.sessions.add(session);
    } catch (error) {
      log.error('could not start a session', error);
      ws.close(CloseCode.InternalError, 'internal error');
    }
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
