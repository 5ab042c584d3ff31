/** P1/P2, ours: a tab using connectFeed() in shared-worker mode (the worker file is served next to the page). */
import { connectFeed } from '../../src/client/connect-feed.js';
import { alignClock, tickReceived } from './frame-latency.js';
import { probeExtra, ready } from './probe.js';

const params = new URLSearchParams(location.search);
await alignClock();
const feed = connectFeed(params.get('ws') ?? '', { mode: 'shared-worker', worker: '/shared-worker.js' });
feed.subscribe(params.get('channel') ?? 'price:SYM000', (update) => {
  tickReceived(update.data.ts);
  if (!window.__benchReady) {
    probeExtra.mode = feed.status.mode;
    ready();
  }
});
