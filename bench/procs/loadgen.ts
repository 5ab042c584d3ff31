/**
 * Load generator process: opens many WebSocket clients against one relay, subscribes them and
 * measures delivery latency (read time − tick `ts`, both fractional-ms wall clock on this
 * machine) and deliveries/s. Speaks protocol v1 (ours, naive relay) or raw engine.io/socket.io v4
 * frames over bare sockets (RawWsClient: frames read in place, no string or object per message),
 * so the client side costs the same little for every server under test.
 * Commands: open, subscribe, measure, pause, resume, status, close.
 */
import { serveCommands } from '../lib/child.js';
import { RawWsClient } from '../lib/raw-ws-client.js';
import { LatencyHistogram } from '../lib/stats.js';
import { bytesOf, findBytes, pattern, scanSocketIo, scanV1, startsWith } from '../lib/update-scan.js';

type Dialect = 'v1' | 'socketio';

interface Client {
  index: number;
  ws: RawWsClient;
  open: boolean;
  onAck: (() => void) | null;
  /** Resolves when a socket.io client has joined the default namespace (`40`). */
  onSioConnect: (() => void) | null;
}

let clients: Client[] = [];
let dialect: Dialect = 'v1';
const histogram = new LatencyHistogram();
let deliveries = 0;
let frames = 0;
let slowDeliveries = 0;
const slow = new Set<number>();
const closeCodes = new Map<number, number>();

/** The time of the read being scanned; `record` is called for every update found in it. */
let receivedAt = 0;
function record(ts: number): void {
  if (!Number.isNaN(ts)) histogram.record(receivedAt - ts); // NaN: an update without ts, counted only
}
/** Updates to clients paused on purpose (P5) are not deliveries of the measured clients. */
function ignore(): void {}

const ACK = pattern('"type":"ack"');
const SIO = { ping: bytesOf('2'), open: bytesOf('0'), connected: bytesOf('40'), ack: bytesOf('43') };

/**
 * One message of either dialect. Both read the bytes in place (update-scan): v1 counts every
 * `"type":"update"` and reads the `"ts":` after it; socket.io counts `42["update",…` packets and
 * answers engine.io pings. Engine.io pings are not counted as frames (the relays' WebSocket pings
 * are not either), so "no frames" means the same quiet for every relay.
 */
function onMessage(client: Client, buf: Buffer, start: number, end: number, now: number): void {
  receivedAt = now;
  const isSlow = slow.size > 0 && slow.has(client.index);
  if (dialect === 'v1') {
    frames++;
    const found = scanV1(buf, start, end, isSlow ? ignore : record);
    if (isSlow) slowDeliveries += found;
    else deliveries += found;
    if (found === 0 && client.onAck && findBytes(buf, ACK, start, end) >= 0) {
      const done = client.onAck;
      client.onAck = null;
      done();
    }
    return;
  }
  if (end - start === 1 && buf[start] === SIO.ping[0]) return client.ws.send('3');
  frames++;
  const found = scanSocketIo(buf, start, end, isSlow ? ignore : record);
  if (found > 0) {
    if (isSlow) slowDeliveries += found;
    else deliveries += found;
  } else if (startsWith(buf, SIO.connected, start, end)) {
    client.open = true;
    const done = client.onSioConnect;
    client.onSioConnect = null;
    done?.();
  } else if (startsWith(buf, SIO.open, start, end)) client.ws.send('40');
  else if (startsWith(buf, SIO.ack, start, end)) {
    const done = client.onAck;
    client.onAck = null;
    done?.();
  }
}

async function connect(index: number, url: string, timeoutMs: number): Promise<Client> {
  const client: Client = { index, ws: null as unknown as RawWsClient, open: false, onAck: null, onSioConnect: null };
  client.ws = new RawWsClient(url, {
    onMessage: (_ws, buf, start, end, now) => onMessage(client, buf, start, end, now),
    onClose: (_ws, code) => {
      client.open = false;
      closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
    },
  }, timeoutMs);
  const joined = dialect === 'socketio' ? new Promise<void>((resolve) => (client.onSioConnect = resolve)) : null;
  await client.ws.opened;
  if (!joined) {
    client.open = true;
    return client;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('socket.io connect timeout')), timeoutMs)));
  try {
    await Promise.race([joined, late]);
  } catch (error) {
    client.ws.terminate();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return client;
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
      /** Deliveries whose tick `ts` was read (all of them, unless a relay sent one without). */
      timed: histogram.total,
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
    client?.ws.socket.pause();
    return null;
  },
  resume({ index }) {
    const client = clients[Number(index)];
    slow.delete(Number(index));
    client?.ws.socket.resume();
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
