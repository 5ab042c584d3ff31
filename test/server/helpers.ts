/**
 * Shared helpers for relay tests: a real relay on 127.0.0.1 port 0, and a test client that logs
 * every message it receives (batches flattened) and waits for events with a timeout.
 */
import WebSocket, { type ClientOptions } from 'ws';
import { SignJWT } from 'jose';
import { parseServerMessage, type ServerMessage } from '../../src/protocol/index.js';
import { createRelay, type Relay, type RelayOptions } from '../../src/server/relay.js';

/** Generous default wait: tests share a loaded 2-core machine. */
export const TIMEOUT_MS = 10_000;

/** Starts a quiet relay on a free port with no simulator. */
export function startRelay(options: RelayOptions = {}): Promise<Relay> {
  return createRelay({ port: 0, host: '127.0.0.1', simulate: false, quiet: true, ...options });
}

/** A message as logged by TestClient: one entry per channel message (batches are flattened). */
export type Logged = ServerMessage & { raw?: string };

export interface TestClient {
  ws: WebSocket;
  /** Every message received, in order, batches flattened. */
  received: ServerMessage[];
  /** Raw text of every frame received. */
  frames: string[];
  send(message: unknown): void;
  /** Resolves with the first logged message (past or future) that matches. */
  waitFor<T extends ServerMessage = ServerMessage>(predicate: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves once the socket closes, with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** Opens a WebSocket to the relay and resolves once it is open. */
export async function connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options);
  const received: ServerMessage[] = [];
  const frames: string[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('error', () => {});
  ws.on('message', (data) => {
    const text = String(data);
    frames.push(text);
    const parsed = parseServerMessage(text);
    if (!parsed.ok) throw new Error(`relay sent an invalid frame: ${text.slice(0, 200)}`);
    if (parsed.message.type === 'batch') received.push(...parsed.message.messages);
    else received.push(parsed.message);
    for (const wake of [...waiters]) wake();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return {
    ws,
    received,
    frames,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    waitFor<T extends ServerMessage>(predicate: (message: ServerMessage) => boolean, timeoutMs = TIMEOUT_MS): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = received.find(predicate);
          if (!found) return false;
          cleanup();
          resolve(found as T);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms; received: ${JSON.stringify(received).slice(-600)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = () => void check();
        if (!check()) waiters.add(wake);
      });
    },
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      ws.terminate();
    },
  };
}

/** Resolves with the close event of `client`, or rejects after `timeoutMs`. */
export function waitForClose(client: TestClient, timeoutMs = TIMEOUT_MS): Promise<{ code: number; reason: string }> {
  return Promise.race([
    client.closed,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no close within ${timeoutMs} ms`)), timeoutMs)),
  ]);
}

/** A valid price tick for tests. */
export function tick(symbol: string, price: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { symbol, price, ts: Date.now(), ...extra };
}

/** Signs an HS256 JWT with a `channels` claim. `expiresIn` in seconds (negative: already expired). */
export async function signToken(secret: string, channels: string[], expiresIn = 60, algorithm = 'HS256'): Promise<string> {
  return new SignJWT({ channels })
    .setProtectedHeader({ alg: algorithm })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes. */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = TIMEOUT_MS, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${what} did not hold within ${timeoutMs} ms`);
}

/** Reads one sample of a metric from `/metrics` (labels as written, e.g. `{code="4001"}`); 0 when absent. */
export async function metricValue(httpUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
