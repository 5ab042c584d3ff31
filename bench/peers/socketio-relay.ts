/**
 * Peer: a socket.io relay. A client subscribes with `emit('subscribe', channels, ack)` and joins
 * one room per channel; each tick is `io.to(channel).emit('update', …)` (io.emit narrowed to the
 * channel's room: encoded once, written to each member). WebSocket transport only, no polling.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import type { RelayUnderTest } from './relay-under-test.js';

export async function startSocketIoRelay(): Promise<RelayUnderTest> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false, cors: { origin: '*' } });
  const seqs = new Map<string, number>();

  io.on('connection', (socket) => {
    socket.on('subscribe', (channels: unknown, ack?: () => void) => {
      if (Array.isArray(channels)) socket.join(channels.filter((c): c is string => typeof c === 'string'));
      if (typeof ack === 'function') ack();
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as { port: number }).port;
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
    connections: () => io.engine.clientsCount,
    publish(symbol, data) {
      const channel = `price:${symbol}`;
      const seq = (seqs.get(channel) ?? 0) + 1;
      seqs.set(channel, seq);
      io.to(channel).emit('update', { channel, seq, data });
    },
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
