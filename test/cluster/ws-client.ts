/** A `ws` test client for the cluster tests: logs every server message (batches flattened). */
import WebSocket from 'ws';
import { parseServerMessage, type ServerMessage } from '../../src/protocol/index.js';
import { waitFor } from './helpers.js';

export interface ClusterClient {
  /** Every message received, in order. */
  received: ServerMessage[];
  /** Frames the client could not parse (must stay empty). */
  invalid: string[];
  subscribe(id: number, channels: string[], since?: Record<string, number>): void;
  /** Waits for a message matching `predicate` and returns it. */
  next<T extends ServerMessage>(what: string, predicate: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<T>;
  isOpen(): boolean;
  close(): Promise<void>;
}

/** Opens a client on `wsUrl`; resolves once open. */
export async function openClient(wsUrl: string): Promise<ClusterClient> {
  const ws = new WebSocket(wsUrl);
  const received: ServerMessage[] = [];
  const invalid: string[] = [];
  ws.on('error', () => {});
  ws.on('message', (data) => {
    const parsed = parseServerMessage(String(data));
    if (!parsed.ok) invalid.push(String(data).slice(0, 200));
    else if (parsed.message.type === 'batch') received.push(...parsed.message.messages);
    else received.push(parsed.message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return {
    received,
    invalid,
    subscribe: (id, channels, since) => ws.send(JSON.stringify({ type: 'subscribe', id, channels, ...(since ? { since } : {}) })),
    async next<T extends ServerMessage>(what: string, predicate: (message: ServerMessage) => boolean, timeoutMs = 15_000) {
      await waitFor(what, () => received.some(predicate), timeoutMs);
      return received.find(predicate) as T;
    },
    isOpen: () => ws.readyState === WebSocket.OPEN,
    async close() {
      ws.close();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      ws.terminate();
    },
  };
}
