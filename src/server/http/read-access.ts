/**
 * What the public read endpoints (`/v1/snapshot`, `/v1/history`) share: CORS headers for browser
 * pages on other origins; when JWT auth is on, the bearer check that the token allows every
 * channel asked for (the same rule as a WebSocket `subscribe`); the relay epoch that the seqs
 * they answer belong to; and the answer when the backend cannot be read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChannelRefusedError } from '../backend/redis-acl.js';
import type { ChannelBackend } from '../backend/types.js';
import type { Logger } from '../log.js';
import { grantAllows, type TokenVerifier } from '../ws/auth.js';
import { isOriginAllowed } from './origins.js';
import { sendError } from './respond.js';

/** CORS headers of a read endpoint: `*` without an allow-list, else the allowed origin. */
export function corsHeaders(req: IncomingMessage, allowed: string[]): Record<string, string> {
  const base = { 'Access-Control-Allow-Methods': 'GET, OPTIONS', 'Access-Control-Allow-Headers': 'Authorization', 'Access-Control-Max-Age': '600' };
  if (allowed.length === 0 || allowed.includes('*')) return { ...base, 'Access-Control-Allow-Origin': '*' };
  const origin = req.headers.origin;
  if (origin !== undefined && isOriginAllowed(origin, allowed)) return { ...base, 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  return { Vary: 'Origin' };
}

/**
 * Answers the CORS preflight and refuses methods other than GET. Returns true when the request
 * is a GET the caller should go on serving.
 */
export function acceptRead(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): boolean {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors);
    res.end();
    return false;
  }
  if (req.method === 'GET') return true;
  sendError(res, 405, 'method not allowed', { ...cors, Allow: 'GET, OPTIONS' });
  return false;
}

/**
 * With a verifier (auth on), checks the bearer JWT against `channels` and answers 401/403 itself.
 * Returns true when the request may proceed (always, when auth is off).
 */
export async function authorizeRead(
  req: IncomingMessage,
  res: ServerResponse,
  verifier: TokenVerifier | null,
  channels: string[],
  cors: Record<string, string>,
): Promise<boolean> {
  if (!verifier) return true;
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const result = token ? await verifier.verify(token) : null;
  if (result && !result.ok && result.unavailable) {
    sendError(res, 503, result.reason, { ...cors, 'Retry-After': '5' });
    return false;
  }
  if (!result?.ok) {
    sendError(res, 401, result ? result.reason : 'a bearer JWT is required', { ...cors, 'WWW-Authenticate': 'Bearer' });
    return false;
  }
  const forbidden = channels.filter((channel) => !grantAllows(result.grant, channel));
  if (forbidden.length === 0) return true;
  sendError(res, 403, `the token does not allow: ${forbidden.join(',')}`, cors);
  return false;
}

/**
 * Runs `read` (seqs read from `backend`) and names the run of seqs they belong to: the backend's
 * `epoch` (undefined for a backend without one). Null when the epoch changed during the read:
 * the seqs may come from either run, so no epoch can honestly be put on them.
 */
export async function readInEpoch<T>(backend: ChannelBackend, read: () => Promise<T>): Promise<{ epoch: string | undefined; value: T } | null> {
  const epoch = backend.epoch;
  const value = await read();
  return backend.epoch === epoch ? { epoch, value } : null;
}

/**
 * A backend read failed (Redis away, or its ACL refuses the relay a channel): 503, ask again later.
 * Logged, except an ACL refusal, which the backend reports once per burst, not once per poll.
 */
export function sendReadFailure(res: ServerResponse, log: Logger, what: 'snapshot' | 'history', error: unknown, cors: Record<string, string>): void {
  if (!(error instanceof ChannelRefusedError)) log.warn(`${what} read failed: ${String(error)}`);
  sendError(res, 503, `${what} is unavailable right now`, cors);
}
