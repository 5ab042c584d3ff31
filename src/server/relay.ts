/**
 * The relay: one HTTP server carrying the WebSocket endpoint (`/ws`), the HTTP API and the static
 * demo, on top of a channel backend (in-process, or Redis for several nodes).
 *
 * @example
 * const relay = await createRelay({ port: 0, simulate: true });
 * console.log(relay.wsUrl); // ws://127.0.0.1:54321/ws
 * await relay.close();
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChannelData } from '../protocol/index.js';
import type { RedisBackendOptions } from './backend/redis-backend.js';
import type { ChannelBackend } from './backend/types.js';
import { handleApi, type ApiContext } from './http/api.js';
import { sendError } from './http/respond.js';
import { handleStatic } from './http/static.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { resolveLimits, type RelayOptions } from './options.js';
import { openBackend, runSimulator, type SimulatorRun } from './setup.js';
import { TokenVerifier } from './ws/auth.js';
import { Flusher } from './ws/flusher.js';
import { Gateway, WS_PATH } from './ws/gateway.js';
import { Hub } from './ws/hub.js';

export type { RelayLimits, RelayOptions } from './options.js';
export { DEFAULT_LIMITS } from './options.js';
export type { ChannelBackend } from './backend/types.js';
export type { RedisBackendOptions } from './backend/redis-backend.js';
export { createMemoryBackend, type MemoryBackendOptions } from './backend/memory-backend.js';

/**
 * A Redis backend with every setting (`keyPrefix` to share one Redis between deployments,
 * `historyTtlMs`, timeouts…), for `createRelay({ backend })`; the Redis client loads on first call.
 * A backend passed in is yours to close (`await backend.close()`) after the relay.
 * @example
 * const backend = await createRedisBackend({ url: 'redis://127.0.0.1:6379', keyPrefix: 'staging:' });
 * const relay = await createRelay({ backend, port: 8080 });
 */
export async function createRedisBackend(options: RedisBackendOptions): Promise<ChannelBackend> {
  return (await import('./backend/redis-backend.js')).createRedisBackend(options);
}

/** A running relay. */
export interface Relay {
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  readonly host: string;
  /** `http://host:port` */
  readonly httpUrl: string;
  /** `ws://host:port/ws` */
  readonly wsUrl: string;
  /** The channel backend; tests and embedders may publish through it directly. */
  readonly backend: ChannelBackend;
  /** Publishes one message as any publisher would (validated by the caller). */
  publish(channel: string, data: ChannelData): Promise<{ channel: string; seq: number }>;
  /** Stops accepting, closes clients with 1001, releases the port; resolves when done. */
  close(): Promise<void>;
}

/** The package root (two levels above this file, in src/server/ and in dist/server/ alike). */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts a relay; resolves once it listens. */
export async function createRelay(options: RelayOptions = {}): Promise<Relay> {
  const limits = resolveLimits(options.limits);
  const log = createLogger(options.quiet);
  const host = options.host ?? '127.0.0.1';
  const allowedOrigins = options.allowedOrigins ?? [];
  const staticRoot = options.staticRoot ?? PACKAGE_ROOT;
  const verifier = createVerifier(options); // before anything opens: bad key settings leave nothing running
  const { backend, owned } = await openBackend(options, limits, log);

  let gateway: Gateway | null = null;
  const hub = new Hub(backend, (error) => log.error('delivery failed', error));
  const metrics = createMetrics({
    connections: () => gateway?.connections ?? 0,
    subscriptions: () => hub.subscriptions,
    channels: () => hub.channelCount,
    queuedMessages: () => gateway?.queued ?? 0,
    bufferedBytes: () => gateway?.bufferedBytes ?? 0,
    historyBytes: () => backend.historyBytes?.(),
    unreadableChannels: () => backend.unreadableChannels?.(),
  });
  const publishOne = async (channel: string, data: ChannelData, source: string) => {
    const envelope = await backend.publish(channel, data);
    metrics.published.inc({ source });
    return { channel, seq: envelope.seq };
  };

  const api: ApiContext = {
    verifier,
    backend,
    metrics,
    limits,
    log,
    allowedOrigins,
    publishToken: options.publishToken || undefined,
    nodeId: randomUUID().slice(0, 8),
    startedAt: Date.now(),
    stats: () => ({ connections: gateway?.connections ?? 0, channels: hub.channelCount, subscriptions: hub.subscriptions }),
    async publish(items, source) {
      const results = [];
      for (const item of items) results.push(await publishOne(item.channel, item.data, source));
      return results;
    },
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log.error('request failed', error);
      if (!res.headersSent) sendError(res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (path === WS_PATH) return sendError(res, 426, 'use a WebSocket upgrade', { Upgrade: 'websocket' });
    if (await handleApi(req, res, path, api)) return;
    if (await handleStatic(req, res, path, staticRoot)) return;
    sendError(res, 404, 'not found');
  }

  const flusher = new Flusher(limits.flushIntervalMs);
  gateway = new Gateway(server, { limits, backend, hub, flusher, metrics, verifier, log }, { allowedOrigins, trustProxy: options.trustProxy ?? false });

  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8080, host, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  } catch (error) {
    // E.g. EADDRINUSE: release what was set up, so a failed start leaves nothing running.
    await gateway.close();
    flusher.stop();
    metrics.close();
    if (owned) await backend.close();
    throw error;
  }
  server.on('error', (error) => log.error('server error', error));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8080);
  const urlHost = host.includes(':') ? `[${host}]` : host;

  if (!verifier) log.warn('neither MARKET_PULSE_JWT_SECRET nor MARKET_PULSE_JWKS_URL is set: authentication is OFF, every client may subscribe to every channel');
  else if (options.jwksUrl && !(await verifier.warmUp())) log.warn(`the key set at ${options.jwksUrl} could not be fetched: tokens cannot be checked until it can (clients are closed 1011 and retry)`);
  if (!api.publishToken) log.info('MARKET_PULSE_PUBLISH_TOKEN is not set: POST /v1/publish is disabled');

  let simulator: SimulatorRun | null = null;
  if (options.simulate) {
    const simulatorOptions = typeof options.simulate === 'object' ? options.simulate : {};
    simulator = runSimulator(backend, (channel, data) => publishOne(channel, data, 'simulator'), simulatorOptions, log);
  }

  let closing: Promise<void> | null = null;
  return {
    port,
    host,
    httpUrl: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port}${WS_PATH}`,
    backend,
    publish: (channel, data) => publishOne(channel, data, 'api'),
    close() {
      closing ??= (async () => {
        await simulator?.stop();
        const stopped = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        await gateway?.close();
        flusher.stop();
        server.closeAllConnections();
        await stopped;
        metrics.close();
        if (owned) await backend.close();
      })();
      return closing;
    },
  };
}

/** The token verifier the options ask for, or null (auth off); throws for conflicting or bad key settings. */
function createVerifier(options: RelayOptions): TokenVerifier | null {
  const { jwtSecret, jwksUrl } = options;
  if (jwtSecret && jwksUrl) throw new TypeError('set either a JWT secret (MARKET_PULSE_JWT_SECRET) or a JWKS URL (MARKET_PULSE_JWKS_URL), not both');
  if (jwksUrl && !isHttpUrl(jwksUrl)) throw new TypeError(`the JWKS URL must be an http(s) URL, got ${JSON.stringify(jwksUrl)}`);
  if (!jwtSecret && !jwksUrl) return null;
  return new TokenVerifier({ secret: jwtSecret || undefined, jwksUrl: jwksUrl || undefined, issuer: options.jwtIssuer || undefined, audience: options.jwtAudience });
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
