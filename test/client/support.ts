/** Helpers for the client's node tests: a real relay on 127.0.0.1:0, and bounded waits. */
import { WebSocket } from 'ws';
import { createRelay, type Relay, type RelayOptions } from '../../src/server/relay.js';
import type { SocketEvent, SocketEventType, WebSocketConstructor, WebSocketLike } from '../../src/client/core/socket-session.js';

/** `ws` as the core's WebSocket constructor. */
export const NodeWebSocket: WebSocketConstructor = WebSocket;

/** Starts a quiet relay on a free port (or `options.port`). */
export function startRelay(options: RelayOptions = {}): Promise<Relay> {
  return createRelay({ host: '127.0.0.1', port: 0, simulate: false, quiet: true, ...options });
}

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** The relay's `/healthz` JSON. */
export async function health(relay: Relay): Promise<{ status: string; connections: number; channels: number; subscriptions: number }> {
  const response = await fetch(`${relay.httpUrl}/healthz`);
  return (await response.json()) as { status: string; connections: number; channels: number; subscriptions: number };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What an instrumented WebSocket constructor records and can be told to do. */
export interface SocketControl {
  /** Sockets constructed so far (connection attempts). */
  attempts: number;
  /** Attempt times, `Date.now()`. */
  attemptTimes: number[];
  /** While true, sockets go to a path the relay refuses (as a proxy that blocks WebSockets would). */
  blocked: boolean;
  /** The `Origin` the sockets send, as a page of that origin would (none by default, as Node). */
  origin?: string;
  /** Return true to drop an incoming frame before the core sees it (a lost frame). */
  dropFrame: (raw: string) => boolean;
  /** The constructor to pass as `WebSocket`. */
  WebSocket: new (url: string) => WebSocketLike;
}

/**
 * A `ws` WebSocket wrapped so a test can count attempts, block the upgrade, or lose a frame.
 * The relay on the other side is real; only the client's edge is steered.
 */
export function instrumentedWebSocket(): SocketControl {
  const control: SocketControl = {
    attempts: 0,
    attemptTimes: [],
    blocked: false,
    dropFrame: () => false,
    WebSocket: class implements WebSocketLike {
      private readonly inner: WebSocket;
      private readonly wrapped = new Map<unknown, (event: SocketEvent) => void>();
      constructor(url: string) {
        control.attempts++;
        control.attemptTimes.push(Date.now());
        this.inner = new WebSocket(control.blocked ? url.replace(/\/ws$/, '/blocked-by-proxy') : url, control.origin === undefined ? {} : { origin: control.origin });
      }
      get readyState() {
        return this.inner.readyState;
      }
      send(data: string) {
        this.inner.send(data);
      }
      close(code?: number, reason?: string) {
        this.inner.close(code, reason);
      }
      addEventListener(type: SocketEventType, listener: (event: SocketEvent) => void) {
        const wrapped = type === 'message' ? (event: SocketEvent) => {
          if (!control.dropFrame(String(event.data))) listener(event);
        } : listener;
        this.wrapped.set(listener, wrapped);
        this.inner.addEventListener(type, wrapped);
      }
      removeEventListener(type: SocketEventType, listener: (event: SocketEvent) => void) {
        this.inner.removeEventListener(type, this.wrapped.get(listener) ?? listener);
      }
    },
  };
  return control;
}

/** The value of a Prometheus counter line, e.g. `market_pulse_messages_in_total{type="subscribe"}`. */
export async function metric(relay: Relay, line: string): Promise<number> {
  const text = await (await fetch(`${relay.httpUrl}/metrics`)).text();
  const found = text.split('\n').find((row) => row.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}
