/**
 * History backfill over HTTP: `GET /v1/history?channel=…&limit=…` on the relay, merged with what
 * the core's own ring saw. A chart on a freshly opened page thus draws its whole window at once
 * instead of only what arrived since it subscribed.
 */
import { isPlainObject, isSafeData, isValidChannel } from '../../protocol/index.js';
import type { FeedUpdate } from '../types.js';
import { epochOf, getJson, httpBaseOf } from './relay-http.js';

/** How long a `/v1/history` backfill may take before the local ring answers alone. */
const HISTORY_FETCH_TIMEOUT_MS = 4000;

/** Largest `limit` the relay accepts; larger asks are clamped to it. */
export const MAX_HISTORY_REQUEST = 100_000;

/** The history URL of one channel (`http(s)://host:port/v1/history?channel=…&limit=…`). */
export function historyUrl(feedUrl: string, channel: string, limit: number): string {
  return `${httpBaseOf(feedUrl)}/v1/history?channel=${encodeURIComponent(channel)}&limit=${limit}`;
}

/** A history answer: its updates, and the relay epoch their seqs belong to (undefined: none named). */
export interface FetchedHistory {
  epoch: string | undefined;
  updates: FeedUpdate[];
}

/**
 * Reads a history body `{epoch, channel, updates: [{seq, data}, …]}` into updates of `channel`
 * (its epoch: `epochOf`). Entries that are malformed, or not strictly after the previous one, are
 * skipped: the result is always in ascending `seq` without duplicates.
 */
export function parseHistoryBody(body: unknown, channel: string): FeedUpdate[] {
  if (!isPlainObject(body) || !Array.isArray(body.updates)) return [];
  if (body.channel !== undefined && body.channel !== channel) return [];
  const out: FeedUpdate[] = [];
  for (const item of body.updates) {
    if (!isPlainObject(item)) continue;
    const { seq, data } = item;
    if (!Number.isSafeInteger(seq) || (seq as number) < 1 || !isSafeData(data)) continue;
    if (out.length > 0 && (seq as number) <= (out[out.length - 1] as FeedUpdate).seq) continue;
    out.push({ channel, seq: seq as number, data });
  }
  return out;
}

/**
 * Fetches the newest `limit` stored updates of `channel`, with the epoch the relay names. Sends
 * `Authorization: Bearer <token>` when a token is given (the relay requires it when auth is on).
 * Throws on network errors, timeouts and non-2xx answers, so the caller can fall back to what it has.
 */
export async function fetchHistory(
  fetchImpl: typeof fetch,
  feedUrl: string,
  channel: string,
  limit: number,
  token: string | undefined,
  timeoutMs: number,
): Promise<FetchedHistory> {
  if (!isValidChannel(channel)) return { epoch: undefined, updates: [] };
  const body = await getJson(fetchImpl, historyUrl(feedUrl, channel, limit), token, timeoutMs);
  return { epoch: epochOf(body), updates: parseHistoryBody(body, channel) };
}

/**
 * Merges fetched and local updates by `seq`: ascending, one per `seq` (the local one wins — it is
 * the one listeners were given), the newest `limit`.
 */
export function mergeBySeq<T extends FeedUpdate>(fetched: readonly FeedUpdate[], local: readonly T[], limit: number): Array<T | FeedUpdate> {
  const bySeq = new Map<number, T | FeedUpdate>();
  for (const update of fetched) bySeq.set(update.seq, update);
  for (const update of local) bySeq.set(update.seq, update);
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return merged.slice(Math.max(0, merged.length - limit));
}

/** Where a backfill reads the core's own state, after the fetch (it may change meanwhile). */
export interface BackfillLocal<T extends FeedUpdate> {
  /** The core's ring of the channel, newest `wanted`. */
  ring(): T[];
  /** The run of the relay's seqs the ring belongs to (undefined: none named yet). */
  epoch(): string | undefined;
}

/**
 * The newest `wanted` updates of `channel`: the relay's stored ones merged by `seq` with the
 * core's ring, read again after the fetch (updates that arrived meanwhile belong in the answer).
 * An answer of another run of the relay's seqs than the ring's would pass for its own by `seq`:
 * then the ring answers alone. Throws as `fetchHistory` does.
 */
export async function backfill<T extends FeedUpdate>(
  fetchImpl: typeof fetch,
  feedUrl: string,
  channel: string,
  wanted: number,
  token: string | undefined,
  local: BackfillLocal<T>,
): Promise<Array<T | FeedUpdate>> {
  const fetched = await fetchHistory(fetchImpl, feedUrl, channel, wanted, token, HISTORY_FETCH_TIMEOUT_MS);
  const ring = local.ring();
  const epoch = local.epoch();
  const foreign = fetched.epoch !== undefined && epoch !== undefined && fetched.epoch !== epoch;
  return foreign ? ring : mergeBySeq(fetched.updates, ring, wanted);
}

/** What `loadHistory` reads from the connection core. */
export interface HistorySource<T extends FeedUpdate> {
  /** The core's ring of `channel`, its newest `limit` updates, oldest first. */
  ring(channel: string, limit: number): T[];
  /** Updates the ring keeps per channel: the default `limit`. */
  ringSize: number;
  /** Where to fetch the relay's history; null: nowhere (the ring answers alone). */
  fetch: typeof fetch | null;
  /** The feed URL. */
  url: string;
  /** The token for the request, if the feed has one. */
  token(): Promise<string | undefined>;
  /** The run of the relay's seqs the ring belongs to. */
  epoch(): string | undefined;
}

/**
 * Recent updates of a channel, oldest first, up to `limit` (default: the ring size). When the
 * local ring holds fewer (the page opened a moment ago), the relay's `GET /v1/history` fills in
 * the older ones, merged by `seq`; on any error the local ring answers alone.
 */
export async function loadHistory<T extends FeedUpdate>(source: HistorySource<T>, channel: string, limit?: number): Promise<Array<T | FeedUpdate>> {
  const wanted = Number.isSafeInteger(limit) && (limit as number) > 0 ? Math.min(limit as number, MAX_HISTORY_REQUEST) : source.ringSize;
  const ring = () => source.ring(channel, wanted);
  const local = ring();
  // Nothing older exists when the ring starts at seq 1; without fetch there is nowhere to ask.
  if (local.length >= wanted || local[0]?.seq === 1 || !source.fetch) return local;
  try {
    return await backfill(source.fetch, source.url, channel, wanted, await source.token(), { ring, epoch: source.epoch });
  } catch {
    return ring();
  }
}
