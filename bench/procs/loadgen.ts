/**
 * Load generator process: opens many WebSocket clients against one relay, subscribes them and
 * measures delivery latency (receive time − tick `ts`, both fractional-ms wall clock on this
 * machine) and deliveries/s. Speaks protocol v1 (ours, naive relay) or raw engine.io/socket.io v4
 * frames, so the client side costs the same little for every server under test.
 * Commands: open, subscribe, measure, pause, resume, status, close.
 */
import WebSocket from 'ws';
import { serveCommands } from '../lib/child.js';
import { LatencyHistogram, preciseNow } from '../lib/stats.js';

type Dialect = 'v1' | 'socketio';

interface Client {
  index: number;
  ws: WebSocket;
  open: boolean;
  onAck: (() => void) | null;
}

let clients: Client[] = [];
let dialect: Dialect = 'v1';
const histogram = new LatencyHistogram();
let deliveries = 0;
let frames = 0;
let slowDeliveries = 0;
const slow = new Set<number>();
const closeCodes = new Map<number, number>();

/** Records one delivery whose tick `ts` starts at `at` in `text` (or is missing: at < 0). */
function deliver(client: Client, text: string, at: number, now: number): void {
  if (slow.has(client.index)) {
    slowDeliveries++;
    return;
  }
  deliveries++;
  if (at >= 0) {
    const ts = parseFloat(text.slice(at + 5, at + 30));
    if (Number.isFinite(ts)) histogram.record(now - ts);
  }
}

const UPDATE = '"type":"update"';

/**
 * Protocol v1 frames, read without JSON.parse: every update (alone or in a batch) is one
 * `"type":"update"` and its tick's `"ts":` follows it. The relays under test all write that key
 * order; the reader only has to be cheap and the same for every relay.
 */
function onV1(client: Client, text: string): void {
  const now = preciseNow();
  let at = text.indexOf(UPDATE);
  if (at < 0) {
    if (text.includes('"type":"ack"')) {
      const done = client.onAck;
      client.onAck = null;
      done?.();
    }
    return;
  }
  while (at >= 0) {
    const ts = text.indexOf('"ts":', at);
    deliver(client, text, ts, now);
    at = text.indexOf(UPDATE, ts < 0 ? at + UPDATE.length : ts);
  }
}

function onSocketIo(client: Client, text: string): void {
  const now = preciseNow();
  if (text.startsWith('42["update"')) deliver(client, text, text.indexOf('"ts":'), now);
  else if (text === '2') client.ws.send('3');
  else if (text.startsWith('0')) client.ws.send('40');
  else if (text.startsWith('40')) {
    client.open = true;
    client.ws.emit('sio-connected');
  } else if (text.startsWith('43')) {
    const done = client.onAck;
    client.onAck = null;
    done?.();
  }
}

function connect(index: number, url: string, timeoutMs: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    // The frames are ASCII JSON: latin1 decoding without UTF-8 validation is the cheapest exact read.
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    const client: Client = { index, ws, open: false, onAck: null };
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('connect timeout'))), timeoutMs);
    const ready = () => (clearTimeout(timer), resolve(client));
    ws.on('message', (raw) => {
      frames++;
      try {
        (dialect === 'v1' ? onV1 : onSocketIo)(client, (raw as Buffer).toString('latin1'));
      } catch {
        // a frame we cannot read is not a delivery; keep going
      }
    });
    ws.on('open', () => {
      if (dialect === 'v1') {
        client.open = true;
        ready();
      }
    });
    ws.once('sio-connected', ready);
    ws.on('close', (code) => {
      client.open = false;
      closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
    });
    ws.on('error', (error) => (clearTimeout(timer), reject(error)));
  });
}

function subscribeOne(client: Client, channels: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('subscribe timeout')), timeoutMs);
    client.onAck = () => (clearTimeout(timer), resolve());
    if (dialect === 'v1') client.ws.send(JSON.stringify({ type: 'subscribe', id: 1, channels }));
    else client.ws.send(`421${JSON.stringify(['subscribe', channels])}`);
  });
}

/** Runs `task` over `items` with at most `limit` in flight; returns how many failed. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  let failed = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await task(item).catch(() => void failed++);
    }
  });
  await Promise.all(workers);
  return failed;
}

serveCommands({
  /**
   * Opens `count` clients (adds to the open ones); `channels` non-empty also subscribes them.
   * With `spread: k`, client i subscribes to only k of the channels, i, i+n/k, i+2n/k… (mod n):
   * every channel gets the same share of clients, like watchlists over a market.
   */
  async open({ url, count, channels, kind, concurrency, spread }) {
    dialect = kind === 'socketio' ? 'socketio' : 'v1';
    const start = clients.length;
    const indexes = Array.from({ length: Number(count) }, (_, i) => start + i);
    const opened: Client[] = [];
    const failed = await pool(indexes, Number(concurrency ?? 200), async (index) => {
      const client = await connect(index, String(url), 30_000);
      opened.push(client);
      if (Array.isArray(channels) && channels.length > 0) {
        const all = channels as string[];
        const k = Number(spread ?? 0);
        const mine = k > 0 && k < all.length ? Array.from({ length: k }, (_, j) => all[(index + (j * all.length) / k) % all.length]!) : all;
        await subscribeOne(client, mine, 30_000);
      }
    });
    clients.push(...opened.sort((a, b) => a.index - b.index));
    return { opened: opened.length, failed };
  },
  async subscribe({ channels, concurrency }) {
    const failed = await pool(clients.filter((c) => c.open), Number(concurrency ?? 200), (c) =>
      subscribeOne(c, channels as string[], 30_000),
    );
    return { failed };
  },
  /** Counts deliveries and latency for `ms` (slow clients excluded). */
  async measure({ ms }) {
    histogram.reset();
    deliveries = frames = slowDeliveries = 0;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    const seconds = (performance.now() - started) / 1000;
    return {
      deliveries,
      perSecond: deliveries / seconds,
      framesPerSecond: frames / seconds,
      slowDeliveries,
      p50: histogram.quantile(0.5),
      p99: histogram.quantile(0.99),
      max: histogram.quantile(1),
      open: clients.filter((c) => c.open).length,
    };
  },
  /** Stops reading client `index`'s socket (TCP backpressure reaches the server). */
  pause({ index }) {
    const client = clients[Number(index)];
    slow.add(Number(index));
    (client?.ws as unknown as { _socket?: { pause(): void } })?._socket?.pause();
    return null;
  },
  resume({ index }) {
    const client = clients[Number(index)];
    slow.delete(Number(index));
    (client?.ws as unknown as { _socket?: { resume(): void } })?._socket?.resume();
    return null;
  },
  status() {
    return { open: clients.filter((c) => c.open).length, closeCodes: Object.fromEntries(closeCodes) };
  },
  async close() {
    for (const client of clients) client.ws.terminate();
    clients = [];
    slow.clear();
    closeCodes.clear();
    return null;
  },
});
