/**
 * The socket class the gateway's WebSocketServer creates for every connection: a `ws` WebSocket
 * that hands its events straight to its session.
 *
 * Why not listeners: four `ws.on(…)` per connection cost a listener table per socket (and, with
 * closures, a context each); tens of thousands of idle connections pay that for nothing. Others
 * may still listen (e.g. the gateway waits for `close` on shutdown): those get every event too.
 */
import { WebSocket, type RawData } from 'ws';

/** What a SessionSocket tells its session. */
export interface SocketEvents {
  /** A data frame from the peer. */
  onFrame(data: RawData, isBinary: boolean): void;
  /** A pong from the peer. */
  onPong(): void;
  /** The socket has closed (`code` as ws reports it). */
  onClose(code: number): void;
}

/** A `ws` WebSocket with a session field; created by ws (the `WebSocket` server option). */
export class SessionSocket extends WebSocket {
  /** Who receives this socket's events; null until a session is started (or never, when refused). */
  session: SocketEvents | null = null;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const session = this.session;
    if (session !== null) {
      if (event === 'message') session.onFrame(args[0] as RawData, args[1] as boolean);
      else if (event === 'pong') session.onPong();
      else if (event === 'close') session.onClose(args[0] as number);
    }
    // ws closes the socket itself after an error (e.g. 1009 for an oversized frame): without a
    // listener, EventEmitter would throw it instead.
    if (event === 'error' && this.listenerCount('error') === 0) return false;
    return super.emit(event, ...args);
  }
}
