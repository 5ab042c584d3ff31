/** Helpers for the client's node tests: a real relay on 127.0.0.1:0, and bounded waits. */
import { WebSocket } from 'ws';
import { createRelay, type Relay, type RelayOptions } from '../../src/server/relay.js';
import type { WebSocketConstructor } from '../../src/client/core/socket-session.js';

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
