/**
 * `GET /v1/history?channel=C&limit=N`: the newest stored updates of one channel, oldest first, so a
 * chart opened on a fresh page can backfill its window instead of starting empty.
 * Answer: `{"epoch": E, "channel": C, "updates": [{"seq", "data"}, …]}` (empty for an unknown channel;
 * `epoch`, the run of seqs they belong to, absent for a backend without one).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidChannel } from '../../protocol/index.js';
import type { ChannelBackend, Envelope } from '../backend/types.js';
import type { Logger } from '../log.js';
import type { TokenVerifier } from '../ws/auth.js';
import { acceptRead, authorizeRead, corsHeaders, readInEpoch, sendReadFailure } from './read-access.js';
import { historyAnswer } from './read-answers.js';
import { sendError, sendJsonText } from './respond.js';

/** What the history endpoint reads from the relay. */
export interface HistoryContext {
  backend: ChannelBackend;
  /** Updates the backend keeps per channel: a larger `limit` is answered with this many at most. */
  historySize: number;
  allowedOrigins: string[];
  verifier: TokenVerifier | null;
  log: Logger;
}

/** Largest `limit` accepted at all (larger ones are a client bug, answered 400). */
export const MAX_HISTORY_LIMIT = 100_000;

/** Parses `limit`: absent → the history size; a whole number 1…MAX_HISTORY_LIMIT; else null. */
export function parseHistoryLimit(text: string | null, historySize: number): number | null {
  if (text === null) return historySize;
  if (!/^[0-9]{1,6}$/.test(text)) return null;
  const limit = Number(text);
  if (limit < 1 || limit > MAX_HISTORY_LIMIT) return null;
  return Math.min(limit, historySize);
}

/**
 * The newest `limit` updates through `backend.history`, or — for a backend without it — through
 * `recover` from `latest.seq - limit` (which answers nothing when history no longer reaches back
 * that far; then the shorter tail is tried once from the latest value alone).
 */
async function readHistory(backend: ChannelBackend, channel: string, limit: number): Promise<Envelope[]> {
  if (backend.history) return backend.history(channel, limit);
  const latest = await backend.latest(channel);
  if (!latest) return [];
  const recovery = await backend.recover(channel, Math.max(0, latest.seq - limit));
  return recovery.recovered ? recovery.updates : [latest];
}

/** Serves `/v1/history`. */
export async function handleHistory(req: IncomingMessage, res: ServerResponse, ctx: HistoryContext): Promise<void> {
  const cors = corsHeaders(req, ctx.allowedOrigins);
  if (!acceptRead(req, res, cors)) return;
  const query = new URL(req.url ?? '/', 'http://relay').searchParams;
  const channel = query.get('channel');
  if (channel === null || channel === '') return sendError(res, 400, '`channel` query parameter is required', cors);
  if (!isValidChannel(channel)) return sendError(res, 400, 'invalid channel name', cors);
  const limit = parseHistoryLimit(query.get('limit'), ctx.historySize);
  if (limit === null) return sendError(res, 400, `\`limit\` must be a whole number from 1 to ${MAX_HISTORY_LIMIT}`, cors);
  if (!(await authorizeRead(req, res, ctx.verifier, [channel], cors))) return;
  let read: { epoch: string | undefined; value: Envelope[] } | null;
  try {
    read = await readInEpoch(ctx.backend, () => readHistory(ctx.backend, channel, limit));
  } catch (error) {
    return sendReadFailure(res, ctx.log, 'history', error, cors);
  }
  if (!read) return sendError(res, 503, 'the relay\'s seqs started over during the read; ask again', cors);
  // Each update's stored JSON is spliced in as is (read-answers.ts), not parsed and serialized again.
  sendJsonText(res, 200, historyAnswer(read.epoch, channel, read.value.slice(-limit)), cors);
}
