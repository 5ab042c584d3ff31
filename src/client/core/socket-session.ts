/**
 * One WebSocket attempt: creation, a connect deadline, and handlers that can be detached at once so
 * a replaced socket never reaches the core again. Works with the browser's WebSocket and with `ws`.
 */

/** The subset of the WebSocket API the core uses (the browser's and `ws` both provide it). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: SocketEventType, listener: (event: SocketEvent) => void): void;
  removeEventListener(type: SocketEventType, listener: (event: SocketEvent) => void): void;
}

/** Events the core listens to. */
export type SocketEventType = 'open' | 'message' | 'close' | 'error';

/** The fields of socket events the core reads (a union of the event kinds, loosely typed). */
export interface SocketEvent {
  type?: string;
  data?: unknown;
  code?: number;
  reason?: string;
}

/** A WebSocket constructor: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

const OPEN = 1;
const CONNECTING = 0;

/** Callbacks of a session; `close` is called exactly once. */
export interface SessionHandlers {
  open(): void;
  message(data: unknown): void;
  close(code: number | undefined, reason: string): void;
}

/** A socket attempt. */
export class SocketSession {
  readonly #socket: WebSocketLike | null = null;
  readonly #timer: ReturnType<typeof setTimeout>;
  #ended = false;
  readonly #listeners: Array<[SocketEventType, (event: SocketEvent) => void]>;
  readonly #handlers: SessionHandlers;

  constructor(WebSocketImpl: WebSocketConstructor, url: string, connectTimeoutMs: number, handlers: SessionHandlers) {
    this.#handlers = handlers;
    this.#listeners = [
      ['open', () => {
        clearTimeout(this.#timer);
        handlers.open();
      }],
      ['message', (event) => handlers.message(event.data)],
      ['close', (event) => this.#end(event.code, event.reason || `closed with code ${event.code}`)],
      // `error` is always followed by `close`, which carries the code: nothing to do here.
      ['error', () => {}],
    ];
    this.#timer = setTimeout(() => this.#end(undefined, 'connect timeout'), connectTimeoutMs);
    try {
      this.#socket = new WebSocketImpl(url);
      for (const [type, listener] of this.#listeners) this.#socket.addEventListener(type, listener);
    } catch (error) {
      // A malformed URL or a blocked scheme throws synchronously: report it like a failed connect.
      queueMicrotask(() => this.#end(undefined, `cannot open WebSocket: ${String((error as Error)?.message ?? error)}`));
    }
  }

  /** Whether the socket is still opening. */
  get connecting(): boolean {
    return !this.#ended && this.#socket?.readyState === CONNECTING;
  }

  /** Sends a frame when open; frames sent while not open are dropped (the core resubscribes on open). */
  send(data: string): void {
    if (!this.#ended && this.#socket?.readyState === OPEN) this.#socket.send(data);
  }

  /** Detaches every handler and closes the socket; no callback fires after this. */
  dispose(code: number, reason: string): void {
    this.#ended = true;
    clearTimeout(this.#timer);
    const socket = this.#socket;
    if (!socket) return;
    for (const [type, listener] of this.#listeners) socket.removeEventListener(type, listener);
    // Swallow a late `error` from a socket closed while connecting (ws emits one).
    socket.addEventListener('error', () => {});
    try {
      if (socket.readyState === OPEN || socket.readyState === CONNECTING) socket.close(code >= 4000 || code === 1000 ? code : 1000, reason.slice(0, 120));
    } catch {
      // closing a socket that is already going away may throw in some implementations
    }
  }

  #end(code: number | undefined, reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#handlers.close(code, reason);
  }
}
