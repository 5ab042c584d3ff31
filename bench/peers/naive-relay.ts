/**
 * Peer: the naive `ws` relay most tutorials end with. Speaks enough of protocol v1 for the same
 * load generator (subscribe → ack; updates), and for each tick sends one frame per subscribed
 * client (the payload is serialized once per tick, which is already kinder than most such code).
 * No batching, no conflation, no slow-consumer protection.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RelayUnderTest } from './relay-under-test.js';

export async function startNaiveRelay(): Promise<RelayUnderTest> {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, path: '/ws' });
  const subscribers = new Map<string, Set<WebSocket>>();
  const seqs = new Map<string, number>();

  wss.on('connection', (ws) => {
    const mine = new Set<string>();
    ws.on('message', (raw) => {
      let message: { type?: string; id?: number; channels?: unknown };
      try {
        message = JSON.parse(String(raw));
      } catch {
        return;
      }
      if (message.type === 'subscribe' && Array.isArray(message.channels)) {
        for (const channel of message.channels) {
          if (typeof channel !== 'string') continue;
          mine.add(channel);
          let set = subscribers.get(channel);
          if (!set) subscribers.set(channel, (set = new Set()));
          set.add(ws);
        }
        ws.send(JSON.stringify({ type: 'ack', id: message.id }));
      } else if (message.type === 'ping') ws.send(JSON.stringify({ type: 'pong', t: (message as { t?: number }).t }));
    });
    ws.on('close', () => {
      for (const channel of mine) subscribers.get(channel)?.delete(ws);
    });
    ws.on('error', () => undefined);
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as { port: number }).port;
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    connections: () => wss.clients.size,
    publish(symbol, data) {
      const channel = `price:${symbol}`;
      const seq = (seqs.get(channel) ?? 0) + 1;
      seqs.set(channel, seq);
      const set = subscribers.get(channel);
      if (!set || set.size === 0) return;
      const frame = JSON.stringify({ type: 'update', channel, seq, data });
      for (const ws of set) ws.send(frame);
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
