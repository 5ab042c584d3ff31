/**
 * The relay's HTTP API: `/healthz`, `/metrics`, `/v1/snapshot` (CORS, for the polling fallback),
 * `/v1/history` (CORS, chart backfill; history.ts) and `/v1/publish` (bearer token). docs/protocol.md shows each request and response.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidChannel } from '../../protocol/index.js';
import { readLatest } from '../backend/batched-reads.js';
import type { ChannelBackend } from '../backend/types.js';
import type { Logger } from '../log.js';
import type { RelayMetrics } from '../metrics.js';
import type { RelayLimits } from '../options.js';
import type { TokenVerifier } from '../ws/auth.js';
import { handleHistory } from './history.js';
import { parsePublishBody, type PublishItem } from './publish-validation.js';
import { ChannelRefusedError } from '../backend/redis-acl.js';
import { acceptRead, authorizeRead, corsHeaders, readInEpoch, sendReadFailure } from './read-access.js';
import { snapshotAnswer } from './read-answers.js';
import { BodyTooLargeError, readBody, sendError, sendJson, sendJsonText } from './respond.js';

/** What the API reads from the relay. */
export interface ApiContext {
  backend: ChannelBackend;
  metrics: RelayMetrics;
  limits: RelayLimits;
  log: Logger;
  allowedOrigins: string[];
  publishToken: string | undefined;
  /** Set when JWT auth is on: `/v1/snapshot` and `/v1/history` then need a bearer JWT allowing every channel asked. */
  verifier: TokenVerifier | null;
  nodeId: string;
  startedAt: number;
  stats(): { connections: number; channels: number; subscriptions: number };
  /** Publishes through the backend (and counts it). */
  publish(items: PublishItem[], source: string): Promise<Array<{ channel: string; seq: number }>>;
}

/** Handles an API request; returns false when the path is not an API route. */
export async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, ctx: ApiContext): Promise<boolean> {
  switch (path) {
    case '/healthz':
      if (allow(req, res, ['GET'])) health(res, ctx);
      return true;
    case '/metrics':
      if (!allow(req, res, ['GET'])) return true;
      res.writeHead(200, { 'Content-Type': ctx.metrics.registry.contentType, 'Cache-Control': 'no-store' });
      res.end(await ctx.metrics.registry.metrics());
      return true;
    case '/v1/snapshot':
      await snapshot(req, res, ctx);
      return true;
    case '/v1/history':
      await handleHistory(req, res, { ...ctx, historySize: ctx.limits.historySize });
      return true;
    case '/v1/publish':
      if (allow(req, res, ['POST'])) await publish(req, res, ctx);
      return true;
    default:
      return false;
  }
}

function allow(req: IncomingMessage, res: ServerResponse, methods: string[]): boolean {
  if (methods.includes(req.method ?? '')) return true;
  sendError(res, 405, 'method not allowed', { Allow: methods.join(', ') });
  return false;
}

function health(res: ServerResponse, ctx: ApiContext): void {
  const status = ctx.backend.health();
  sendJson(res, status === 'ok' ? 200 : 503, {
    status,
    ...ctx.stats(),
    uptime: Math.round((Date.now() - ctx.startedAt) / 1000),
    backend: ctx.backend.kind,
    node: ctx.nodeId,
  });
}

async function snapshot(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const cors = corsHeaders(req, ctx.allowedOrigins);
  if (!acceptRead(req, res, cors)) return;
  const query = new URL(req.url ?? '/', 'http://relay').searchParams.get('channels') ?? '';
  const channels = [...new Set(query.split(',').filter((channel) => channel.length > 0))];
  if (channels.length === 0) return sendError(res, 400, '`channels` query parameter is required', cors);
  if (channels.length > ctx.limits.maxHttpItems) return sendError(res, 400, `at most ${ctx.limits.maxHttpItems} channels`, cors);
  if (!channels.every(isValidChannel)) return sendError(res, 400, 'invalid channel name', cors);
  if (!(await authorizeRead(req, res, ctx.verifier, channels, cors))) return;
  // One read for every channel (with Redis: one round trip, not one per channel).
  const read = await readInEpoch(ctx.backend, () => readLatest(ctx.backend, channels)).catch((error: unknown) => {
    sendReadFailure(res, ctx.log, 'snapshot', error, cors);
    return undefined;
  });
  if (read === undefined) return; // answered
  if (!read) return sendError(res, 503, 'the relay\'s seqs started over during the read; ask again', cors);
  // `epoch` names the run these seqs belong to, as `ack` does on the socket (absent without one).
  // Each value's stored JSON is spliced in as is (read-answers.ts): no parse and re-serialize per poll.
  sendJsonText(res, 200, snapshotAnswer(read.epoch, channels, read.value), cors);
}

function tokenMatches(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

async function publish(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  if (!ctx.publishToken) return sendError(res, 403, 'publishing is disabled: set MARKET_PULSE_PUBLISH_TOKEN');
  const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (!match || !tokenMatches(match[1] as string, ctx.publishToken)) {
    return sendError(res, 401, 'missing or wrong bearer token', { 'WWW-Authenticate': 'Bearer' });
  }
  let text: string;
  try {
    text = await readBody(req, ctx.limits.maxHttpBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendError(res, 413, `body larger than ${ctx.limits.maxHttpBodyBytes} bytes`, { Connection: 'close' });
    throw error;
  }
  const parsed = parsePublishBody(text, ctx.limits.maxHttpItems);
  if (!parsed.ok) return sendError(res, 400, parsed.reason);
  try {
    sendJson(res, 200, { published: await ctx.publish(parsed.items, 'http') });
  } catch (error) {
    // A channel Redis's ACL refuses is logged by the backend, once per burst: not once per request.
    if (!(error instanceof ChannelRefusedError)) ctx.log.warn(`publish failed: ${String(error)}`);
    sendError(res, 503, error instanceof Error ? error.message : 'publish failed');
  }
}
