/** P1, peer: a tab with its own socket.io-client connection (WebSocket transport). */
import { io } from 'socket.io-client';
import { probeExtra, ready } from './probe.js';

const params = new URLSearchParams(location.search);
const socket = io(params.get('origin') ?? '', { transports: ['websocket'] });
socket.emit('subscribe', [params.get('channel') ?? 'price:SYM000'], () => undefined);
socket.on('update', () => {
  if (!window.__benchReady) {
    probeExtra.mode = 'own socket';
    ready();
  }
});
