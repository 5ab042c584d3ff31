/** P1/P2, peer: a tab with its own plain WebSocket speaking protocol v1 (no worker, no library). */
import { alignClock, tickReceived } from './frame-latency.js';
import { probeExtra, ready } from './probe.js';

type Frame = { type?: string; data?: { ts?: unknown }; messages?: Array<{ type?: string; data?: { ts?: unknown } }> };

const params = new URLSearchParams(location.search);
await alignClock();
const socket = new WebSocket(params.get('ws') ?? '');
socket.onopen = () => socket.send(JSON.stringify({ type: 'subscribe', id: 1, channels: [params.get('channel') ?? 'price:SYM000'] }));
socket.onmessage = (event) => {
  const frame = JSON.parse(String(event.data)) as Frame;
  const updates = frame.type === 'batch' ? (frame.messages ?? []) : [frame];
  for (const message of updates) {
    if (message.type !== 'update') continue;
    tickReceived(message.data?.ts);
    if (!window.__benchReady) {
      probeExtra.mode = 'own socket';
      ready();
    }
  }
};
